"""Support's actions over the operator API: refund what a payment still
holds, clear a person's sign-in lockout, switch a person's account off and on,
list and revoke their API tokens (operators only; as on their pages)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema

from groupbuy.core.api_types import answer_choices
from groupbuy.escrow.models import Refund
from groupbuy.ops.support_actions import (
    operator_payment_refund_held,
    operator_person_lockout_clear,
    operator_person_switch_off,
    operator_person_switch_on,
    operator_person_tokens,
    operator_person_tokens_revoke,
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


class OperatorPersonSwitchOffIn(Schema):
    # Why, for the audit log (required, at most 500 characters).
    reason: str = Field(max_length=500)


class OperatorPersonSwitchedOut(Schema):
    person_id: str
    # false: switched off (signed out everywhere, cannot sign in, API tokens
    # refused); their orders and money are untouched
    is_active: bool
    # false: it already was so, and nothing changed
    changed: bool


def _switched(switched) -> dict:
    return {
        "person_id": switched.person.public_id,
        "is_active": switched.person.is_active,
        "changed": switched.changed,
    }


@router.post("/people/{user_id}/switch-off", response=OperatorPersonSwitchedOut)
def person_switch_off(request, user_id: str, payload: OperatorPersonSwitchOffIn):
    """Switch a person's account off: they are signed out everywhere, cannot
    sign in and their API tokens are refused (not revoked); their orders and
    money are untouched. Not one's own account; another operator's only for a
    superuser (403). Audited with the reason. Sent again, nothing changes."""
    switched = operator_person_switch_off(
        actor=request.auth, user_id=user_id, reason=payload.reason
    )
    return _switched(switched)


@router.post("/people/{user_id}/switch-on", response=OperatorPersonSwitchedOut)
def person_switch_on(request, user_id: str):
    """Let a switched-off person sign in again; their tokens not revoked nor
    expired work again. An erased account stays off (409 ``erased``). Audited.
    Sent again, nothing changes."""
    return _switched(operator_person_switch_on(actor=request.auth, user_id=user_id))


class OperatorPersonTokenOut(Schema):
    # the token's number, never its secret (which is not kept)
    token_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None
    # neither revoked nor expired (an inactive owner's tokens are refused too)
    is_usable: bool


class OperatorPersonTokensOut(Schema):
    person_id: str
    # the newest 100 tokens, live or not, newest first
    tokens: list[OperatorPersonTokenOut]
    # how many tokens the person has in all, and how many still work
    total: int
    live: int


@router.get("/people/{user_id}/tokens", response=OperatorPersonTokensOut)
def person_tokens(request, user_id: str):
    """List a person's API tokens with when each was made and last used;
    never a secret."""
    tokens = operator_person_tokens(actor=request.auth, user_id=user_id)
    return {
        "person_id": user_id,
        "tokens": [
            {
                "token_id": token.public_id,
                "name": token.name,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "expires_at": token.expires_at,
                "revoked_at": token.revoked_at,
                "is_usable": token.is_usable,
            }
            for token in tokens.newest
        ],
        "total": tokens.total,
        "live": tokens.live,
    }


class OperatorPersonTokensRevokedOut(Schema):
    person_id: str
    # how many live tokens this revoked (0: none was left)
    revoked: int


@router.post("/people/{user_id}/tokens/revoke", response=OperatorPersonTokensRevokedOut)
def person_tokens_revoke(request, user_id: str):
    """Revoke every live API token of a person (audited). Sent again, none is
    left: 0, nothing changes."""
    revoked = operator_person_tokens_revoke(actor=request.auth, user_id=user_id)
    return {"person_id": user_id, "revoked": revoked}
