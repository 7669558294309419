"""Refunds reach the provider after commit, are retried, and post what it confirmed.

``payment_refund_locked`` (in services) records a pending ``Refund`` and the
``escrow.refund.sent`` posting in the caller's transaction. After commit,
``refund_send`` calls the provider outside any transaction; when it answers,
``escrow.refund.paid`` is posted and the refund is confirmed. A provider that
fails (network, 5xx) leaves the refund pending with a next attempt time that
backs off exponentially; ``refunds_retry_due`` (every minute) sends them again.
The provider refunds once per idempotency key, so a retry after a lost answer
cannot pay twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log, audit_log_many
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount, Refund
from groupbuy.escrow.providers import get_provider

logger = logging.getLogger(__name__)
Kind = LedgerAccount.Kind


def refund_backoff(attempts: int) -> timedelta:
    """Return how long to wait after ``attempts`` failed sends (capped)."""
    base = getattr(settings, "GROUPBUY_REFUND_RETRY_BASE_SECONDS", 30)
    cap = getattr(settings, "GROUPBUY_REFUND_RETRY_MAX_SECONDS", 3_600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def refund_send_after_commit(refund_pk: int) -> None:
    try:
        refund_send(refund_pk=refund_pk)
    except Exception:  # the retry job takes over; never break the caller
        logger.exception("refund %s: send failed", refund_pk)


def refund_send(*, refund_pk: int, now=None) -> Refund:
    """Ask the provider to pay a pending refund; confirm it or schedule a retry."""
    refund = Refund.objects.select_related("intent").get(pk=refund_pk)
    if refund.status != Refund.Status.PENDING:
        return refund
    provider = get_provider(refund.intent.provider)
    try:
        reference = provider.refund(
            intent=refund.intent,
            amount_fen=refund.amount_fen,
            idempotency_key=refund.idempotency_key,
        )
    except Exception as error:
        return _record_failure(refund, error=error, now=now or timezone.now())
    return refund_confirm(refund=refund, provider_reference=str(reference))


def refund_confirm(*, refund: Refund, provider_reference: str) -> Refund:
    """Post the refund the provider confirmed; repeating it changes nothing."""
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("intent")
            .get(pk=refund.pk)
        )
        if refund.status != Refund.Status.PENDING:
            return refund
        ledger.ledger_post(
            kind="escrow.refund.paid",
            idempotency_key=f"{refund.public_id}:paid",
            entries=[
                (ledger.system_account(kind=Kind.GATEWAY_CLEARING), -refund.amount_fen),
                (ledger.system_account(kind=Kind.REFUNDS_PAID), refund.amount_fen),
            ],
            reference_type="escrow.refund",
            reference_id=refund.public_id,
            memo=refund.intent.description,
        )
        refund.status = Refund.Status.SUCCEEDED
        refund.provider_reference = provider_reference[:100]
        refund.confirmed_at = timezone.now()
        refund.next_attempt_at = None
        refund.last_error = ""  # a failed earlier attempt is no longer news
        refund.save(
            update_fields=[
                "status",
                "provider_reference",
                "confirmed_at",
                "next_attempt_at",
                "last_error",
            ]
        )
        audit_log(
            actor=None,
            action="escrow.refund.confirmed",
            obj=refund.intent,
            data={"refund": refund.public_id, "amount_fen": refund.amount_fen},
        )
    return refund


def refunds_send_many(*, refund_pks) -> int:
    """``refund_send`` for many refunds (a settlement batch's); return how many
    the provider confirmed.

    The provider is asked once per refund, as ``refund_send`` asks it; the
    refunds it confirmed are then posted together: one ``ledger_post_many``
    (the two platform accounts move once for the lot), one update of the
    refunds, one insert of the audit rows, instead of a transaction and some
    ten statements per refund. Should that fail, each is confirmed on its own.
    """
    refunds = Refund.objects.select_related("intent").filter(
        pk__in=list(refund_pks), status=Refund.Status.PENDING
    )
    answered = []
    for refund in refunds.order_by("pk"):
        provider = get_provider(refund.intent.provider)
        try:
            reference = provider.refund(
                intent=refund.intent,
                amount_fen=refund.amount_fen,
                idempotency_key=refund.idempotency_key,
            )
        except Exception as error:
            _record_failure(refund, error=error, now=timezone.now())
            continue
        answered.append((refund, str(reference)))
    if not answered:
        return 0
    try:
        return _confirm_many(dict((refund.pk, ref) for refund, ref in answered))
    except Exception:
        logger.warning(
            "confirming %s refunds at once failed", len(answered), exc_info=True
        )
    confirmed = 0
    for refund, reference in answered:
        refund = refund_confirm(refund=refund, provider_reference=reference)
        confirmed += refund.status == Refund.Status.SUCCEEDED
    return confirmed


def _confirm_many(references: dict[int, str]) -> int:
    """``refund_confirm`` for many refunds the provider confirmed, in one go."""
    with transaction.atomic():
        refunds = list(
            Refund.objects.select_for_update(of=("self",))
            .select_related("intent")
            .filter(pk__in=list(references), status=Refund.Status.PENDING)
            .order_by("pk")
        )
        if not refunds:
            return 0
        clearing = ledger.system_account(kind=Kind.GATEWAY_CLEARING)
        paid = ledger.system_account(kind=Kind.REFUNDS_PAID)
        ledger.ledger_post_many(
            postings=[
                ledger.Posting(
                    kind="escrow.refund.paid",
                    idempotency_key=f"{refund.public_id}:paid",
                    entries=[(clearing, -refund.amount_fen), (paid, refund.amount_fen)],
                    reference_type="escrow.refund",
                    reference_id=refund.public_id,
                    memo=refund.intent.description,
                )
                for refund in refunds
            ]
        )
        now = timezone.now()
        for refund in refunds:
            refund.status = Refund.Status.SUCCEEDED
            refund.provider_reference = references[refund.pk][:100]
            refund.confirmed_at = now
            refund.next_attempt_at = None
            refund.last_error = ""
        Refund.objects.bulk_update(
            refunds,
            [
                "status",
                "provider_reference",
                "confirmed_at",
                "next_attempt_at",
                "last_error",
            ],
        )
        audit_log_many(
            actor=None,
            entries=[
                (
                    "escrow.refund.confirmed",
                    refund.intent,
                    {"refund": refund.public_id, "amount_fen": refund.amount_fen},
                )
                for refund in refunds
            ],
        )
    return len(refunds)


def _record_failure(refund: Refund, *, error: Exception, now) -> Refund:
    attempts = refund.attempts + 1
    Refund.objects.filter(pk=refund.pk, status=Refund.Status.PENDING).update(
        attempts=attempts,
        next_attempt_at=now + refund_backoff(attempts),
        last_error=repr(error)[:200],
    )
    refund.refresh_from_db()
    logger.warning("refund %s attempt %s failed: %r", refund.public_id, attempts, error)
    return refund


def refunds_retry_due(*, now=None) -> int:
    """Send again every pending refund whose next attempt is due; return how many
    the provider confirmed."""
    now = now or timezone.now()
    due = Refund.objects.filter(status=Refund.Status.PENDING).exclude(
        next_attempt_at__gt=now
    )
    confirmed = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:500]):
        refund = refund_send(refund_pk=pk, now=now)
        confirmed += refund.status == Refund.Status.SUCCEEDED
    return confirmed
