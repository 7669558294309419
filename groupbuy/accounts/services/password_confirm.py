"""Support's side of the change page's password limit (``accounts.reauth``)."""

from __future__ import annotations

from django.db import transaction

from groupbuy.accounts.models import PasswordConfirmAttempt, User
from groupbuy.core.audit import audit_log


@transaction.atomic
def password_confirm_attempts_clear(*, actor: User, user_ids: list[int]) -> int:
    """Forget every counted password confirmation of the people ``user_ids``
    name, so they may confirm their password again at once (as an operator
    unlocks a login lockout early); return how many people had some. Each is
    audited; again, with nothing left to clear, changes and audits nothing."""
    cleared = 0
    for person in User.objects.filter(pk__in=user_ids).order_by("pk"):
        # Counted as deleted: an attempt made meanwhile is cleared and counted.
        attempts, _ = PasswordConfirmAttempt.objects.filter(user=person).delete()
        if attempts:
            audit_log(
                actor=actor,
                action="accounts.password_confirm.cleared",
                obj=person,
                data={"attempts": attempts},
            )
            cleared += 1
    return cleared
