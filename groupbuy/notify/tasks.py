"""Workers that deliver notifications, and the sweep that makes the outbox whole.

Tasks only pass ids around; the delivery row, claimed with a conditional update,
decides whether anything is sent, so running a task twice is harmless.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.notify.delivery import (
    deliveries_due_for_requeue,
    deliveries_fail_exhausted,
    deliveries_failed_dated,
    delivery_attempt,
)
from groupbuy.notify.models import Delivery


def delivery_queue(delivery_id: int, *, not_before: datetime | None = None) -> None:
    """Hand a delivery to a worker, now or at ``not_before``."""
    delay = (not_before - timezone.now()).total_seconds() if not_before else 0
    if delay > 0:
        delivery_send.schedule((delivery_id,), delay=delay)
    else:
        delivery_send(delivery_id)


@db_task()
def delivery_send(delivery_id: int) -> None:
    delivery = delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.PENDING:
        delivery_queue(delivery_id, not_before=delivery.next_attempt_at)


@db_periodic_task(crontab(minute="*"))
def deliveries_sweep() -> None:
    """Re-queue deliveries whose hand-over after commit was lost (a crash between
    commit and enqueue) or whose worker died, and fail those out of attempts."""
    deliveries_fail_exhausted()
    for delivery_id in deliveries_due_for_requeue():
        delivery_send(delivery_id)


@db_periodic_task(crontab(minute="*/5"))
def deliveries_failed_date() -> int:
    """Date the failures the release before made during a rolling deploy (it
    does not set ``failed_at``); a few minutes late is soon enough, as the
    operators' list already orders them by their best known time."""
    return deliveries_failed_dated()


@db_periodic_task(crontab(minute="23", hour="3"))
def outboxes_purge() -> None:
    """Delete, once a day, the outbox files older than the retention (texts and
    e-mails waiting to be sent on hold numbers and codes)."""
    from groupbuy.notify import outboxes

    outboxes.outboxes_purge()


@db_periodic_task(crontab(minute="17", hour="3"))
def invitations_purge() -> None:
    """Delete, once a day, the invitations nobody claimed within the retention."""
    from groupbuy.notify.invitations import invitations_purge_expired

    invitations_purge_expired()
