"""Support's side of what holds a person back from signing in: failed logins
for their number (django-axes, ``accounts.lockout``) and the change page's
password limit (``accounts.reauth``). The operator's person page and API and
the Django admin's action all clear them through ``person_lockout_clear``; the
admin's deletion of failed-login rows, its clean-up of expired ones and axes'
reset commands go through ``services.failed_logins``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from groupbuy.accounts.lockout import number_failures_clear
from groupbuy.accounts.models import PasswordConfirmAttempt, User
from groupbuy.core.audit import audit_log


@dataclass(frozen=True)
class LockoutCleared:
    """What was forgotten: failed logins, and counted password confirmations."""

    sign_in_failures: int
    password_confirmations: int

    @property
    def anything(self) -> bool:
        return bool(self.sign_in_failures or self.password_confirmations)


@transaction.atomic
def person_lockout_clear(*, actor: User | None, user: User) -> LockoutCleared:
    """Forget every failed login for ``user``'s number and every counted
    password confirmation of theirs, so they may sign in and confirm their
    password again at once; return what was forgotten. Audited; again, with
    nothing left to clear, changes and audits nothing."""
    # Counted as deleted: a failure made meanwhile is cleared and counted.
    sign_in_failures = number_failures_clear(user.phone)
    confirmations, _ = PasswordConfirmAttempt.objects.filter(user=user).delete()
    cleared = LockoutCleared(
        sign_in_failures=sign_in_failures, password_confirmations=confirmations
    )
    if cleared.anything:
        audit_log(
            actor=actor,
            action="accounts.lockout.cleared",
            obj=user,
            data={
                "sign_in_failures": sign_in_failures,
                "password_confirmations": confirmations,
            },
        )
    return cleared


def password_confirm_attempts_clear(*, actor: User, user_ids: list[int]) -> int:
    """Clear the lockouts of the people ``user_ids`` name (the admin's action
    on their password confirmations); return how many had something cleared."""
    people = User.objects.filter(pk__in=user_ids).order_by("pk")
    return sum(
        person_lockout_clear(actor=actor, user=person).anything for person in people
    )
