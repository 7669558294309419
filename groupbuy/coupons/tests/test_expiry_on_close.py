"""Coupons of a deal that paid its merchant at close, expiring unredeemed.

"Refund the shopper" takes the unredeemed units' money back from the merchant's
payable (and the platform's fee back from its revenue) and refunds it; if the
merchant was already paid out, the refund waits, with the reason, and a later
sweep makes it once the balance covers it.
"""

from datetime import timedelta

import pytest

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponExpiry
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupons_expire_due,
)
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerTransaction, Refund
from groupbuy.escrow.selectors import shopper_money_summary
from groupbuy.escrow.services import platform_fee_fen
from groupbuy.escrow.takeback import escrow_take_back_released
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _sweep(order, callbacks):
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    with callbacks(execute=True):
        return coupons_expire_due(now=later)


def _revenue() -> int:
    account = ledger.system_account(kind=LedgerAccount.Kind.PLATFORM_REVENUE)
    return ledger.account_balance_fen(account)


def _pay_out(merchant, amount_fen: int, key: str) -> None:
    """Move ``amount_fen`` of the merchant's payable out (a payout)."""
    ledger.ledger_post(
        kind="test.payout",
        idempotency_key=key,
        entries=[
            (ledger.merchant_payable_account(merchant=merchant), -amount_fen),
            (ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL), amount_fen),
        ],
    )


def _earn(merchant, amount_fen: int, key: str) -> None:
    ledger.ledger_post(
        kind="test.earning",
        idempotency_key=key,
        entries=[
            (ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL), -amount_fen),
            (ledger.merchant_payable_account(merchant=merchant), amount_fen),
        ],
    )


def test_refund_shopper_takes_the_unredeemed_units_back_from_the_merchant(
    django_capture_on_commit_callbacks,
):
    # given an order of 3 units of a deal that paid the merchant at close
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(3,), settlement_mode="on_close"
    )
    price = order.final_unit_price_fen
    paid_at_close = balance_of("merchant_payable", merchant=station.merchant)
    assert paid_at_close == 3 * price - platform_fee_fen(3 * price)
    revenue_before = _revenue()
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    # when the coupon expires under the default rule (the sweep runs twice)
    assert _sweep(order, django_capture_on_commit_callbacks) == [
        coupon_for(order).public_id
    ]
    assert _sweep(order, django_capture_on_commit_callbacks) == []
    # then the shopper gets the two unredeemed units back, once
    (refund,) = Refund.objects.all()
    assert (refund.amount_fen, refund.status) == (2 * price, "succeeded")
    assert refund.intent.payer == order.shopper
    assert refund.intent.refunded_fen == 2 * price
    assert refund.intent.released_fen == price
    record = CouponExpiry.objects.get()
    assert (record.outcome, record.amount_fen, record.last_error) == (
        "taken_back",
        2 * price,
        "",
    )
    # and the merchant and the platform give back their shares of the two units
    fee_back = revenue_before - _revenue()
    assert 0 < fee_back <= platform_fee_fen(3 * price)
    assert balance_of("merchant_payable", merchant=station.merchant) == (
        paid_at_close - (2 * price - fee_back)
    )
    assert balance_of("shopper_held", user=order.shopper) == 0
    assert_ledger_balanced()
    # and the shopper's money page says so: one unit spent, two refunded
    money = shopper_money_summary(user=order.shopper)
    assert (money.spent_fen, money.refunded_fen) == (price, 2 * price)
    assert_shoppers_money_adds_up(order.shopper)


def test_taking_back_twice_with_one_key_moves_the_money_once(
    django_capture_on_commit_callbacks,
):
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    price = order.final_unit_price_fen
    payable = balance_of("merchant_payable", merchant=station.merchant)
    with django_capture_on_commit_callbacks(execute=True):
        first = escrow_take_back_released(
            actor=None, order=order, amount_fen=price, idempotency_key="t1"
        )
        again = escrow_take_back_released(
            actor=None, order=order, amount_fen=price, idempotency_key="t1"
        )
    assert [r.pk for r in first] == [r.pk for r in again]
    assert Refund.objects.count() == 1
    assert LedgerTransaction.objects.filter(idempotency_key="t1").count() == 1
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    assert 0 < taken <= price
    # the same key for another amount is refused; never more than was released
    with pytest.raises(DomainError):
        escrow_take_back_released(
            actor=None, order=order, amount_fen=2 * price, idempotency_key="t1"
        )
    with pytest.raises(DomainError):
        escrow_take_back_released(
            actor=None, order=order, amount_fen=2 * price, idempotency_key="t2"
        )
    assert Refund.objects.count() == 1
    assert_ledger_balanced()


