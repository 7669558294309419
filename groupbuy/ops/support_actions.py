"""Support's actions on one payment or one person, from the operator's pages
and API (until 2026-12-07 Django admin actions only): refund what a payment
still holds, clear a person's sign-in lockout, switch a person's account off
and on again, revoke all their API tokens. Operators only; the work is the
owning app's service, which the admin's actions call too."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.accounts.models import User
from groupbuy.accounts.services import (
    AccountSwitched,
    LockoutCleared,
    account_switch_off,
    account_switch_on,
    person_api_tokens_revoke,
    person_lockout_clear,
)
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.escrow.services import payment_refund_held
from groupbuy.ops.errors import OpsError
from groupbuy.ops.lookup import PersonTokens, person_api_tokens, require_operator


def _get(model, public_id: str, missing: str):
    """Return the row, or a 404 that says what is missing."""
    try:
        return model.objects.get(public_id=public_id)
    except model.DoesNotExist:
        raise OpsError("not_found", missing, status=404) from None


def _person(user_id: str) -> User:
    return _get(User, user_id, _("There is no such person."))


def operator_payment_refund_held(*, actor: User, payment_id: str) -> Refund:
    """Refund to its payer what the payment still holds in escrow; a repeat
    finds nothing held (409 ``nothing_held``) and moves no money."""
    require_operator(actor)
    payment = _get(PaymentIntent, payment_id, _("There is no such payment."))
    return payment_refund_held(actor=actor, intent=payment, reason="operator")


def operator_person_lockout_clear(*, actor: User, user_id: str) -> LockoutCleared:
    """Let the person sign in (and confirm their password) again at once."""
    require_operator(actor)
    return person_lockout_clear(actor=actor, user=_person(user_id))


def operator_person_switch_off(
    *, actor: User, user_id: str, reason: str
) -> AccountSwitched:
    """Switch the person's account off (``accounts.services.switching``)."""
    require_operator(actor)
    return account_switch_off(actor=actor, user=_person(user_id), reason=reason)


def operator_person_switch_on(*, actor: User, user_id: str) -> AccountSwitched:
    """Let a switched-off person sign in again."""
    require_operator(actor)
    return account_switch_on(actor=actor, user=_person(user_id))


def operator_person_tokens(*, actor: User, user_id: str) -> PersonTokens:
    """Return the person's newest 100 API tokens, live or not, and counts."""
    require_operator(actor)
    return person_api_tokens(person=_person(user_id), limit=100)


def operator_person_tokens_revoke(*, actor: User, user_id: str) -> int:
    """Revoke every live API token of the person; return how many."""
    require_operator(actor)
    return person_api_tokens_revoke(actor=actor, user=_person(user_id))
