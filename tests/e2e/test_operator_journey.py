"""An operator's journey in a real browser against `groupbuy serve`.

Four shoppers snapped a product nobody sells as a group buy yet, passing its
category's demand threshold (3; the counter starts after the first requester).
The operator sees the demand alert on the dashboard, launches a deal from it,
and the shoppers who asked are told: one of them, with the site open, sees the
inbox badge change live and finds the notification in the inbox.
"""

from __future__ import annotations

import json
import re
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]

OPERATOR_PHONE = "13900660001"
OPERATOR_PASSWORD = "operator-journey-pass"
REQUESTER_PHONE = "13900660101"
REQUESTER_PASSWORD = "requester-journey-pass"
PRODUCT_NAME = "Biluochun tea"

SEED_DEMAND = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.catalog import services as catalog
from groupbuy.catalog.gtin import gtin_check_digit
from groupbuy.catalog.models import Branch, Category, Merchant, Product
from groupbuy.snap.services.demand import demand_record

operator = User.objects.create_user(
    phone="+86$operator", password="$operator_password",
    preferred_language="en", is_staff=True,
)
requesters = [
    User.objects.create_user(
        phone=f"+861390066010{index + 1}", password="$requester_password",
        preferred_language="en",
    )
    for index in range(4)
]
category = Category.objects.create(
    slug="journey-green-tea", name_zh="绿茶", name_en="Green tea", demand_threshold=3
)
body = "200000066001"
product = Product.objects.create(
    gtin=body + str(gtin_check_digit(body)), name_zh="碧螺春", name_en="$product",
    category=category,
)
merchant = Merchant.objects.create(name="运营旅程超市", name_en="Operator Journey Mart")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
catalog.listing_create(
    actor=operator, merchant=merchant, product=product, price_fen=4500
)
for requester in requesters:
    demand_record(actor=requester, product=product)
print(json.dumps({"product": product.public_id}))
""").substitute(
    operator=OPERATOR_PHONE,
    operator_password=OPERATOR_PASSWORD,
    requester_password=REQUESTER_PASSWORD,
    product=PRODUCT_NAME,
)

LAUNCH_NOTIFICATIONS = Template("""
import json
from groupbuy.notify.models import Notification
print(json.dumps(sorted(
    [n.recipient.phone, n.data.get("deal")]
    for n in Notification.objects.filter(
        kind="snap.demand.deal_launched", data__product="$product"
    )
)))
""")


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def _sign_in(page, phone: str, password: str, next_path: str) -> None:
    sign_in(page, phone, password, then=next_path)


def test_demand_alert_to_launched_deal_to_requesters_told(
    chromium, page, groupbuy_server
):
    # given four shoppers asked for a product past its threshold
    product_id = _last_json(groupbuy_server.run_python(SEED_DEMAND))["product"]
    # and one of them has the site open
    requester_context = chromium.new_context(
        base_url=groupbuy_server.url, viewport={"width": 390, "height": 844}
    )
    requester_context.set_default_timeout(STEP_TIMEOUT_MS)
    requester = requester_context.new_page()
    _sign_in(requester, REQUESTER_PHONE, REQUESTER_PASSWORD, "/")
    assert requester.locator("#inbox-badge").is_hidden()

    # when the operator opens the dashboard, the demand alert is there
    _sign_in(page, OPERATOR_PHONE, OPERATOR_PASSWORD, "/operator/")
    alert = page.locator("#demand-alerts-list li", has_text=PRODUCT_NAME)
    alert.wait_for()
    assert "4 people asked" in alert.inner_text()

    # and launches the deal from it, as prefilled from the demand
    alert.get_by_role("link", name="Launch deal").click()
    page.wait_for_url(re.compile(rf"/snap/operator/launch/{product_id}/$"))
    assert "4 people asked for it" in page.inner_text("#launch-demand")
    page.click("#launch-submit")

    # then the operator is told the requesters were notified
    page.wait_for_selector("#messages")
    assert "4 people who asked were told." in page.inner_text("#messages")

    # and the requester's open page shows the new notification at once
    requester.wait_for_selector("#inbox-badge:not([hidden])")
    assert requester.inner_text("#inbox-badge").strip() == "1"
    # (the inbox is behind the tab bar's "More", whose tab carries the badge)
    requester.click("#nav-more")
    requester.click("#nav-inbox")
    requester.wait_for_url(re.compile(r"/inbox/$"))
    assert f"A group buy for {PRODUCT_NAME} has launched" in requester.inner_text(
        "#inbox-list"
    )

    # and every requester was told about the same, now open, deal
    told = _last_json(
        groupbuy_server.run_python(LAUNCH_NOTIFICATIONS.substitute(product=product_id))
    )
    assert [phone for phone, _deal in told] == [
        "+8613900660101",
        "+8613900660102",
        "+8613900660103",
        "+8613900660104",
    ]
    assert len({deal for _phone, deal in told}) == 1
    requester_context.close()


FAILED_OPERATOR_PHONE = "13900660002"
SEED_FAILED_DELIVERY = Template("""
import json
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.notify.models import Delivery
from groupbuy.notify.services import notification_enqueue

