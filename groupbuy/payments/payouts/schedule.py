"""A merchant's daily payout: where and when its payable is paid out, and
the daily run that pays it."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.reauth import RecentAuthentication
from groupbuy.core.audit import audit_log
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError
from groupbuy.payments.models import Payout, PayoutSchedule
from groupbuy.payments.notifications import notify_owners_payout_account_changed
from groupbuy.payments.payouts.approval import payout_write
from groupbuy.payments.payouts.providers import transfer_provider
from groupbuy.payments.selectors import check_payout_reader

# The payouts' one logger, named as before the module became this package
# (docs/payments.md names it).
logger = logging.getLogger(__package__)


def payout_schedule_set(
    *,
    actor,
    merchant,
    enabled: bool,
    provider_name: str,
    payee_account: str,
    payee_name: str = "",
    minimum_fen: int = 10_000,
    reauthentication: RecentAuthentication | None = None,
) -> PayoutSchedule:
    """Set where and when the merchant's payable is paid out (its owner or an
    operator); audited, since it decides where money goes.

    ``reauthentication`` is what the person's request proves (pages and the
    API pass it): changing where the money goes (the provider or the account)
    then needs the password confirmed recently, and is refused to an API
    token; changing only the minimum or switching the payout off does not."""
    check_payout_reader(user=actor, merchant=merchant)
    payee_account = (payee_account or "").strip()
    if enabled and not payee_account:
        raise EscrowError(
            "payee_required",
            _("Name the account to pay to."),
            fields={"payee_account": [_("Required.")]},
        )
    if minimum_fen < 100:
        raise EscrowError(
            "invalid_amount",
            _("The minimum is at least ¥1.00."),
            fields={"minimum_fen": [_("At least 100 fen.")]},
        )
    if enabled:
        transfer_provider(provider_name)
    with transaction.atomic():
        before = (
            PayoutSchedule.objects.select_for_update()
            .filter(merchant=merchant)
            .values_list("provider", "payee_account")
            .first()
        )
        # Asked under the row lock, against what is stored now: two owners
        # saving at once cannot slip a new account in as "unchanged".
        if (
            reauthentication is not None
            and payee_account
            and (provider_name, payee_account[:100]) != before
        ):
            reauthentication.require()
        schedule, _created = PayoutSchedule.objects.update_or_create(
            merchant=merchant,
            defaults={
                "enabled": enabled,
                "provider": provider_name,
                "payee_account": payee_account[:100],
                "payee_name": (payee_name or "").strip()[:100],
                "minimum_fen": minimum_fen,
                "updated_by": actor,
            },
        )
        audit_log(
            actor=actor,
            action="payments.payout_schedule.set",
            obj=schedule,
            data={
                "enabled": enabled,
                "provider": provider_name,
                "payee_account": payee_account[:100],
                "minimum_fen": minimum_fen,
            },
        )
        paid_to = (schedule.provider, schedule.payee_account)
        if schedule.payee_account and paid_to != before:
            notify_owners_payout_account_changed(merchant=merchant, schedule=schedule)
    return schedule


def payouts_schedule_run(*, now=None) -> int:
    """Pay out, once a day, the payable of every active merchant with a schedule
    whose payable holds at least its minimum and has no payout still on its way;
    return how many payouts were made. Running it again the same day makes none.
    """
    now = now or timezone.now()
    day = timezone.localdate(now)
    made = 0
    schedules = PayoutSchedule.objects.filter(enabled=True).select_related("merchant")
    for schedule in schedules.order_by("pk"):
        merchant = schedule.merchant
        if not merchant.is_active:
            # A shop an operator switched off is held: its shoppers may yet be
            # refunded from what the platform owes it. Operators may still
            # approve a payout of it by hand.
            continue
        if Payout.objects.filter(
            Q(status=Payout.Status.PENDING) | Q(scheduled_for=day), merchant=merchant
        ).exists():
            continue
        account = ledger.merchant_payable_account(merchant=merchant)
        balance = ledger.account_balance_fen(account)
        if balance < schedule.minimum_fen:
            continue
        try:
            payout_write(
                actor=None,
                merchant=merchant,
                amount_fen=balance,
                provider_name=schedule.provider,
                payee_account=schedule.payee_account,
                payee_name=schedule.payee_name,
                scheduled_for=day,
            )
        except (EscrowError, IntegrityError) as error:
            # A provider switched off, a payable that moved meanwhile, or another
            # run that got there first: the next run tries again.
            logger.warning("scheduled payout of %s skipped: %s", merchant.pk, error)
            continue
        made += 1
    return made
