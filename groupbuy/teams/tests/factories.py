"""Test data for team buys: a team deal, members who join and pay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    make_listed_product,
    make_merchant,
    make_user,
)
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED
from groupbuy.escrow.tests.factories import apply_event, event_for
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import team_deal_create

__all__ = ["make_user"]

TEAM_PRICE, SOLO_PRICE = 7_900, 9_900


def make_team_deal(
    *,
    merchant=None,
    team_size: int = 2,
    stock: int = 10,
    window_hours: int = 24,
    limit_per_shopper: int = 1,
    ends_in: timedelta = timedelta(days=3),
):
    now = timezone.now()
    merchant = merchant or make_merchant()
    ensure_pickup_branch(merchant)
    return team_deal_create(
        actor=None,
        merchant=merchant,
        product=make_listed_product(merchant=merchant, price_fen=SOLO_PRICE),
        title="Jasmine tea 500 g",
        team_size=team_size,
        window_hours=window_hours,
        team_price_fen=TEAM_PRICE,
        solo_price_fen=SOLO_PRICE,
        stock=stock,
        limit_per_shopper=limit_per_shopper,
        starts_at=now - timedelta(hours=1),
        ends_at=now + ends_in,
    )


def pay(member: TeamMember) -> str:
    """Deliver the sandbox's success callback for the member's payment."""
    outcome = apply_event(
        event_for(member.order.payment_intent, event_type=PAYMENT_SUCCEEDED)
    )
    member.refresh_from_db()
    return outcome


def expire_now(team: Team) -> Team:
    """Move the team's window into the past (tests only)."""
    Team.objects.filter(pk=team.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    team.refresh_from_db()
    return team


def balance(kind, **owner) -> int:
    account = LedgerAccount.objects.filter(kind=kind, **owner).first()
    return ledger.account_balance_fen(account)


def assert_ledger_invariants() -> None:
    """Conservation (every posting sums to zero) and no negative balance but
    the outside world's."""
    assert sum(ledger.balance_totals_by_kind().values()) == 0
    # platform-wide accounts are sharded and unchecked; people's are checked
    checked = LedgerAccount.objects.exclude(kind__in=LedgerAccount.SYSTEM_KINDS)
    assert not checked.filter(balance_fen__lt=0).exists()
