"""Test data for demands: drafts, paid deposits, published demands, offers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    make_merchant,
    make_product,
)
from groupbuy.deals.tests.factories import make_user as make_unverified_user
from groupbuy.demands import services
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, LedgerEntry, LedgerTransaction
from groupbuy.escrow.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from groupbuy.escrow.tests.factories import apply_event, event_for

__all__ = ["make_merchant", "make_product", "make_user"]


def make_user(**extra):
    """A buyer whose phone number is confirmed (demands require it)."""
    extra.setdefault("phone_verified_at", timezone.now())
    return make_unverified_user(**extra)


def make_demand(
    *,
    initiator=None,
    title: str = "有机牛奶 Organic milk",
    description: str = "",
    quantity_wanted: int = 10,
    initiator_quantity: int = 2,
    target_unit_price_fen: int = 5_000,
    deadline_in: timedelta = timedelta(days=3),
    **extra,
):
    return services.demand_create(
        actor=initiator or make_user(),
        title=title,
        description=description,
        quantity_wanted=quantity_wanted,
        initiator_quantity=initiator_quantity,
        target_unit_price_fen=target_unit_price_fen,
        deadline_at=timezone.now() + deadline_in,
        **extra,
    )


def pay_intent(intent, *, outcome=PAYMENT_SUCCEEDED, event_id=None) -> dict:
    """Deliver the provider's callback for ``intent``; return its payload."""
    payload = event_for(intent, event_type=outcome, event_id=event_id)
    apply_event(payload)
    intent.refresh_from_db()
    return payload


def pay_deposit(demand, user=None):
    intent = services.demand_deposit_start(
        actor=user or demand.initiator, demand=demand
    )
    pay_intent(intent)
    return intent


def make_published(**kwargs):
    demand = make_demand(**kwargs)
    pay_deposit(demand)
    return services.demand_publish(actor=demand.initiator, demand=demand)


def join_and_pay(demand, user=None, *, quantity: int = 3):
    user = user or make_user()
    participation, intent = services.demand_join(
        actor=user, demand=demand, quantity=quantity
    )
    pay_intent(intent)
    participation.refresh_from_db()
    return participation


def make_owner_merchant(name: str = "Dairy Co"):
    owner = make_user()
    merchant = make_merchant(name=name, owner=owner)
    # where the buyers of the deal its accepted offer opens collect
    ensure_pickup_branch(merchant)
    return merchant, owner


def make_offer(demand, *, merchant=None, owner=None, unit_price_fen=4_500, quantity=20):
    if merchant is None:
        merchant, owner = make_owner_merchant()
    return services.offer_submit(
        actor=owner,
        demand=demand,
        merchant=merchant,
        product=make_product(),
        quantity=quantity,
        unit_price_fen=unit_price_fen,
        delivery_on=date.today() + timedelta(days=7),
        notes="",
    )


def fail_intent(intent):
    return pay_intent(intent, outcome=PAYMENT_FAILED)


def balance(kind, **owner) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


def assert_ledger_sound() -> None:
    """Every posting sums to zero; no balance but external is negative; each
    balance equals the sum of its entries."""
    for posting in LedgerTransaction.objects.all():
        assert sum(posting.entries.values_list("amount_fen", flat=True)) == 0
    for account in LedgerAccount.objects.all():
        total = LedgerEntry.objects.filter(account=account).aggregate(
            total=Sum("amount_fen")
        )["total"]
        assert ledger.account_balance_fen(account) == (total or 0)
        if account.kind not in LedgerAccount.SYSTEM_KINDS:
            assert account.balance_fen >= 0, account
