"""Support switches a person's account off and on again, and revokes all their
API tokens: from the operator's person page and API (``ops.support_actions``)
and, for switching, the Django admin's "active" box too, all through here.

Switched off (``is_active`` false), a person is signed out everywhere: Django's
ModelBackend no longer finds them for any session (each request is anonymous),
signing in refuses them, their API tokens stop working (``tokens`` reads only
active owners' tokens; they are not revoked, so they work again when the
account is switched on, unless revoked too), and their open sockets close once
the switch commits (``accounts.switching_off``). Their orders, payments and
money are untouched: group buys they joined go on, refunds still reach them.

Operators only. Nobody switches their own account (an operator could lock
themselves out, or back in); another operator's account only a superuser."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import User
from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.services.tokens import api_tokens_revoke_all
from groupbuy.accounts.services.users import without_nul
from groupbuy.core.audit import audit_log

REASON_CHARS = 500


@dataclass(frozen=True)
class AccountSwitched:
    """The person as they now are, and whether this call changed them."""

    person: User
    changed: bool


def account_switch_refusal(*, actor: User, user: User) -> str:
    """Return why ``actor`` may not switch ``user``'s account (a sentence), or
    "" when they may."""
    if not actor.is_staff:
        return _("Only operators can switch accounts off and on.")
    if actor.pk == user.pk:
        return _("You cannot switch your own account off or on.")
    if user.is_staff and not actor.is_superuser:
        return _("Only a superuser can switch another operator's account.")
    return ""


def _may_switch_or_error(*, actor: User, user: User) -> None:
    refusal = account_switch_refusal(actor=actor, user=user)
    if refusal:
        raise AccountError("forbidden", refusal, status=403)


def _reason_or_error(reason: str) -> str:
    reason = without_nul(reason or "").strip()
    if not reason:
        message = _("Say why the account is switched off.")
        raise AccountError("reason_needed", message, fields={"reason": [message]})
    if len(reason) > REASON_CHARS:
        message = _("Say it in %(count)d characters or fewer.") % {
            "count": REASON_CHARS
        }
        raise AccountError("reason_too_long", message, fields={"reason": [message]})
    return reason


def account_active_set(
    *, actor: User | None, user: User, is_active: bool, reason: str = ""
) -> bool:
    """Switch ``user``'s account on or off under a row lock; return whether it
    changed (already so: nothing changes and nothing is audited). No rule is
    checked here: callers check who may. The save's receiver closes a switched
    off person's sockets after commit (``accounts.switching_off``)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        user.is_active = is_active
        if locked.is_active == is_active:
            return False
        locked.is_active = is_active
        locked.save(update_fields=["is_active"])
        action = "accounts.user.activated" if is_active else "accounts.user.deactivated"
        audit_log(
            actor=actor,
            action=action,
            obj=user,
            data={"reason": reason} if reason else None,
        )
    return True


def account_switch_off(*, actor: User, user: User, reason: str) -> AccountSwitched:
    """Switch a person's account off (see the module); audited with the reason.
    Again, already off: nothing changes, nothing is audited."""
    _may_switch_or_error(actor=actor, user=user)
    reason = _reason_or_error(reason)
    changed = account_active_set(actor=actor, user=user, is_active=False, reason=reason)
    return AccountSwitched(person=user, changed=changed)


def account_switch_on(*, actor: User, user: User) -> AccountSwitched:
    """Let a switched-off person sign in again (their unrevoked, unexpired
    tokens work again too); audited. An erased account stays off."""
    _may_switch_or_error(actor=actor, user=user)
    if is_erased(user):
        raise AccountError(
            "erased",
            _("This account was erased: it cannot be switched on again."),
            status=409,
        )
    changed = account_active_set(actor=actor, user=user, is_active=True)
    return AccountSwitched(person=user, changed=changed)


def person_api_tokens_revoke(*, actor: User, user: User) -> int:
    """Revoke every live API token of ``user`` for support; return how many
    (audited once, ``accounts.token.revoked_all``; again: 0, nothing audited).
    A conditional UPDATE: two at once revoke each token once between them."""
    if not actor.is_staff:
        raise AccountError(
            "forbidden", _("Only operators can revoke a person's tokens."), status=403
        )
    with transaction.atomic():
        return api_tokens_revoke_all(actor=actor, user=user, reason="operator")
