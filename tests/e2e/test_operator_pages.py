"""The operator's dashboard and look-up in a real browser (360 × 740).

The dashboard draws its per-day charts (each figure gets data-chart-drawn="1"
from web/js/chart.js once Chart.js, served locally, has drawn it); a look-up by
phone lists the shopper's orders with the phone masked, and the order's detail
page shows the full number; Products finds the order's product, whose page
stops selling it after saying what happens to its open group buy, and
corrects its English name after showing it before and after; a buyer demand's
operator page, opened from the demand's own page, withdraws a shop's offer and
cancels the demand, each asking for a reason first.
"""

from __future__ import annotations

import json
import re
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]

OPERATOR_PHONE = "13900670001"
OPERATOR_PASSWORD = "operator-pages-pass"
SHOPPER_PHONE = "13900670101"
SHOP_OWNER_PHONE = "13900670201"
INITIATOR_PHONE = "13900670301"
BUYER_PHONE = "13900670302"

SEED = Template("""
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Branch, Listing, Merchant, Product
from groupbuy.deals.services import deal_create, deal_join, deal_open
from groupbuy.escrow.tests.factories import apply_event, event_for
from groupbuy.ops.stats import platform_daily_stats_refresh

User.objects.create_user(
    phone="+86$operator", password="$password", preferred_language="en",
    is_staff=True,
)
shopper = User.objects.create_user(phone="+86$shopper", password="$password")
merchant = Merchant.objects.create(name="运营页面超市", name_en="Operator Pages Mart")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
product = Product.objects.create(name_zh="龙井", name_en="Longjing tea")
Listing.objects.create(merchant=merchant, product=product, price_fen=12_900)
now = timezone.now()
deal = deal_open(actor=None, deal=deal_create(
    actor=None, merchant=merchant, product=product, title="Longjing tea 250 g",
    list_price_fen=12_900, tiers=[(2, 9_900)], stock=10,
    starts_at=now - timedelta(hours=1), deadline_at=now + timedelta(days=1),
))
order = deal_join(actor=shopper, deal=deal, quantity=1)
apply_event(event_for(order.payment_intent))
platform_daily_stats_refresh()
# a buyer demand with a shop's offer, which the operator cancels
from groupbuy.accounts.models import MerchantMembership
from groupbuy.demands.tests.factories import join_and_pay, make_offer, make_published
# (people with numbers of this journey's own: the factories' numbers start at
# the demo's shopper, whom another journey may have loaded on this server)
initiator, buyer = (
    User.objects.create_user(
        phone=f"+86{phone}", password="$password", phone_verified_at=now
    )
    for phone in ("$initiator", "$buyer")
)
demand = make_published(title="Fake Longjing tea", initiator=initiator)
join_and_pay(demand, buyer)
shop_owner = User.objects.create_user(phone="+86$shop_owner", password="$password")
MerchantMembership.objects.create(user=shop_owner, merchant=merchant, role="owner")
offer = make_offer(demand, merchant=merchant, owner=shop_owner)
print(json.dumps({
    "order": order.public_id, "product": product.public_id,
    "demand": demand.public_id, "offer": offer.public_id,
}))
""").substitute(
    operator=OPERATOR_PHONE,
    shopper=SHOPPER_PHONE,
    shop_owner=SHOP_OWNER_PHONE,
    initiator=INITIATOR_PHONE,
    buyer=BUYER_PHONE,
    password=OPERATOR_PASSWORD,
)


