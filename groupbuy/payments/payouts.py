"""Merchant payouts: an operator approves (or the merchant's daily schedule
makes one), the provider transfers after commit.

In the operator's transaction: a pending ``Payout`` and the posting
``payments.payout.sent`` (merchant payable → gateway clearing); a payout
larger than the payable is refused by the ledger and nothing is written.
After commit the provider's transfer API is called with the payout's
business number. Paid: ``payments.payout.paid`` (clearing → external). Refused
for good (wrong payee…): ``payments.payout.returned`` puts the money back in
the payable and the payout says why. A network or 5xx error leaves it pending;
``payouts_retry_due`` sends it again with the same business number, so the
provider pays once.
"""

from __future__ import annotations

import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.reauth import RecentAuthentication
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import NotFound
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError, InsufficientFunds
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.providers import (
    enabled_provider_names,
    get_enabled_provider,
    get_provider,
    registered_provider_names,
)
from groupbuy.escrow.providers.base import TransferRefused
from groupbuy.escrow.refunds import refund_backoff
from groupbuy.payments.models import Payout, PayoutSchedule
from groupbuy.payments.notifications import notify_owners_payout_account_changed
from groupbuy.payments.selectors import check_payout_reader

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind


def _operator_only(actor) -> None:
    if not getattr(actor, "is_staff", False):
        raise NotFound("not_found", _("There is no such page."))


