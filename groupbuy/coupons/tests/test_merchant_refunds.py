"""The shop's owner refunds a coupon's unused units (it cannot honour it)."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.audit import AuditEntry
from groupbuy.core.errors import DomainError
from groupbuy.core.plugins import notification_kinds
from groupbuy.coupons.models import CouponRefund, DealCouponTerms, Revocation
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
)
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import auth, post
from groupbuy.coupons.tests.test_expiry_on_close import _pay_out
from groupbuy.escrow.models import Refund
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
REASON = "Our kitchen closed for renovation."


def _coupon_the_terms_do_not_refund(station, **kwargs):
    (order,) = confirmed_orders(station.merchant, quantities=(3,), **kwargs)
    DealCouponTerms.objects.update_or_create(
        deal=order.deal, defaults={"unused_refundable": False}
    )
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    return order, coupon_for(order)


def test_an_owner_refunds_unused_units_the_deals_terms_do_not_offer():
    # given an ended deal's coupon of 3 units, 1 used, which its terms refuse
    # to refund to the shopper
    station = make_station(name="Fresh Mart")
    order, coupon = _coupon_the_terms_do_not_refund(station)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    with pytest.raises(DomainError) as refusal:
        coupon_refund_unused(actor=order.shopper, coupon=coupon)
    assert refusal.value.code == "refund_not_offered"
    pending = balance_of("merchant_pending", merchant=station.merchant)
    price = order.final_unit_price_fen
    # when the owner refunds it with a reason, twice (a double tap)
    refund = coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON
    )
    again = coupon_refund_by_merchant(actor=station.owner, coupon=coupon, reason="x")
    # then the 2 unused units' price goes back once, the way the shopper's would
    assert again == refund
    refund.refresh_from_db()
    assert (refund.quantity, refund.amount_fen, refund.outcome) == (
        2,
        2 * price,
        "refunded",
    )
    assert (refund.refunded_by, refund.reason) == (station.owner, REASON)
    assert Refund.objects.get().amount_fen == 2 * price
    assert balance_of("merchant_pending", merchant=station.merchant) == (
        pending - 2 * price
    )
    assert_ledger_balanced()
    # and the coupon is revoked at every till
    assert coupon_for(order).status == "revoked"
    assert Revocation.objects.get().reason == "refunded_by_merchant"
    # and the shopper is told once, in their language, naming the shop and why
    (told,) = Notification.objects.filter(
        recipient=order.shopper, kind="coupons.refunded_by_merchant"
    )
    assert told.title == "Fresh Mart refunded your coupon"
    # a kind of its own in the inbox and in the shopper's notice settings
    assert notification_kinds()["coupons.refunded_by_merchant"] == (
        "Coupon refunded by the shop"
    )
    assert f"The shop's reason: {REASON}" in told.body
    assert "2 unused units" in told.body and "¥" in told.body
    audit = AuditEntry.objects.get(action="coupons.coupon.refunded_by_merchant")
    assert audit.data["reason"] == REASON


def test_a_merchant_paid_out_is_refused_and_nothing_changes():
    # given a deal that paid the shop at close, the money paid out
    station = make_station()
    order, coupon = _coupon_the_terms_do_not_refund(station, settlement_mode="on_close")
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _pay_out(station.merchant, payable, "payout-1")
    # when the owner refunds the coupon
    with pytest.raises(DomainError) as refusal:
        coupon_refund_by_merchant(actor=station.owner, coupon=coupon, reason=REASON)
    # then it is refused 409, and nothing moved, nobody was told
    assert (refusal.value.code, refusal.value.status) == ("merchant_paid_out", 409)
    assert "balance cannot cover" in refusal.value.message
    assert coupon_for(order).status == "valid"
    assert not CouponRefund.objects.exists()
    assert not Refund.objects.exists()
    assert not Revocation.objects.exists()
    assert not Notification.objects.filter(kind="coupons.refunded_by_merchant").exists()
    assert_ledger_balanced()


def test_the_api_refunds_for_owners_only(client):
    # given a coupon, a cashier of its shop, and another shop's owner
    station = make_station()
    order, coupon = _coupon_the_terms_do_not_refund(station)
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    other = make_station(name="Other shop")
    other.owner.preferred_language = "en"
    other.owner.save(update_fields=["preferred_language"])
    path = f"coupons/{coupon.public_id}/refund"
    url = f"/api/coupons/merchants/{station.merchant.public_id}/{path}"
    elsewhere = f"/api/coupons/merchants/{other.merchant.public_id}/{path}"
    # when the cashier, the other owner and the owner without a reason ask
    by_cashier = post(client, url, {"reason": REASON}, cashier)
    by_other = post(client, elsewhere, {"reason": REASON}, other.owner)
    by_other_here = post(client, url, {"reason": REASON}, other.owner)
    no_reason = post(client, url, {"reason": ""}, station.owner)
    # then none refunds
    assert (by_cashier.status_code, by_cashier.json()["code"]) == (403, "forbidden")
    assert (by_other.status_code, by_other.json()["code"]) == (404, "not_found")
    # (docs/coupons.md: the owners-only refusal, naming the shop, as docs/api.md)
    assert (by_other_here.status_code, by_other_here.json()) == (
        403,
        {
            "code": "forbidden",
            "message": f"Only the owners of {station.merchant.name} may do this.",
            "fields": {},
        },
    )
    assert no_reason.status_code == 422
    assert not CouponRefund.objects.exists()
    # when the owner asks with a reason
    answer = post(client, url, {"reason": REASON}, station.owner)
    # then it is refunded, saying by whom and why
    assert answer.status_code == 200
    assert answer.json() | {"refunded_at": None} == {
        "coupon_id": coupon.public_id,
        "serial": coupon.serial,
        "order_id": order.public_id,
        "quantity": 3,
        "amount_fen": 3 * order.final_unit_price_fen,
        "outcome": "refunded",
        "reason": REASON,
        "refunded_by": station.owner.public_id,
        "refunded_at": None,
        "units_left": 0,
    }
    # and the shopper's coupon answer gives the shop's reason
    mine = client.get(f"/api/coupons/{coupon.public_id}", headers=auth(order.shopper))
    assert mine.json()["status"] == "revoked"
    assert mine.json()["refund"]["reason"] == REASON


def test_the_owner_refunds_from_the_order_list_and_a_cashier_is_not_offered(client):
    # given an ended deal's order whose coupon has 3 units left
    station = make_station()
    _order, coupon = _coupon_the_terms_do_not_refund(station)
    cashier = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    orders = f"/merchant/{station.merchant.public_id}/orders/"
    console = f"/coupons/merchant/{station.merchant.public_id}"
    action = f"{console}/coupons/{coupon.public_id}/refund/"
    # when a cashier opens the order list, or posts the refund
    client.force_login(cashier)
    assert action not in client.get(orders).content.decode()
    assert client.post(action, {"reason": REASON}).status_code == 403
    # when the owner opens it, and refunds with a reason
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    page = client.get(orders).content.decode()
    assert action in page and "3 unused units left" in page
    answer = client.post(action, {"reason": REASON, "next": orders}, follow=True)
    # then the coupon is refunded, the list says so and offers it no more
    assert answer.redirect_chain[-1][0] == orders
    refund = CouponRefund.objects.get()
    assert (refund.refunded_by, refund.reason) == (station.owner, REASON)
    html = answer.content.decode()
    assert f"Coupon {coupon.serial} was refunded" in html
    assert action not in html
    # and a reason left empty refunds nothing
    _other_order, other = _coupon_the_terms_do_not_refund(station)
    empty = client.post(
        action.replace(coupon.public_id, other.public_id), {"reason": " "}, follow=True
    )
    assert "Say why you refund this coupon" in empty.content.decode()
    assert CouponRefund.objects.count() == 1


def test_the_shoppers_coupon_page_gives_the_shops_reason(client):
    # given a coupon the shop refunded
    station = make_station()
    order, coupon = _coupon_the_terms_do_not_refund(station)
    coupon_refund_by_merchant(actor=station.owner, coupon=coupon, reason=REASON)
    # when its shopper opens it
    client.force_login(order.shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    # then it says the units were refunded, and the shop's reason
    assert "3 unused units refunded on" in page
    assert f"The shop refunded it: {REASON}" in page


def test_a_blank_reason_is_the_services_400_on_reason(client):
    # given an owner whose reason is only spaces: well-formed for the API (it
    # has a character), refused by the service
    station = make_station()
    _order, coupon = _coupon_the_terms_do_not_refund(station)
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    path = f"coupons/{coupon.public_id}/refund"
    url = f"/api/coupons/merchants/{station.merchant.public_id}/{path}"
    # when
    refused = post(client, url, {"reason": "   "}, station.owner)
    # then it is a service's refusal, 400 on the field (docs/api.md: 422 is only
    # the request-reading layer's), and nothing is refunded
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "code": "invalid",
            "message": "Say why you refund this coupon (at most 200 characters).",
            "fields": {"reason": ["Between 1 and 200 characters."]},
        },
    )
    with pytest.raises(DomainError) as refusal:
        coupon_refund_by_merchant(actor=station.owner, coupon=coupon, reason="")
    assert (refusal.value.status, list(refusal.value.fields)) == (400, ["reason"])
    assert not CouponRefund.objects.exists()
    assert coupon_for(_order).status == "valid"


def _list_queries(client, url: str) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(queries), answer.content.decode()


@pytest.mark.one_database
def test_the_order_lists_refund_actions_read_as_many_queries_for_6_rows_as_for_2(
    client,
):
    # given an owner's order list with 2 confirmed orders, each coupon refundable
    # (its refund action asked the database once per confirmed row)
    station = make_station()
    client.force_login(station.owner)
    url = f"/merchant/{station.merchant.public_id}/orders/"
    confirmed_orders(station.merchant, quantities=(1, 2))
    small, page = _list_queries(client, url)
    assert page.count('id="merchant-coupon-refund-cpn') == 2
    # when 4 more confirmed orders join the list
    confirmed_orders(station.merchant, quantities=(1, 1, 2, 3))
    large, page = _list_queries(client, url)
    # then every row still offers its refund, and the list reads no more queries
    assert page.count('id="merchant-coupon-refund-cpn') == 6
    assert large == small


def test_todays_redemptions_do_not_count_units_left_on_a_refunded_coupon(client):
    # given a coupon of 3 units, 1 redeemed at the till today
    station = make_station(name="Fresh Mart")
    _order, coupon = _coupon_the_terms_do_not_refund(station)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/"
    row = _redemption_row(client.get(url).content.decode(), coupon.serial)
    assert "1 unit · 2 left ·" in row
    # when the owner refunds its 2 unused units
    coupon_refund_by_merchant(actor=station.owner, coupon=coupon, reason=REASON)
    # then today's list no longer says 2 are left: it says the coupon is revoked
    row = _redemption_row(client.get(url).content.decode(), coupon.serial)
    assert "left" not in row
    assert "1 unit · Revoked ·" in row


def _redemption_row(page: str, serial: str) -> str:
    """The text of the till's "Redeemed today" row of the coupon ``serial``."""
    listed = page.split('id="redemptions"', 1)[1].split("</ul>", 1)[0]
    (row,) = [item for item in listed.split("<li") if serial in item]
    return " ".join(row.split())


def test_an_ended_deals_page_offers_its_owner_the_refund_the_order_list_does(client):
    # given a deal that succeeded, its 2 buyers holding unused coupons
    station = make_station()
    first, second = confirmed_orders(station.merchant, quantities=(1, 2))
    merchant, deal = station.merchant.public_id, first.deal.public_id
    url = f"/merchant/{merchant}/deals/{deal}/"
    # when its owner opens the deal's page
    client.force_login(station.owner)
    page = client.get(url).content.decode()
    # then each order offers to refund its coupon's unused units, as the
    # shop's order list does (until 2026-12-07 only the list offered it)
    for order in (first, second):
        coupon = coupon_for(order)
        assert f'id="merchant-coupon-refund-{coupon.public_id}"' in page
    # and a cashier, who refunds nothing, is offered none
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    client.force_login(cashier)
    assert 'id="merchant-coupon-refund-' not in client.get(url).content.decode()
