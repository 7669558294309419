"""The console's page refunding some units of one order: the units and the
reason, a confirmation saying what goes back to whom, then the refund; the
shopper's order page lists it. Nobody but the shop's owners may."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.deals.models import DealOrder, OrderUnitRefund
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db
PRICE = 9_900
ENGLISH = {"accept-language": "en"}


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    deal = make_deal(merchant=merchant, tiers=[(1, PRICE)])
    shopper = make_user(display_name="Lan Wei", preferred_language="en")
    order = join_and_pay(deal, quantity=3, shopper=shopper)
    url = reverse(
        "web:merchant_order_refund_units",
        args=[merchant.public_id, deal.public_id, order.public_id],
    )
    return {"owner": owner, "deal": deal, "order": order, "url": url}


def test_an_owner_confirms_then_refunds_two_units_and_the_shopper_sees_it(shop):
    # given the owner on the deal's page, which links to the page
    owner = _login(shop["owner"])
    deal, order = shop["deal"], shop["order"]
    detail = reverse(
        "web:merchant_deal_detail", args=[deal.merchant.public_id, deal.public_id]
    )
    assert shop["url"] in owner.get(detail, headers=ENGLISH).content.decode()
    form = owner.get(shop["url"], headers=ENGLISH)
    key = form.context["form"].initial["idempotency_key"]
    asked = {"units": "2", "reason": "Out of the large size", "idempotency_key": key}
    # when the owner asks for 2 units
    confirm = owner.post(shop["url"], asked, headers=ENGLISH)
    # then nothing is refunded yet: the page says what will go back to whom,
    # naming the buyer as the deal's page does (until 2026-12-07 "L***")
    html = confirm.content.decode()
    text = re.search(r'id="refund-units-confirm-text">([^<]*)<', html).group(1)
    assert text == (
        "Refund 2 units to Lan Wei: ¥198.00 goes back to them, and the units go "
        "back to the stock. This cannot be undone."
    )
    phone = order.shopper.phone
    buyer = re.search(r'id="refund-units-buyer">(.*?)</span></li>', html).group(1)
    assert buyer.startswith("Lan Wei ")
    assert f"{phone[:-8]}****{phone[-4:]}" in buyer and phone not in buyer
    assert not OrderUnitRefund.objects.exists()
    # when they confirm, twice (a double tap)
    for _ in range(2):
        done = owner.post(shop["url"], {**asked, "confirmed": "1"}, headers=ENGLISH)
    # then the units are refunded once
    assert done.status_code == 302
    order.refresh_from_db()
    assert (order.quantity, order.refunded_fen) == (1, 2 * PRICE)
    assert OrderUnitRefund.objects.count() == 1
    # and the deal's page says what went back beside the order's amount
    row = re.search(
        rf'id="merchant-order-{order.public_id}">(.*?)</tr>',
        owner.get(detail, headers=ENGLISH).content.decode(),
        re.S,
    ).group(1)
    assert "¥198.00 refunded" in row
    # and the shopper's order page says what was refunded, when and why
    page = _login(order.shopper).get(
        reverse("web:order_detail", args=[order.public_id]), headers=ENGLISH
    )
    refund = OrderUnitRefund.objects.get()
    line = re.search(
        rf'id="order-unit-refund-{refund.public_id}">(.*?)</li>',
        page.content.decode(),
        re.S,
    ).group(1)
    day = timezone.localtime(refund.created_at).strftime("%Y-%m-%d")
    assert f"2 units refunded by the shop on {day}" in line
    assert "The shop says: “Out of the large size”" in line
    assert "¥198.00" in line


def test_more_units_than_paid_is_refused_on_the_form(shop):
    owner = _login(shop["owner"])
    page = owner.post(
        shop["url"], {"units": "4", "reason": "x", "confirmed": "1"}, headers=ENGLISH
    )
    assert page.status_code == 200
    assert (
        "This order has 3 units paid; refund at most that many."
        in page.content.decode()
    )
    assert not OrderUnitRefund.objects.exists()


def test_cashiers_other_shops_and_the_shopper_get_no_page_and_refund_nothing(shop):
    merchant = shop["deal"].merchant
    cashier = make_user()
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    rival_owner = make_user()
    rival = make_merchant(name="Rival", owner=rival_owner)
    rival_cashier = make_user()
    merchant_membership_add(
        actor=None, user=rival_cashier, merchant=rival, role="cashier"
    )
    body = {"units": "1", "reason": "x", "confirmed": "1"}
    for user in (cashier, rival_owner, rival_cashier, shop["order"].shopper):
        client = _login(user)
        assert client.get(shop["url"]).status_code in (403, 404)
        assert client.post(shop["url"], body).status_code in (403, 404)
    order = DealOrder.objects.get(pk=shop["order"].pk)
    assert (order.quantity, order.refunded_fen) == (3, 0)


def test_the_page_leads_back_to_the_group_buy_before_and_when_nothing_can_be_done(
    shop,
):
    # given the owner, an order they may refund units of, and a cancelled one
    owner = _login(shop["owner"])
    deal = shop["deal"]
    back = reverse(
        "web:merchant_deal_detail", args=[deal.merchant.public_id, deal.public_id]
    )
    # when they open the page for the paid order
    page = owner.get(shop["url"], headers=ENGLISH).content.decode()
    # then its first step can be left for the group buy's page
    assert f'href="{back}" id="refund-units-cancel"' in page
    # and when the order can no longer have units refunded, the page says so
    # and leads back too
    DealOrder.objects.filter(pk=shop["order"].pk).update(status="cancelled")
    page = owner.get(shop["url"], headers=ENGLISH).content.decode()
    assert 'id="refund-units-unavailable"' in page
    assert f'href="{back}" id="refund-units-back"' in page