User.objects.create_user(
    phone="+86$operator", password="$operator_password",
    preferred_language="en", is_staff=True,
)
shopper = User.objects.create_user(
    phone="+8613900660201", password="$operator_password", preferred_language="en"
)
notification = notification_enqueue(
    recipient=shopper, kind="deals.deal.failed", title="t", body="b",
    channels=["sms"],
)
Delivery.objects.filter(notification=notification).update(
    status="failed", attempts=6, last_error="SmsError: gateway down",
    failed_at=timezone.now(), next_attempt_at=None,
)
print(json.dumps({"delivery": notification.public_id + "-sms"}))
""").substitute(operator=FAILED_OPERATOR_PHONE, operator_password=OPERATOR_PASSWORD)


def test_failed_text_seen_and_retried_from_the_console(page, groupbuy_server):
    # given a text that ran out of attempts while the gateway was down
    delivery = _last_json(groupbuy_server.run_python(SEED_FAILED_DELIVERY))["delivery"]
    # when the operator opens Failed deliveries from the console's menu
    _sign_in(page, FAILED_OPERATOR_PHONE, OPERATOR_PASSWORD, "/operator/")
    page.click("#operator-nav-failed-deliveries")
    page.wait_for_url(re.compile(r"/operator/deliveries/$"))
    # then the text is listed, its number masked, under the days' chart
    row = page.locator(f"[id='delivery-{delivery}']")
    assert "+86139****0201" in row.inner_text()
    assert "SmsError: gateway down" in row.inner_text()
    page.wait_for_selector("#failed-deliveries-chart[data-chart-drawn='1']")
    # when the operator ticks it and confirms the retry
    page.check(f"[id='select-{delivery}']")
    page.click("#retry-selected summary")
    page.click("#retry-selected-confirm")
    # then the page says it was queued again, and it is no longer failed
    page.wait_for_selector("#messages")
    assert "1 delivery queued again." in page.inner_text("#messages")
    assert page.locator(f"[id='delivery-{delivery}']").count() == 0


def _seed_paid_order(*, shopper_phone: str, title: str) -> str:
    """The shell script seeding a paid order (its payment held in escrow) and
    the operator; it prints the order's and the payment's numbers."""
    return Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.deals.tests.factories import join_and_pay, make_deal

if not User.objects.filter(phone="+86$operator").exists():
    User.objects.create_user(
        phone="+86$operator", password="$operator_password",
        preferred_language="en", is_staff=True,
    )
# A number of its own: make_user's count starts again in each shell, and
# another seed (the accessibility pass's) may have taken its first numbers.
shopper = User.objects.filter(phone="+86$shopper").first()
shopper = shopper or User.objects.create_user(phone="+86$shopper", password="x" * 12)
order = join_and_pay(make_deal(title="$title"), shopper=shopper)
print(json.dumps({"order": order.public_id, "payment": order.payment_intent.public_id}))
""").substitute(
        operator=OPERATOR_PHONE,
        operator_password=OPERATOR_PASSWORD,
        shopper=shopper_phone,
        title=title,
    )


def test_an_operator_refunds_what_a_payment_still_holds(page, groupbuy_server):
    # given a paid order, its payment held in escrow
    seed = _seed_paid_order(shopper_phone="13900660302", title="Held tea")
    payment_id = _last_json(groupbuy_server.run_python(seed))["payment"]
    # when the operator opens the payment and asks to refund what it holds
    _sign_in(
        page, OPERATOR_PHONE, OPERATOR_PASSWORD, f"/operator/payments/{payment_id}/"
    )
    page.click("#payment-refund-held summary")
    confirm = page.locator("#payment-refund-held-confirm")
    # then it asks first, naming the amount, and refunds it once confirmed
    amount = re.fullmatch(r"Refund (¥[\d,.]+) to the payer", confirm.inner_text())[1]
    confirm.click()
    page.wait_for_selector("#messages")
    assert f"Refunded {amount} to the payer." in page.inner_text("#messages")
    assert amount in page.inner_text("#payment-refunds")
    assert page.locator("#payment-refund-held").count() == 0


def test_an_operator_stops_a_group_buy_and_refunds_everyone(page, groupbuy_server):
    # given a paid order of an open group buy, which a shopper asks about
    seed = _seed_paid_order(shopper_phone="13900660301", title="Stopped tea")
    order_id = _last_json(groupbuy_server.run_python(seed))["order"]
    _sign_in(page, OPERATOR_PHONE, OPERATOR_PASSWORD, f"/operator/orders/{order_id}/")
    # when the operator goes to its group buy and asks to stop it
    page.click("#order-deal")
    page.click("#operator-deal-stop summary")
    # then it asks first, naming the money going back and to how many buyers
    explained = page.inner_text("#operator-deal-stop-explained")
    amount = re.search(r"(¥[\d,.]+) goes back in full to 1 buyer", explained)[1]
    # and once confirmed with a reason, it is stopped and says so
    page.fill("#operator-deal-stop [name='reason']", "Counterfeit goods")
    page.click("#operator-deal-stop-confirm")
    page.wait_for_selector("#messages")
    assert (
        f"The group buy is stopped: {amount} goes back in full to 1 buyer"
        in page.inner_text("#messages")
    )
    assert "Counterfeit goods" in page.inner_text("#operator-deal-stopped-by")
    assert page.locator("#operator-deal-stop").count() == 0
