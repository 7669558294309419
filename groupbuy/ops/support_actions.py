"""Support's actions on one payment or one person, from the operator's pages
and API (until 2026-12-07 Django admin actions only): refund what a payment
still holds, clear a person's sign-in lockout. Operators only; the work is the
owning app's service, which the admin's actions call too."""

from __future__ import annotations

from django.http import Http404

from groupbuy.accounts.models import User
from groupbuy.accounts.services import LockoutCleared, person_lockout_clear
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.escrow.services import payment_refund_held
from groupbuy.ops.lookup import require_operator


def _get(model, public_id: str):
    try:
        return model.objects.get(public_id=public_id)
    except model.DoesNotExist:
        raise Http404 from None


def operator_payment_refund_held(*, actor: User, payment_id: str) -> Refund:
    """Refund to its payer what the payment still holds in escrow; a repeat
    finds nothing held (409 ``nothing_held``) and moves no money."""
    require_operator(actor)
    payment = _get(PaymentIntent, payment_id)
    return payment_refund_held(actor=actor, intent=payment, reason="operator")


def operator_person_lockout_clear(*, actor: User, user_id: str) -> LockoutCleared:
    """Let the person sign in (and confirm their password) again at once."""
    require_operator(actor)
    return person_lockout_clear(actor=actor, user=_get(User, user_id))
