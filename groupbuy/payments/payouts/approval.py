"""A payout approved: written with its ledger posting, or refused; sent to
the provider after commit (``sending``)."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.reauth import RecentAuthentication
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import NotFound
from groupbuy.core.money import format_fen
from groupbuy.core.transactions import after_commit
from groupbuy.escrow import ledger
from groupbuy.escrow.errors import EscrowError, InsufficientFunds
from groupbuy.escrow.models import LedgerAccount
from groupbuy.payments.models import Payout
from groupbuy.payments.payouts.providers import transfer_provider
from groupbuy.payments.payouts.sending import payout_send_after_commit

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
        return payout_write(
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


def payout_write(
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
    transfer_provider(provider_name)
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
