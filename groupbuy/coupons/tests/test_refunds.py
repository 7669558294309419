"""A shopper refunds a valid coupon's unused units before it expires (随时退)."""

from collections import Counter

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponRefund, Revocation
from groupbuy.coupons.personal_data import CouponsPersonalData
from groupbuy.coupons.selectors import station_sync
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_unused,
    deal_coupon_terms_set,
)
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_expiry_on_close import _pay_out
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.models import Refund
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up

pytestmark = pytest.mark.django_db


def _refused(code: str, **kwargs) -> None:
    with pytest.raises(DomainError) as refusal:
        coupon_refund_unused(**kwargs)
    assert refusal.value.code == code, refusal.value.message


def test_a_partly_used_coupon_refunds_its_unused_units_once_and_stops_working(
    django_capture_on_commit_callbacks,
):
    # given a coupon of 3 units, 1 used at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    price = order.final_unit_price_fen
    pending = balance_of("merchant_pending", merchant=station.merchant)
    # when its shopper refunds it, twice (a double tap)
    with django_capture_on_commit_callbacks(execute=True):
        refund = coupon_refund_unused(actor=order.shopper, coupon=coupon)
        again = coupon_refund_unused(actor=order.shopper, coupon=coupon)
    # then the 2 unused units' price goes back once, from merchant-pending
    assert again == refund
    assert (refund.quantity, refund.amount_fen, refund.outcome) == (
        2,
        2 * price,
        "refunded",
    )
    assert Refund.objects.get().amount_fen == 2 * price
    assert balance_of("merchant_pending", merchant=station.merchant) == (
        pending - 2 * price
    )
    assert_ledger_balanced()
    assert_shoppers_money_adds_up(order.shopper)
    # and the code is refused at the till and revoked for offline stations
    assert coupon_for(order).status == "revoked"
    with pytest.raises(DomainError) as refusal:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon.code
        )
    assert refusal.value.code == "revoked"
    revoked = [
        r["serial"] for r in station_sync(merchant=station.merchant)["revocations"]
    ]
    assert revoked == [coupon.serial]


def test_a_deal_that_paid_at_close_takes_the_refund_back_from_the_merchant():
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    refund = coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    assert (refund.outcome, refund.amount_fen) == (
        "taken_back",
        2 * order.final_unit_price_fen,
    )
    assert balance_of("merchant_payable", merchant=station.merchant) < payable
    assert_ledger_balanced()


def test_a_merchant_already_paid_out_leaves_the_coupon_valid_and_nothing_moved():
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _pay_out(station.merchant, payable, "payout-1")
    _refused("merchant_paid_out", actor=order.shopper, coupon=coupon_for(order))
    assert coupon_for(order).status == "valid"
    assert not CouponRefund.objects.exists()
    assert not Refund.objects.exists()
    assert not Revocation.objects.exists()
    assert_ledger_balanced()


def test_only_its_shopper_refunds_a_coupon():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    for outsider in (make_user(), make_user(is_staff=True), station.owner):
        _refused("not_found", actor=outsider, coupon=coupon)
    assert coupon_for(order).status == "valid"


def test_used_expired_or_refused_by_the_deals_terms_cannot_be_refunded():
    from datetime import timedelta

    from groupbuy.coupons.models import Coupon

    station = make_station()
    used, expired, unrefundable = confirmed_orders(
        station.merchant, quantities=(1, 1, 1)
    )
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon_for(used).code
    )
    _refused("not_refundable", actor=used.shopper, coupon=coupon_for(used))
    Coupon.objects.filter(order=expired).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    _refused("expired", actor=expired.shopper, coupon=coupon_for(expired))
    # a deal's refunds, once buyers paid under them, stay promised
    with pytest.raises(DomainError) as refusal:
        deal_coupon_terms_set(
            actor=station.owner, deal=unrefundable.deal, unused_refundable=False
        )
    assert refusal.value.code == "refund_promised"
    assert refusal.value.status == 409
    # (a platform whose default is no refunds: the deal never promised them)
    from django.test import override_settings

    with override_settings(GROUPBUY_COUPON_UNUSED_REFUNDABLE=False):
        _refused(
            "refund_not_offered",
            actor=unrefundable.shopper,
            coupon=coupon_for(unrefundable),
        )
        # and the owner may promise them afterwards
        deal_coupon_terms_set(
            actor=station.owner, deal=unrefundable.deal, unused_refundable=True
        )
        coupon_refund_unused(
            actor=unrefundable.shopper, coupon=coupon_for(unrefundable)
        )


