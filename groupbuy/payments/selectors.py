"""Reads of the payments app: payouts for operators and for a merchant's owners."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import (
    is_merchant_owner,
    is_operator,
    require_merchant_money_reader,
)
from groupbuy.catalog.selectors import merchant_owners_prefetch
from groupbuy.core.errors import NotFound
from groupbuy.escrow.ledger import with_balances
from groupbuy.escrow.models import LedgerAccount
from groupbuy.payments.models import Payout, PayoutSchedule, StatementDifference


def payouts_for_operator(*, user) -> QuerySet[Payout]:
    """Every payout, newest first (operators only)."""
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return Payout.objects.select_related("merchant")


def payables_for_operator(*, user) -> QuerySet[LedgerAccount]:
    """The merchants' payable accounts that hold money, largest first, each
    with ``current_balance_fen``, its merchant, the merchant's payout schedule
    and its owners (``merchant.owner_memberships``, how the operator tells the
    shop apart) (operators only): what a payout is approved from."""
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    accounts = LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.MERCHANT_PAYABLE, merchant__isnull=False
    )
    pending = Payout.objects.filter(
        merchant_id=OuterRef("merchant_id"), status=Payout.Status.PENDING
    )
    return (
        with_balances(accounts)
        .filter(current_balance_fen__gt=0)
        .annotate(has_pending_payout=Exists(pending))
        .select_related("merchant", "merchant__payout_schedule")
        .prefetch_related(merchant_owners_prefetch(through="merchant__"))
        .order_by("-current_balance_fen", "pk")
    )


# Why the daily run will not pay a payable out (``daily_payout_held``).
HELD_SHOP_SWITCHED_OFF = "shop_switched_off"
HELD_PAYOUT_ON_ITS_WAY = "payout_on_its_way"
HELD_BELOW_MINIMUM = "below_minimum"


def daily_payout_held(account) -> str:
    """Say why the daily run will not pay out ``account`` (a row of
    ``payables_for_operator``), as ``payments.payouts.payouts_schedule_run``
    decides: "" when it will, or when the shop has no daily payout."""
    merchant = account.merchant
    schedule = getattr(merchant, "payout_schedule", None)
    if schedule is None or not schedule.enabled:
        return ""
    if not merchant.is_active:
        return HELD_SHOP_SWITCHED_OFF
    if account.has_pending_payout:
        return HELD_PAYOUT_ON_ITS_WAY
    if account.current_balance_fen < schedule.minimum_fen:
        return HELD_BELOW_MINIMUM
    return ""


def differences_for_operator(*, user) -> QuerySet[StatementDifference]:
    if not is_operator(user):
        raise NotFound("not_found", _("There is no such page."))
    return StatementDifference.objects.order_by("-day", "provider", "pk")


def check_payout_reader(*, user, merchant) -> None:
    """Let the merchant's owners and operators through; refuse anyone else
    (its cashiers, another shop's staff, shoppers) 403 with the owners' error,
    as every owners-only endpoint of a merchant does (the shop's money is its
    owners'). An unknown merchant is 404 (``merchant_get_for_payouts``)."""
    if is_merchant_owner(user, merchant) or is_operator(user):
        return
    require_merchant_money_reader(user, merchant)


def payee_account_in_full_for(*, user, merchant) -> bool:
    """Say whether ``user`` reads the merchant's payee accounts in full in
    lists: its owners (their own account) do; operators read ``****1234``
    (an operator who owns the shop is its owner here)."""
    return MerchantMembership.objects.filter(
        user_id=getattr(user, "pk", None),
        merchant=merchant,
        role=MerchantMembership.Role.OWNER,
    ).exists()


def merchant_get_for_payouts(*, user, merchant_id: str) -> Merchant:
    """Return the merchant if ``user`` is one of its owners or an operator;
    anyone else 403 (``check_payout_reader``); no such merchant 404."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    check_payout_reader(user=user, merchant=merchant)
    return merchant


def payouts_for_merchant(*, merchant) -> QuerySet[Payout]:
    """The merchant's payouts, newest first (check access with
    ``merchant_get_for_payouts`` first: its owners and operators)."""
    return Payout.objects.filter(merchant=merchant).select_related("merchant")


def merchant_has_payout_schedule(*, merchant) -> bool:
    """Say whether the merchant chose where its daily payout goes (a yes or no
    names no account: its console's overview asks its owners until it has)."""
    return PayoutSchedule.objects.filter(merchant=merchant).exists()


def payout_schedule_get(*, user, merchant) -> PayoutSchedule | None:
    """The merchant's payout schedule, for whoever may set it (its owners and
    operators): it names the account the money goes to. Anyone else 403
    (``check_payout_reader``)."""
    check_payout_reader(user=user, merchant=merchant)
    return PayoutSchedule.objects.filter(merchant=merchant).first()
