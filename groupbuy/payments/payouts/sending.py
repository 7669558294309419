"""A pending payout sent to its provider, and settled as it answers: paid,
or refused for good and its money returned to the payable; no answer leaves
it pending for ``payouts_retry_due``."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.escrow import ledger
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.providers import get_provider
from groupbuy.escrow.providers.base import TransferRefused
from groupbuy.escrow.refunds import refund_backoff
from groupbuy.payments.models import Payout

# The payouts' one logger, named as before the module became this package
# (docs/payments.md names it).
logger = logging.getLogger(__package__)
Kind = LedgerAccount.Kind


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