@pytest.fixture
def small_page(chromium, groupbuy_server):
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=groupbuy_server.url,
        viewport={"width": 360, "height": 740},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_dashboard_charts_and_phone_lookup(small_page, groupbuy_server):
    page = small_page
    output = groupbuy_server.run_python(SEED)
    seeded = json.loads(output.strip().splitlines()[-1])
    order_id, product_id = seeded["order"], seeded["product"]
    # given the operator signed in
    sign_in(page, OPERATOR_PHONE, OPERATOR_PASSWORD, then="/operator/")

    # then every daily chart is drawn, today's orders among the figures
    page.wait_for_function(
        "document.querySelectorAll('#operator-charts figure.chart').length === 6 && "
        "[...document.querySelectorAll('#operator-charts figure.chart')]"
        ".every(f => f.dataset.chartDrawn === '1')"
    )
    assert page.locator("#operator-charts canvas").count() == 6
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # when the operator looks the shopper up by phone
    page.fill("#operator-lookup-q", SHOPPER_PHONE)
    page.press("#operator-lookup-q", "Enter")
    page.wait_for_url(re.compile(r"/operator/lookup/\?q="))

    # then the list shows the phone masked, never in full
    orders = page.locator("#lookup-orders")
    assert "+86139****0101" in orders.inner_text()
    assert f"+86{SHOPPER_PHONE}" not in page.content()

    # and the order's page shows the full number
    orders.get_by_role("link", name=order_id).click()
    page.wait_for_url(re.compile(rf"/operator/orders/{order_id}/$"))
    assert page.inner_text("#order-shopper-phone") == f"+86{SHOPPER_PHONE}"

    # when the operator finds the order's product under Products
    page.click("#operator-nav-products")
    page.wait_for_url(re.compile(r"/operator/products/$"))
    page.fill("#operator-products-q", "Longjing")
    page.press("#operator-products-q", "Enter")
    page.wait_for_url(re.compile(r"/operator/products/\?q=Longjing"))
    page.click(f"#operator-product-{product_id} a")
    page.wait_for_url(re.compile(rf"/operator/products/{product_id}/$"))
    # then its page lists the open group buy, and Stop selling says first what
    # happens to it
    assert "Longjing tea 250 g" in page.inner_text("#operator-product-deals")
    page.click("#operator-product-stop summary")
    assert "Its 1 open group buy stays open and listed but takes no new joins" in (
        page.inner_text("#operator-product-stop-explained")
    )
    # and once confirmed it is stopped, and offers to sell it again
    page.click("#operator-product-stop-confirm")
    page.wait_for_selector("#messages")
    assert "is no longer sold" in page.inner_text("#messages")
    assert page.inner_text("#operator-product-state").strip() == "Stopped"
    assert page.locator("#operator-product-resume summary").is_visible()

    # when the operator corrects its English name from its page
    page.click("#operator-product-correct-link")
    page.wait_for_url(re.compile(rf"/operator/products/{product_id}/correct/$"))
    assert "Operator Pages Mart" in page.inner_text("#operator-product-shops")
    page.fill("#id_name_en", "Longjing green tea")
    page.fill("#id_reason", "The tin says green tea")
    page.click("#operator-product-correct-check")
    # then the confirm step shows the name before and after, and once
    # confirmed the product's page shows the corrected name
    change = page.locator("#operator-product-change-name_en")
    assert "Longjing tea" in change.inner_text()
    assert "Longjing green tea" in change.inner_text()
    page.click("#operator-product-correct-confirm-button")
    page.wait_for_url(re.compile(rf"/operator/products/{product_id}/$"))
    assert "is corrected" in page.inner_text("#messages")
    assert "Longjing green tea" in page.inner_text("#operator-product-details")

    # when the operator opens a buyer demand's operator page from its own page
    demand_id, offer_id = seeded["demand"], seeded["offer"]
    page.goto(f"/demands/{demand_id}/")
    page.click("#demand-operator-page")
    page.wait_for_url(re.compile(rf"/operator/demands/{demand_id}/$"))
    # and withdraws the shop's offer, saying why, after it says what happens
    page.click(f"#operator-offer-{offer_id} summary")
    page.fill(f"#offer-withdraw-reason-{offer_id}", "The price is misleading.")
    page.click(f"#operator-offer-{offer_id} button[type=submit]")
    page.wait_for_selector(f"#operator-offer-{offer_id}[data-state=withdrawn]")
    assert "offer is withdrawn; the shop is told the reason" in (
        page.inner_text("#messages")
    )
    # then cancels the demand: its two deposits go back
    page.click("#operator-demand-cancel summary")
    assert "¥25.00 of deposits goes back to 2 buyers" in (
        page.inner_text("#operator-demand-cancel-explained")
    )
    page.fill("#demand-cancel-reason", "Counterfeit goods are not allowed.")
    page.click("#operator-demand-cancel-confirm")
    page.wait_for_selector("#operator-demand-state[data-state=cancelled]")
    assert "The demand is cancelled" in page.inner_text("#messages")
    assert page.locator("#operator-demand-cancel").count() == 0

    # and the console's pages, from every app, mark none of the shopper's tabs
    # (the snap console's address starts like the camera tab's, /snap/) and
    # put their heading above the console's menu, as the dashboard does
    for path in (
        "/snap/operator/",
        "/snap/operator/queue/",
        "/payments/operator/payouts/",
        "/operator/erasures/",
        # every shop's offline conflicts, from the coupons app
        "/operator/coupon-conflicts/",
    ):
        page.goto(path)
        page.wait_for_selector("#operator-menu [aria-current=page]")
        assert page.locator(".tabbar [aria-current]").count() == 0, path
        assert page.evaluate(
            "document.querySelector('main h1').compareDocumentPosition("
            "document.querySelector('#operator-menu'))"
            " & Node.DOCUMENT_POSITION_FOLLOWING"
        ), path
        # and on the phone the bar, scrolled sideways, shows the current tab
        assert page.evaluate(CURRENT_TAB_IN_SIGHT), path

    # and on a laptop (1366 px) the bar wraps: every tab is in sight on every
    # page, none cut or scrolled away (until 2026-12-06 "Erasure requests" was
    # hidden, and on its page "Dashboard" and "Look up" were)
    page.set_viewport_size({"width": 1366, "height": 768})
    for path in ("/operator/", "/payments/operator/payouts/", "/operator/erasures/"):
        page.goto(path)
        page.wait_for_selector("#operator-menu [aria-current=page]")
        assert page.evaluate(EVERY_TAB_IN_SIGHT), path


CURRENT_TAB_IN_SIGHT = """(() => {
  const bar = document.querySelector('#operator-menu');
  const tab = bar.querySelector('[aria-current=page]').getBoundingClientRect();
  const box = bar.getBoundingClientRect();
  return tab.left >= box.left - 1 && tab.right <= box.right + 1;
})()"""

EVERY_TAB_IN_SIGHT = """(() => {
  const bar = document.querySelector('#operator-menu');
  const box = bar.getBoundingClientRect();
  return bar.scrollWidth <= bar.clientWidth && [...bar.querySelectorAll('a')].every(
    (a) => a.getBoundingClientRect().left >= box.left - 1
      && a.getBoundingClientRect().right <= box.right + 1
  );
})()"""