def payout_create(
    *,
    actor,
    merchant,
    amount_fen: int,
    provider_name: str,
    payee_account: str,
    payee_name: str = "",
    idempotency_key: str = "",
    reauthentication: RecentAuthentication | None = None,
) -> Payout:
    """Approve a payout of ``amount_fen`` from the merchant's payable (operators).

    ``reauthentication`` is what the operator's request proves (the page and
    the API pass it): the money goes to an account typed there, so it needs
    the password confirmed recently, as changing a daily payout's account
    does, and an API token may not approve one at all.

    With ``idempotency_key`` (the payout form's one-time key, or the API
    client's), the same approval sent again by the same operator, one after
    the other or at the same moment, returns the payout it made the first time
    and pays nothing more. The key sent again for another merchant or amount
    is refused (409 ``idempotency_key_reused``)."""
    _operator_only(actor)
    if reauthentication is not None:
        reauthentication.require()
    key = (idempotency_key or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY_CHARS:
        raise EscrowError(
            "invalid_idempotency_key",
            _("The idempotency key is too long."),
            fields={"idempotency_key": [_("At most 64 characters.")]},
        )
    if key:
        earlier = _payout_approved_with(actor=actor, idempotency_key=key)
        if earlier is not None:
            return _same_approval(earlier, merchant=merchant, amount_fen=amount_fen)
    try:
        return _payout_write(
            actor=actor,
            merchant=merchant,
            amount_fen=amount_fen,
            provider_name=provider_name,
            payee_account=payee_account,
            payee_name=payee_name,
            idempotency_key=key,
        )
    except IntegrityError:
        # The same key sent at the same moment won: its payout is the answer.
        earlier = key and _payout_approved_with(actor=actor, idempotency_key=key)
        if not earlier:
            raise
        return _same_approval(earlier, merchant=merchant, amount_fen=amount_fen)


MAX_IDEMPOTENCY_KEY_CHARS = Payout._meta.get_field("idempotency_key").max_length


def _payout_approved_with(*, actor, idempotency_key: str) -> Payout | None:
    return Payout.objects.filter(
        approved_by=actor, idempotency_key=idempotency_key
    ).first()


def _same_approval(payout: Payout, *, merchant, amount_fen: int) -> Payout:
    """The payout an approval sent again made; the key is not reused for another."""
    if payout.merchant_id != merchant.pk or payout.amount_fen != amount_fen:
        raise EscrowError(
            "idempotency_key_reused",
            _(
                "This approval was already used for payout %(payout)s; "
                "reload the page to approve another."
            )
            % {"payout": payout.public_id},
            status=409,
        )
    return payout


def transfer_provider_names() -> list[str]:
    """The enabled providers that can pay merchants (the sandbox among them)."""
    return [
        name
        for name in enabled_provider_names()
        if hasattr(get_provider(name), "transfer")
    ]


def transfer_capable_provider_names() -> list[str]:
    """Every provider the code knows that can pay merchants, switched on or not:
    what an operator may switch on when no enabled one can."""
    return [
        name
        for name in registered_provider_names()
        if hasattr(get_provider(name), "transfer")
    ]


def _transfer_provider(provider_name: str):
    """Return the enabled provider ``provider_name`` if it can pay merchants;
    else refuse (400, on the provider field) naming those that can."""
    enabled = transfer_provider_names()
    if provider_name in enabled:
        return get_enabled_provider(provider_name)
    if enabled:
        hint = _("Choose one of: %(providers)s.") % {"providers": ", ".join(enabled)}
    else:
        hint = _("No provider that can pay merchants is switched on.")
    message = _("“%(provider)s” cannot pay merchants here. %(hint)s") % {
        "provider": provider_name,
        "hint": hint,
    }
    raise EscrowError("transfer_unavailable", message, fields={"provider": [hint]})


def _payout_write(
    *,
    actor,
    merchant,
    amount_fen: int,
    provider_name: str,
    payee_account: str,
    payee_name: str = "",
    scheduled_for=None,
    idempotency_key: str = "",
) -> Payout:
    if amount_fen <= 0:
        raise EscrowError(
            "invalid_amount",
            _("The amount must be more than zero."),
            fields={"amount_fen": [_("Enter an amount above zero.")]},
        )
    _transfer_provider(provider_name)
    try:
        return _payout_insert(
            actor=actor,
            merchant=merchant,
            amount_fen=amount_fen,
            provider_name=provider_name,
            payee_account=payee_account,
            payee_name=payee_name,
            scheduled_for=scheduled_for,
            idempotency_key=idempotency_key,
        )
    except InsufficientFunds:
        # The ledger names its account and counts fen, for its other callers;
        # whoever approves a payout is told the shop's balance in yuan.
        raise _above_payable(merchant=merchant, amount_fen=amount_fen) from None


def _above_payable(*, merchant, amount_fen: int) -> InsufficientFunds:
    """The refusal of a payout larger than what the merchant may be paid out."""
    available = ledger.account_balance_fen(
        ledger.merchant_payable_account(merchant=merchant)
    )
    values = {
        "merchant": merchant.display_name,
        "available": format_fen(max(available, 0)),
        "amount": format_fen(amount_fen),
    }
    return InsufficientFunds(
        "payout_above_balance",
        _("%(merchant)s has %(available)s to pay out; %(amount)s is more than that.")
        % values,
        fields={"amount_fen": [_("At most %(available)s.") % values]},
        extra={"available_fen": max(available, 0)},
    )


def _payout_insert(
    *,
    actor,
    merchant,
    amount_fen: int,
    provider_name: str,
    payee_account: str,
    payee_name: str,
    scheduled_for,
    idempotency_key: str,
) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.create(
            merchant=merchant,
            amount_fen=amount_fen,
            provider=provider_name,
            payee_account=payee_account[:100],
            payee_name=payee_name[:100],
            business_number="po" + secrets.token_hex(15),
            approved_by=actor,
            scheduled_for=scheduled_for,
            idempotency_key=idempotency_key if actor is not None else "",
        )
        ledger.ledger_post(  # InsufficientFunds: more than the payable holds
            kind="payments.payout.sent",
            idempotency_key=f"{payout.public_id}:sent",
            entries=[
                (ledger.merchant_payable_account(merchant=merchant), -amount_fen),
                (ledger.system_account(kind=Kind.GATEWAY_CLEARING), amount_fen),
            ],
            reference_type="payments.payout",
            reference_id=payout.public_id,
            memo=payout.public_id,
        )
        audit_log(
            actor=actor,
            action="payments.payout.scheduled"
            if scheduled_for
            else "payments.payout.approved",
            obj=payout,
            data={"amount_fen": amount_fen, "provider": provider_name},
        )
        after_commit(payout_send_after_commit, payout.pk)
    return payout


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
        _transfer_provider(provider_name)
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
            _payout_write(
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


def payout_send_after_commit(payout_pk: int) -> None:
    try:
        payout_send(payout_pk=payout_pk)
    except Exception:  # the retry job takes over
        logger.exception("payout %s: send failed", payout_pk)


def payout_send(*, payout_pk: int, now=None) -> Payout:
    """Ask the provider to transfer a pending payout; settle what it answers."""
    payout = Payout.objects.get(pk=payout_pk)
    if payout.status != Payout.Status.PENDING:
        return payout
    try:
        reference = get_provider(payout.provider).transfer(payout=payout)
    except TransferRefused as refusal:
        return _settle(payout, paid=False, detail=str(refusal))
    except Exception as error:
        # The operator's page says only that no answer came (the error is
        # the program's words): the log keeps what went wrong.
        logger.warning("payout %s: no answer from the provider: %r", payout.pk, error)
        attempts = payout.attempts + 1
        now = now or timezone.now()
        Payout.objects.filter(pk=payout.pk, status=Payout.Status.PENDING).update(
            attempts=attempts,
            next_attempt_at=now + refund_backoff(attempts),
            last_error=repr(error)[:200],
        )
        payout.refresh_from_db()
        return payout
    return _settle(payout, paid=True, detail=str(reference))


def _settle(payout: Payout, *, paid: bool, detail: str) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout.pk)
        if payout.status != Payout.Status.PENDING:
            return payout
        clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
        if paid:
            to_account, kind = ledger.system_account(kind=Kind.EXTERNAL), "paid"
            payout.provider_reference = detail[:100]
            # An earlier attempt's error is no longer what the payout says:
            # it is paid (``attempts`` still counts the tries).
            payout.last_error = ""
        else:
            to_account = ledger.merchant_payable_account(merchant=payout.merchant)
            kind = "returned"
            payout.failure_reason = detail[:200]
        ledger.ledger_post(
            kind=f"payments.payout.{kind}",
            idempotency_key=f"{payout.public_id}:{kind}",
            entries=[(clearing, -payout.amount_fen), (to_account, payout.amount_fen)],
            reference_type="payments.payout",
            reference_id=payout.public_id,
            # Named as the "sent" line is: the merchant's money page shows
            # which payout came back.
            memo=payout.public_id,
        )
        payout.status = Payout.Status.SUCCEEDED if paid else Payout.Status.FAILED
        payout.confirmed_at = timezone.now()
        payout.next_attempt_at = None
        payout.save(
            update_fields=[
                "status",
                "provider_reference",
                "failure_reason",
                "confirmed_at",
                "next_attempt_at",
                "last_error",
            ]
        )
        audit_log(
            actor=None,
            action=f"payments.payout.{kind}",
            obj=payout,
            data={"amount_fen": payout.amount_fen, "detail": detail[:200]},
        )
    return payout


def payouts_retry_due(*, now=None) -> int:
    """Send every pending payout whose next attempt is due; return how many paid."""
    now = now or timezone.now()
    due = Payout.objects.filter(status=Payout.Status.PENDING).exclude(
        next_attempt_at__gt=now
    )
    paid = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:200]):
        paid += payout_send(payout_pk=pk, now=now).status == Payout.Status.SUCCEEDED
    return paid
