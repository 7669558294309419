"""Support's actions over the operator API: refund what a payment still
holds, clear a person's sign-in lockout (operators only; as on their pages)."""

from __future__ import annotations

from ninja import Router, Schema

from groupbuy.core.api_types import answer_choices
from groupbuy.escrow.models import Refund
from groupbuy.ops.support_actions import (
    operator_payment_refund_held,
    operator_person_lockout_clear,
)

router = Router()  # tagged "operator" where the package mounts it


class OperatorHeldRefundOut(Schema):
    payment_id: str
    refund_id: str
    # what went back to the payer: all the payment still held
    refunded_fen: int
    # the refund is sent to the provider after this answer
    status: str = answer_choices(Refund.Status)
    remaining_held_fen: int


@router.post("/payments/{payment_id}/refund-held", response=OperatorHeldRefundOut)
def payment_refund_held(request, payment_id: str):
    """Refund to its payer all a payment still holds in escrow (neither refunded
    nor released to the merchant). Sent again: 409 ``nothing_held``."""
    refund = operator_payment_refund_held(actor=request.auth, payment_id=payment_id)
    return {
        "payment_id": refund.intent.public_id,
        "refund_id": refund.public_id,
        "refunded_fen": refund.amount_fen,
        "status": refund.status,
        "remaining_held_fen": refund.intent.remaining_held_fen,
    }


class OperatorLockoutClearedOut(Schema):
    person_id: str
    # failed logins forgotten for the person's number, and wrong passwords on
    # the change-of-number page (0 and 0: there was nothing to clear)
    sign_in_failures_cleared: int
    password_confirmations_cleared: int


@router.post("/people/{user_id}/clear-lockout", response=OperatorLockoutClearedOut)
def person_clear_lockout(request, user_id: str):
    """Let a person locked out by failed logins or wrong passwords sign in again
    at once (audited). Sent again, nothing changes."""
    cleared = operator_person_lockout_clear(actor=request.auth, user_id=user_id)
    return {
        "person_id": user_id,
        "sign_in_failures_cleared": cleared.sign_in_failures,
        "password_confirmations_cleared": cleared.password_confirmations,
    }