def test_a_merchant_already_paid_out_leaves_the_refund_waiting_until_it_is_covered(
    client, django_capture_on_commit_callbacks
):
    # given the merchant was paid at close and has been paid out since
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _pay_out(station.merchant, payable, "payout-1")
    owner = make_merchant_member(merchant=station.merchant, role="owner").user
    # when the coupon expires under "refund the shopper", and the sweep retries
    _sweep(order, django_capture_on_commit_callbacks)
    _sweep(order, django_capture_on_commit_callbacks)
    # then nothing moves; the expiry waits and says why, and the owner is told once
    waiting = Notification.objects.filter(
        recipient=owner, kind="coupons.expiry.waiting"
    )
    assert waiting.count() == 1
    assert order.public_id in waiting.get().body
    record = CouponExpiry.objects.get()
    assert (record.outcome, record.settled_at) == ("waiting", None)
    assert record.last_error.startswith("merchant_balance_too_low:")
    assert coupon_for(order).status == "expired"
    assert not Refund.objects.exists()
    assert balance_of("merchant_payable", merchant=station.merchant) == 0
    assert_ledger_balanced()
    # (operators see the waiting refund and why in the admin)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    listing = client.get("/admin/coupons/couponexpiry/?outcome__exact=waiting")
    assert b"merchant_balance_too_low" in listing.content
    # and once the merchant's balance covers it again, the next sweep refunds once
    _earn(station.merchant, payable, "earning-1")
    _sweep(order, django_capture_on_commit_callbacks)
    _sweep(order, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert (record.outcome, record.last_error) == ("taken_back", "")
    assert Refund.objects.get().amount_fen == 2 * order.final_unit_price_fen
    assert_ledger_balanced()


def test_pay_merchant_on_a_deal_paid_at_close_moves_nothing(
    django_capture_on_commit_callbacks,
):
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant,
        quantities=(2,),
        settlement_mode="on_close",
        expiry_rule="pay_merchant",
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _sweep(order, django_capture_on_commit_callbacks)
    assert CouponExpiry.objects.get().outcome == "paid_at_close"
    assert balance_of("merchant_payable", merchant=station.merchant) == payable
    assert not Refund.objects.exists()
    assert_ledger_balanced()


def test_money_waiting_in_merchant_pending_is_not_taken_from_payable():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    with pytest.raises(DomainError) as refused:
        escrow_take_back_released(
            actor=None,
            order=order,
            amount_fen=order.final_unit_price_fen,
            idempotency_key="t3",
        )
    assert refused.value.code == "earning_pending"
    assert not Refund.objects.exists()
    assert_ledger_balanced()


def test_the_statement_deducts_what_was_taken_back(
    client, django_capture_on_commit_callbacks
):
    import csv
    import io

    from groupbuy.accounts.services import api_token_create
    from groupbuy.core.money import format_fen, format_fen_for_spreadsheet

    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    payable = balance_of("merchant_payable", merchant=station.merchant)
    _sweep(order, django_capture_on_commit_callbacks)
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    amount = 2 * order.final_unit_price_fen
    _token, secret = api_token_create(actor=station.owner)
    merchant_id = station.merchant.public_id
    end = (coupon_for(order).expires_at + timedelta(days=2)).date()
    query = f"?start={end.replace(day=1)}&end={end}"
    with django_capture_on_commit_callbacks(execute=True):
        body = client.get(
            f"/api/coupons/merchants/{merchant_id}/statement{query}",
            headers={"Authorization": f"Bearer {secret}"},
        ).json()
    assert (body["taken_back_fen"], body["net_fen"]) == (taken, -taken)
    assert body["fee_fen"] == 0  # none charged; the fee returned is not taken
    client.force_login(station.owner)
    url = f"/coupons/merchant/{merchant_id}/statement/{query}"
    rows = list(
        csv.reader(io.StringIO(client.get(url + "&format=csv").content.decode()))
    )
    (expiry,) = rows[1:-1]
    assert expiry[5:7] == [
        format_fen_for_spreadsheet(-taken),
        format_fen_for_spreadsheet(0),
    ]
    assert expiry[-1].endswith(format_fen(amount - taken))  # the fee returned
    assert rows[-1][5] == format_fen_for_spreadsheet(-taken)
    assert rows[-1][-1].endswith(format_fen(-taken))
    page = client.get(url)
    assert b"statement-taken-back" in page.content


def test_the_console_tells_owners_of_deals_paid_at_close_what_a_refund_takes(client):
    station = make_station()
    confirmed_orders(station.merchant, quantities=(1,), settlement_mode="on_close")
    confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(station.owner)
    page = client.get(f"/coupons/merchant/{station.merchant.public_id}/")
    assert page.status_code == 200
    assert page.content.count(b"data-paid-at-close") == 1
    # What a refund then takes is said once, above the list.
    assert page.content.count(b'id="paid-at-close-note"') == 1
