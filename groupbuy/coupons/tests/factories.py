"""Test data for coupons: merchants with station keys, confirmed orders."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import TestCase
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.catalog.models import Branch
from groupbuy.coupons.models import Coupon, DealCouponTerms
from groupbuy.coupons.services import merchant_key_register
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_close, deal_settle
from groupbuy.deals.services.settle_batch import _follow_up_later
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
    pass_deadline,
)

__all__ = ["make_merchant", "make_user"]


@dataclass
class Station:
    """A merchant's station keys, as ``groupbuy station init`` makes them."""

    merchant: object
    owner: object
    sealing: PrivateKey
    signing: SigningKey

    @property
    def private_key(self) -> bytes:
        return bytes(self.sealing)


def make_station(*, name: str = "Fresh Mart", owner=None) -> Station:
    owner = owner or make_user()
    merchant = make_merchant(name=name, owner=owner)
    sealing, signing = PrivateKey.generate(), SigningKey.generate()
    merchant_key_register(
        actor=owner,
        merchant=merchant,
        public_key=bytes(sealing.public_key),
        signing_public_key=bytes(signing.verify_key),
        device_name="till 1",
    )
    return Station(merchant=merchant, owner=owner, sealing=sealing, signing=signing)


def make_branch(merchant, *, name: str = "Main street") -> Branch:
    return Branch.objects.create(
        merchant=merchant, name=name, address="1 Road", latitude=31.2, longitude=121.4
    )


def confirmed_orders(
    merchant,
    *,
    quantities=(1, 2),
    settlement_mode: str = "on_redemption",
    expiry_rule: str | None = None,
) -> list[DealOrder]:
    """Run a deal for ``merchant`` to success; return its confirmed orders.

    By default coupon redemptions move the money (merchant-pending until
    then); ``settlement_mode="on_close"`` pays the merchant at close instead.
    The deal's stock is 20 or, for more units, exactly theirs.
    ``expiry_rule`` is the deal's rule for coupons unused at expiry, stated
    before anyone pays (once they have, it can no longer be made worse).
    """
    stock = max(20, sum(quantities))
    deal = make_deal(merchant=merchant, stock=stock, tiers=[(1, 9_900)])
    deal.settlement_mode = settlement_mode
    deal.save(update_fields=["settlement_mode"])
    if expiry_rule is not None:
        DealCouponTerms.objects.create(deal=deal, expiry_rule=expiry_rule)
    orders = [join_and_pay(deal, quantity=q) for q in quantities]
    pass_deadline(deal)
    deal = deal_close(deal=deal)
    # Coupons are issued by the settlement batch's follow-up job, after commit:
    # run that job alone. The settlement's other after-commit work (the deal's
    # live progress, the shop owners' notice) and the follow-up's hand-over of
    # the shoppers' notifications to their channels are not what coupon tests
    # are about, and cost a third of its CPU; the notifications' rows
    # are written all the same.
    with TestCase.captureOnCommitCallbacks() as callbacks:
        deal_settle(deal=deal)
    for callback in callbacks:
        if getattr(callback, "__wrapped__", None) is _follow_up_later:
            callback()
    for order in orders:
        order.refresh_from_db()
    assert {o.status for o in orders} == {DealOrder.Status.CONFIRMED}
    return orders


def coupon_for(order: DealOrder) -> Coupon:
    return Coupon.objects.get(order=order)


def assert_ledger_balanced() -> None:
    """Every posting sums to zero, people's balances are never negative, and
    each merchant's pending account holds exactly what is earned and unsettled."""
    from django.db.models import F, Sum

    from groupbuy.escrow import ledger
    from groupbuy.escrow.models import LedgerAccount, LedgerEntry, PendingEarning

    assert sum(ledger.balance_totals_by_kind().values()) == 0
    assert LedgerEntry.objects.aggregate(total=Sum("amount_fen"))["total"] in (0, None)
    people = LedgerAccount.objects.exclude(kind__in=LedgerAccount.SYSTEM_KINDS)
    assert not people.filter(balance_fen__lt=0).exists()
    for account in people.filter(kind=LedgerAccount.Kind.MERCHANT_PENDING):
        unsettled = PendingEarning.objects.filter(merchant=account.merchant).aggregate(
            total=Sum(F("amount_fen") - F("settled_fen"))
        )["total"]
        assert account.balance_fen == (unsettled or 0)


def balance_of(kind: str, *, merchant=None, user=None) -> int:
    from groupbuy.escrow.models import LedgerAccount

    account = LedgerAccount.objects.filter(
        kind=kind, merchant=merchant, user=user
    ).first()
    return account.balance_fen if account else 0