def test_a_deal_nobody_paid_for_yet_may_turn_refunds_off():
    from groupbuy.deals.tests.factories import make_deal

    station = make_station()
    deal = make_deal(merchant=station.merchant)
    terms = deal_coupon_terms_set(
        actor=station.owner, deal=deal, unused_refundable=False
    )
    assert (terms.unused_refundable, terms.expiry_rule) == (False, "refund_shopper")


def _console_promises_refunds(client, station) -> bool:
    client.force_login(station.owner)
    page = client.get(f"/coupons/merchant/{station.merchant.public_id}/")
    assert page.status_code == 200
    return "data-refund-promised" in page.content.decode()


def test_a_deal_whose_paid_orders_were_all_refunded_whole_may_change_its_terms(
    client,
):
    # given an ended deal whose two buyers both refunded their whole coupons,
    # so that no coupon of it is left for its terms to govern
    station = make_station()
    orders = confirmed_orders(station.merchant, quantities=(1, 2))
    assert _console_promises_refunds(client, station)
    for order in orders:
        coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
        order.refresh_from_db()
        assert order.status == "refunded"
    # when its owner turns refunds off and has expired coupons pay the shop
    terms = deal_coupon_terms_set(
        actor=station.owner,
        deal=orders[0].deal,
        unused_refundable=False,
        expiry_rule="pay_merchant",
    )
    # then both change (nobody paid under them still holds a coupon), and the
    # console offers the refunds box again rather than "promised to buyers"
    assert (terms.unused_refundable, terms.expiry_rule) == (False, "pay_merchant")
    assert not _console_promises_refunds(client, station)


def test_a_deal_with_a_partly_refunded_order_keeps_its_terms_promised(client):
    # given an ended deal: one buyer refunded their whole coupon, the other
    # used 1 of their 2 units and refunded the other (their order still
    # confirmed)
    station = make_station()
    whole, part = confirmed_orders(station.merchant, quantities=(1, 2))
    coupon_refund_unused(actor=whole.shopper, coupon=coupon_for(whole))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(part).code,
        quantity=1,
    )
    coupon_refund_unused(actor=part.shopper, coupon=coupon_for(part))
    part.refresh_from_db()
    assert part.status == "confirmed"
    # when its owner tries to turn refunds off, or to pay the shop at expiry
    for change, code in (
        ({"unused_refundable": False}, "refund_promised"),
        ({"expiry_rule": "pay_merchant"}, "rule_promised"),
    ):
        with pytest.raises(DomainError) as refusal:
            deal_coupon_terms_set(actor=station.owner, deal=part.deal, **change)
        # then each is refused, as the buyer paid under them
        assert (refusal.value.code, refusal.value.status) == (code, 409)
    assert _console_promises_refunds(client, station)


