"""Deleting failed logins (django-axes' ``AccessAttempt`` rows) by hand: the
Django admin's delete and its "Clean up expired attempts", and axes' reset
commands (``groupbuy axes_reset_username`` …, ours in
``accounts/management/commands``). A row within the cool-off holds a number
(and an address) back, so each deletion is audited, once per number tried: on
the number's holder, or else on its first row, with the number masked."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.phones import mask_phone
from groupbuy.core.audit import audit_log_many

LOCKOUT_CLEARED = "accounts.lockout.cleared"
EXPIRED_DELETED = "accounts.failed_logins.expired_deleted"


def _attempts():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.all()


@transaction.atomic
def failed_logins_delete(*, actor: User, attempt_ids: list[int]) -> int:
    """Delete the failed-login rows ``attempt_ids`` name, as the Django admin's
    delete does, one row or the selected ones; return how many went. Audited
    as **Clear the lockout** is, once per number tried
    (``accounts.lockout.cleared``)."""
    attempts = _attempts().filter(pk__in=attempt_ids)
    return _delete_audited(actor=actor, attempts=attempts, action=LOCKOUT_CLEARED)


@transaction.atomic
def failed_logins_reset(
    *,
    actor: User | None,
    phone: str | None = None,
    ip_address: str | None = None,
    command: str = "",
) -> int:
    """Delete the failed-login rows for the number ``phone`` (as axes records
    it: E.164), from ``ip_address``, or both (that number from that address),
    as ``axes.utils.reset`` does (neither: every row); return how many went.
    Audited as **Clear the lockout** is, once per number tried, the data
    naming the ``command`` that asked."""
    attempts = _attempts()
    if phone:
        attempts = attempts.filter(username=phone)
    if ip_address:
        attempts = attempts.filter(ip_address=ip_address)
    extra_data = {"command": command} if command else {}
    return _delete_audited(
        actor=actor, attempts=attempts, action=LOCKOUT_CLEARED, extra_data=extra_data
    )


@transaction.atomic
def failed_logins_expired_delete(*, actor: User, now=None) -> int:
    """Delete the failed-login rows past the cool-off, as axes' admin action
    "Clean up expired attempts" did; return how many went. They hold nobody
    back any more, so this clears no lockout: audited
    ``accounts.failed_logins.expired_deleted``, once per number tried."""
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off is None:  # as axes: failures never expire, nothing to clean
        return 0
    threshold = (now or timezone.now()) - cool_off
    attempts = _attempts().filter(attempt_time__lte=threshold)
    return _delete_audited(actor=actor, attempts=attempts, action=EXPIRED_DELETED)


def _delete_audited(
    *, actor, attempts: QuerySet, action: str, extra_data: dict | None = None
) -> int:
    # Locked in pk order, so two deletions of the same rows never deadlock and
    # each row is audited by the one that deleted it.
    by_number: dict[str, list] = {}
    for attempt in attempts.select_for_update().order_by("pk"):
        by_number.setdefault(attempt.username or "", []).append(attempt)
    holders = {
        person.phone: person for person in User.objects.filter(phone__in=by_number)
    }
    entries = []
    for number, rows in by_number.items():
        data = {"sign_in_failures": sum(row.failures_since_start for row in rows)}
        if action == LOCKOUT_CLEARED:
            data["password_confirmations"] = 0
        if number not in holders:
            data = {"phone": mask_phone(number), **data}
        entries.append(
            (action, holders.get(number) or rows[0], {**data, **(extra_data or {})})
        )
    deleted_ids = [row.pk for rows in by_number.values() for row in rows]
    _attempts().filter(pk__in=deleted_ids).delete()
    audit_log_many(actor=actor, entries=entries)
    return len(deleted_ids)
