"""Merchant payouts: an operator approves, the provider transfers after commit.

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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import NotFound
from groupbuy.core.transactions import after_commit
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.models import LedgerAccount
from groupbuy.escrow.providers import get_enabled_provider, get_provider
from groupbuy.escrow.providers.alipay import TransferRefused
from groupbuy.escrow.refunds import refund_backoff
from groupbuy.payments.models import Payout

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
) -> Payout:
    """Approve a payout of ``amount_fen`` from the merchant's payable (operators)."""
    _operator_only(actor)
    if amount_fen <= 0:
        raise EscrowError(
            "invalid_amount",
            _("The amount must be more than zero."),
            fields={"amount_fen": [_("Enter an amount above zero.")]},
        )
    provider = get_enabled_provider(provider_name)
    if not hasattr(provider, "transfer"):
        raise EscrowError(
            "transfer_unavailable",
            _("This provider cannot pay merchants."),
            fields={"provider": [_("Choose another provider.")]},
        )
    with transaction.atomic():
        payout = Payout.objects.create(
            merchant=merchant,
            amount_fen=amount_fen,
            provider=provider_name,
            payee_account=payee_account[:100],
            payee_name=payee_name[:100],
            business_number="po" + secrets.token_hex(15),
            approved_by=actor,
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
            memo=f"payout to {payee_account}"[:200],
        )
        audit_log(
            actor=actor,
            action="payments.payout.approved",
            obj=payout,
            data={"amount_fen": amount_fen, "provider": provider_name},
        )
        after_commit(payout_send_after_commit, payout.pk)
    return payout


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