def test_the_shopper_refunds_from_the_coupon_page_after_confirming(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    client.force_login(order.shopper)
    detail = f"/coupons/{coupon.public_id}/"
    amount = f"¥{2 * order.final_unit_price_fen / 100:,.2f}"
    assert f"Refund unused units ({amount})" in client.get(detail).content.decode()
    # the link asks first, and asking changes nothing
    confirm = client.get(f"{detail}refund/")
    assert confirm.status_code == 200
    assert f"Refund {amount}" in confirm.content.decode()
    assert coupon_for(order).status == "valid"
    # confirming refunds and shows it on the coupon
    answer = client.post(f"{detail}refund/")
    assert (answer.status_code, answer["Location"]) == (302, detail)
    page = client.get(detail).content.decode()
    assert "2 unused units refunded on" in page
    assert "no longer works" in page
    assert "Refund unused units" not in page
    # and asking again says why not, never a 500
    assert client.get(f"{detail}refund/").status_code == 409


def test_another_shopper_or_merchant_cannot_see_or_refund_the_coupon_page(client):
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    for outsider in (make_user(), other.owner, station.owner):
        client.force_login(outsider)
        assert client.get(f"/coupons/{coupon.public_id}/refund/").status_code == 404
        assert client.post(f"/coupons/{coupon.public_id}/refund/").status_code == 404
    assert coupon_for(order).status == "valid"


def test_the_api_offers_the_refund_makes_it_and_refuses_outsiders(client):
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    url = f"/api/coupons/{coupon.public_id}"

    def call(user, method="get", path=""):
        _token, secret = api_token_create(actor=user)
        return getattr(client, method)(
            url + path, headers={"Authorization": f"Bearer {secret}"}
        )

    price = order.final_unit_price_fen
    assert call(order.shopper).json()["refundable_fen"] == 2 * price
    assert call(order.shopper).json()["refund"] is None
    for outsider in (make_user(), other.owner, station.owner):
        answer = call(outsider, "post", "/refund")
        assert answer.status_code == 404
        assert answer.json()["code"] == "not_found"
    body = call(order.shopper, "post", "/refund").json()
    assert (body["status"], body["refundable_fen"]) == ("revoked", 0)
    assert (body["refund"]["quantity"], body["refund"]["amount_fen"]) == (2, 2 * price)
    # repeat-safe: the same refund, nothing more moved
    assert call(order.shopper, "post", "/refund").json()["refund"] == body["refund"]
    assert Refund.objects.count() == 1


def test_owners_set_refunds_on_the_console_and_the_api_and_cashiers_cannot(client):
    from groupbuy.coupons.services.refunding import unused_refundable_for
    from groupbuy.deals.tests.factories import make_deal

    station = make_station()
    deal = make_deal(merchant=station.merchant)
    page = (
        f"/coupons/merchant/{station.merchant.public_id}/deals/{deal.public_id}/terms/"
    )
    client.force_login(station.owner)
    # the form sends "off" and, ticked, "on"
    form = {"expiry_rule": "refund_shopper", "unused_refundable": ["off"]}
    assert client.post(page, form).status_code == 302
    assert unused_refundable_for(deal) is False
    form["unused_refundable"] = ["off", "on"]
    assert client.post(page, form).status_code == 302
    assert unused_refundable_for(deal) is True
    cashier = make_merchant_member(merchant=station.merchant, role="cashier").user
    _token, secret = api_token_create(actor=cashier)
    answer = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/deals/"
        f"{deal.public_id}/terms",
        {"unused_refundable": False},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 403
    assert unused_refundable_for(deal) is True


def test_erasure_asks_to_use_or_refund_a_coupon_not_to_wait_for_its_expiry():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    (blocker,) = CouponsPersonalData().erasure_blockers(order.shopper)
    assert "refund it" in blocker
    coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    assert CouponsPersonalData().erasure_blockers(order.shopper) == []


@pytest.mark.django_db(transaction=True)
def test_a_refund_and_the_till_at_once_use_the_units_once(file_database):
    # given a coupon of 2 units
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    # when the shopper refunds while the till redeems everything
    outcomes = race(
        [
            lambda: coupon_refund_unused(actor=order.shopper, coupon=coupon),
            # both units: a redemption names its units (one when it names none,
            # which would leave the other unit to the refund)
            lambda: coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=coupon.code,
                quantity=2,
            ),
        ]
    )
    # then one of them wins; the units are either refunded or redeemed
    assert outcomes in (
        Counter({"ok": 1, "not_refundable": 1}),
        Counter({"ok": 1, "revoked": 1}),
    )
    coupon = coupon_for(order)
    refunded = CouponRefund.objects.filter(coupon=coupon).exists()
    assert refunded == (coupon.status == "revoked")
    assert coupon.redeemed_quantity == (0 if refunded else 2)
    assert_ledger_balanced()
