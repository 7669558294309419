"""Each redemption moves its share from merchant-pending to payable (escrow)."""

import pytest
from django.db.models import Sum

from groupbuy.coupons.services import batch_import, coupon_redeem_online
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.escrow.models import LedgerAccount, LedgerEntry, LedgerTransaction

pytestmark = pytest.mark.django_db


def _payable(merchant) -> int:
    account = LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant=merchant
    ).first()
    return account.balance_fen if account else 0


def test_each_redemption_settles_its_share_once_and_the_ledger_balances():
    # given a confirmed order of 2 units whose money waits in merchant-pending
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    before = _payable(station.merchant)
    # when one unit is redeemed at the till
    redemption = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    # then the merchant is owed that unit's price less the platform's share
    gained = _payable(station.merchant) - before
    assert 0 < gained <= order.final_unit_price_fen
    key = f"coupons.redemption:{redemption.nonce}"
    assert LedgerTransaction.objects.filter(idempotency_key__contains=key).exists()
    assert LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] == 0


def test_redemption_calls_the_escrow_settlement_with_the_redemption_share(
    monkeypatch,
):
    # The share and the key escrow is called with: the units redeemed, once.
    import groupbuy.escrow.services as escrow

    calls = []
    monkeypatch.setattr(
        escrow, "escrow_settle_redemption", lambda **kw: calls.append(kw)
    )
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    redemption = coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=2,
    )
    assert calls == [
        {
            "actor": station.owner,
            "order": order,
            "amount_fen": 2 * order.final_unit_price_fen,
            "idempotency_key": f"coupons.redemption:{redemption.nonce}",
        }
    ]
    assert batch_import  # batches settle through the same redeem_coupon path
