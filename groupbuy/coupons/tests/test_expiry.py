"""Unredeemed coupons at expiry follow their deal's rule."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponExpiry
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupons_expire_due,
    deal_coupon_terms_set,
)
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.escrow.models import PendingEarning, Refund
from groupbuy.escrow.selectors import shopper_money_summary
from groupbuy.escrow.services import platform_fee_fen
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up

pytestmark = pytest.mark.django_db


def test_expired_coupons_record_their_unredeemed_share_by_the_deal_rule():
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(3,), expiry_rule="pay_merchant"
    )
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    # when the sweep runs before and after the expiry (twice)
    assert coupons_expire_due(now=timezone.now()) == []
    assert coupons_expire_due(now=later) == [coupon_for(order).public_id]
    assert coupons_expire_due(now=later) == []
    # then the two unredeemed units are recorded for the merchant
    record = CouponExpiry.objects.get()
    assert (record.rule, record.quantity, record.amount_fen) == (
        "pay_merchant",
        2,
        2 * order.final_unit_price_fen,
    )
    assert coupon_for(order).status == "expired"


def test_the_default_rule_refunds_and_expired_coupons_cannot_be_redeemed():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    coupons_expire_due(now=later)
    assert CouponExpiry.objects.get().rule == "refund_shopper"
    with pytest.raises(DomainError):
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon_for(order).code
        )


def test_only_the_merchant_owner_sets_the_rule():
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    with pytest.raises(DomainError):
        deal_coupon_terms_set(
            actor=other.owner, deal=order.deal, expiry_rule="pay_merchant"
        )


def test_owners_set_the_rule_on_the_page_and_by_api(client):
    from groupbuy.accounts.services import api_token_create
    from groupbuy.coupons.services.expiry import expiry_rule_for
    from groupbuy.deals.tests.factories import make_deal

    station, other = make_station(), make_station(name="Other")
    deal = make_deal(merchant=station.merchant)
    client.force_login(station.owner)
    page = (
        f"/coupons/merchant/{station.merchant.public_id}/deals/{deal.public_id}/terms/"
    )
    assert client.post(page, {"expiry_rule": "pay_merchant"}).status_code == 302
    assert expiry_rule_for(deal) == "pay_merchant"
    client.force_login(other.owner)
    assert client.post(page, {"expiry_rule": "refund_shopper"}).status_code == 403
    _token, secret = api_token_create(actor=other.owner)
    url = (
        f"/api/coupons/merchants/{station.merchant.public_id}/deals/"
        f"{deal.public_id}/terms"
    )
    response = client.post(
        url,
        {"expiry_rule": "refund_shopper"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
    _token, secret = api_token_create(actor=station.owner)
    response = client.post(
        url,
        {"expiry_rule": "refund_shopper"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.json() == {
        "deal_id": deal.public_id,
        "expiry_rule": "refund_shopper",
        "unused_refundable": True,
    }


def test_what_buyers_paid_under_cannot_be_made_worse_for_them(client):
    # The rule at expiry could be turned from refunding the shopper to paying
    # the merchant after coupons were sold, on the page and by the API.
    from groupbuy.accounts.services import api_token_create
    from groupbuy.coupons.services.expiry import expiry_rule_for

    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    deal = order.deal
    client.force_login(station.owner)
    page = (
        f"/coupons/merchant/{station.merchant.public_id}/deals/{deal.public_id}/terms/"
    )
    answer = client.post(page, {"expiry_rule": "pay_merchant"})
    assert answer.status_code == 409
    assert "that promise stays for this deal" in answer.content.decode()
    _token, secret = api_token_create(actor=station.owner)
    answer = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/deals/"
        f"{deal.public_id}/terms",
        {"expiry_rule": "pay_merchant"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "rule_promised")
    assert expiry_rule_for(deal) == "refund_shopper"


def _expire_all(coupon, callbacks):
    later = coupon.expires_at + timedelta(seconds=1)
    with callbacks(execute=True):
        return coupons_expire_due(now=later)


def test_refund_shopper_refunds_the_unredeemed_units_through_escrow(
    django_capture_on_commit_callbacks,
):
    # given an order of 3 units settled on redemption, one unit redeemed
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    price = order.final_unit_price_fen
    payable_before = balance_of("merchant_payable", merchant=station.merchant)
    # when the coupon expires under the default rule (the sweep runs twice)
    assert _expire_all(coupon_for(order), django_capture_on_commit_callbacks) == [
        coupon_for(order).public_id
    ]
    assert _expire_all(coupon_for(order), django_capture_on_commit_callbacks) == []
    # then the shopper gets the two unredeemed units back, once, via a refund
    (refund,) = Refund.objects.all()
    assert (refund.amount_fen, refund.status) == (2 * price, "succeeded")
    assert refund.intent.payer == order.shopper
    assert refund.intent.refunded_fen == 2 * price
    record = CouponExpiry.objects.get()
    assert (record.outcome, record.amount_fen) == ("refunded", 2 * price)
    assert record.settled_at is not None
    # and the merchant keeps only the redeemed unit: nothing left pending
    assert balance_of("merchant_pending", merchant=station.merchant) == 0
    assert balance_of("shopper_held", user=order.shopper) == 0
    assert balance_of("merchant_payable", merchant=station.merchant) == payable_before
    earning = PendingEarning.objects.get(reference=order.public_id)
    assert (earning.amount_fen, earning.settled_fen) == (price, price)
    assert_ledger_balanced()
    # and the shopper's money page says so: one unit spent, two refunded
    money = shopper_money_summary(user=order.shopper)
    assert (money.spent_fen, money.refunded_fen) == (price, 2 * price)
    assert_shoppers_money_adds_up(order.shopper)


def test_pay_merchant_settles_the_unredeemed_units_to_the_merchant(
    django_capture_on_commit_callbacks,
):
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), expiry_rule="pay_merchant"
    )
    _expire_all(coupon_for(order), django_capture_on_commit_callbacks)
    _expire_all(coupon_for(order), django_capture_on_commit_callbacks)
    assert not Refund.objects.exists()
    amount = 2 * order.final_unit_price_fen
    assert balance_of("merchant_payable", merchant=station.merchant) == (
        amount - platform_fee_fen(amount)
    )
    assert balance_of("merchant_pending", merchant=station.merchant) == 0
    assert CouponExpiry.objects.get().outcome == "paid_merchant"
    assert_ledger_balanced()


def test_a_refused_refund_leaves_the_expiry_waiting_and_the_next_sweep_retries(
    django_capture_on_commit_callbacks, monkeypatch
):
    # given escrow refuses the first attempt (e.g. a lock lost to a race)
    import groupbuy.escrow.pending as pending
    from groupbuy.core.errors import Conflict

    real = pending.escrow_refund_pending
    attempts = []

    def flaky(**kwargs):
        attempts.append(kwargs["idempotency_key"])
        if len(attempts) == 1:
            raise Conflict("busy", "try again")
        return real(**kwargs)

    monkeypatch.setattr(pending, "escrow_refund_pending", flaky)
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    # when the sweep runs: the coupon expires, the money waits
    _expire_all(coupon_for(order), django_capture_on_commit_callbacks)
    record = CouponExpiry.objects.get()
    assert (record.outcome, record.settled_at) == ("waiting", None)
    assert record.last_error == "busy: try again"
    assert coupon_for(order).status == "expired"
    assert not Refund.objects.exists()
    # then the next run refunds it, once
    _expire_all(coupon_for(order), django_capture_on_commit_callbacks)
    _expire_all(coupon_for(order), django_capture_on_commit_callbacks)
    assert CouponExpiry.objects.get().outcome == "refunded"
    assert Refund.objects.get().amount_fen == order.final_unit_price_fen
    assert len(attempts) == 2
    assert_ledger_balanced()


def test_refunding_pending_money_twice_with_one_key_moves_it_once(
    django_capture_on_commit_callbacks,
):
    from groupbuy.escrow.pending import escrow_refund_pending

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    price = order.final_unit_price_fen
    with django_capture_on_commit_callbacks(execute=True):
        first = escrow_refund_pending(
            actor=None, order=order, amount_fen=price, idempotency_key="k1"
        )
        again = escrow_refund_pending(
            actor=None, order=order, amount_fen=price, idempotency_key="k1"
        )
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Refund.objects.count() == 1
    assert balance_of("merchant_pending", merchant=station.merchant) == price
    with pytest.raises(DomainError):  # never more than is pending
        escrow_refund_pending(
            actor=None, order=order, amount_fen=2 * price, idempotency_key="k2"
        )
    assert_ledger_balanced()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give one of: 'refund_shopper' or 'pay_merchant'."),
        ("zh-hans", "请从以下选一个：'refund_shopper' 或 'pay_merchant'。"),
    ],
)
def test_an_unknown_rule_lists_the_rules_in_the_requests_language(
    client, language, message
):
    # given
    from groupbuy.accounts.services import api_token_create

    station = make_station()
    # (a token user is answered in their saved language, over Accept-Language)
    station.owner.preferred_language = ""
    station.owner.save(update_fields=["preferred_language"])
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    _token, secret = api_token_create(actor=station.owner)
    # when
    response = client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/deals/"
        f"{order.deal.public_id}/terms",
        {"expiry_rule": "refund"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )
    # then: the choices are joined as the language joins a list, not with "or"
    assert response.status_code == 422
    assert response.json()["fields"] == {"expiry_rule": [message]}
