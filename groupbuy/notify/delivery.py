"""Move deliveries through pending → sending → sent | failed | skipped.

A worker first *claims* a delivery with one conditional UPDATE (only a pending
delivery that is due, or one whose previous worker's lease ran out), so two runs
of the same task, or a task and the sweep, never both send it. A failure puts the
delivery back to pending with an exponential backoff until the attempts run out;
then it is failed and the last error is kept.

The lease covers a worker that dies mid-send: after it, the sweep hands the
delivery to another worker. That one send may then be repeated, which is why every
provider gets the delivery's idempotency key (the SMS file outbox dedupes on it
and the email carries a stable Message-ID).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Delivery, Invitation, Notification
from groupbuy.notify.senders import DeliveryRejected, DeliverySkipped, sender_for

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A delivery queued right after commit normally runs within seconds; the sweep
# only takes over pending rows that have been due for longer than this.
SWEEP_GRACE = timedelta(minutes=1)
SWEEP_BATCH_SIZE = 500
ERROR_MAX_CHARS = 2000
FINAL_STATUSES = (Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.SKIPPED)


def max_attempts() -> int:
    return int(getattr(settings, "GROUPBUY_NOTIFY_MAX_ATTEMPTS", 6))


def retry_delay(attempts: int) -> timedelta:
    """Wait 30 s after the first failure, then twice as long each time (≤ 1 h)."""
    base = int(getattr(settings, "GROUPBUY_NOTIFY_RETRY_BASE_SECONDS", 30))
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(status=Delivery.Status.PENDING) | Q(status=Delivery.Status.SENDING)
    claimed = (
        Delivery.objects.filter(due, pk=delivery_id, next_attempt_at__lte=now)
        .exclude(attempts__gte=max_attempts())
        .update(
            status=Delivery.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + LEASE,
        )
    )
    return claimed == 1


def _finish(
    delivery: Delivery, *, expected_status=Delivery.Status.SENDING, **changes
) -> bool:
    """Record the outcome unless another worker took the delivery over meanwhile."""
    updated = Delivery.objects.filter(
        pk=delivery.pk, status=expected_status, attempts=delivery.attempts
    ).update(**changes)
    if not updated:
        logger.warning("delivery %s was taken over before it finished", delivery.pk)
        return False
    for field, value in changes.items():
        setattr(delivery, field, value)
    if delivery.status in FINAL_STATUSES and _may_have_invitation(delivery):
        # An invitation's raw address is only kept while delivery may need it.
        Invitation.objects.filter(notification_id=delivery.notification_id).exclude(
            address=""
        ).update(address="")
    return True


def _may_have_invitation(delivery: Delivery) -> bool:
    """False only when the delivery was loaded with its notification's
    (absent) invitation: most notifications have none, and this saves the
    UPDATE that would find nothing."""
    if not Delivery.notification.is_cached(delivery):
        return True
    notification = delivery.notification
    if not Notification.invitation.is_cached(notification):
        return True
    return hasattr(notification, "invitation")


@transaction.atomic
def _fail(
    delivery: Delivery, error: str, *, expected_status=Delivery.Status.SENDING
) -> None:
    if _finish(
        delivery,
        expected_status=expected_status,
        status=Delivery.Status.FAILED,
        last_error=error[:ERROR_MAX_CHARS],
        next_attempt_at=None,
        failed_at=timezone.now(),
    ):
        audit_log(
            actor=None,
            action="notify.delivery.failed",
            obj=delivery.notification,
            data={
                "channel": delivery.channel,
                "attempts": delivery.attempts,
                "error": error[:200],
            },
        )


def _retry_or_fail(delivery: Delivery, error: str, now: datetime) -> None:
    if delivery.attempts >= max_attempts():
        _fail(delivery, error)
        return
    _finish(
        delivery,
        status=Delivery.Status.PENDING,
        last_error=error[:ERROR_MAX_CHARS],
        next_attempt_at=now + retry_delay(delivery.attempts),
    )


def delivery_attempt(*, delivery_id: int, now: datetime | None = None):
    """Claim the delivery and send it once; return it, or None if it was not due
    (already sent, failed, claimed by another worker, or waiting for a retry)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related(
        "notification__recipient", "notification__invitation"
    ).get(pk=delivery_id)
    sent, provider_message_id = _send(delivery, now)
    if sent:
        _finish(delivery, **_sent_changes(provider_message_id))
    return delivery


def deliveries_attempt_many(*, delivery_ids, now: datetime | None = None) -> list:
    """``delivery_attempt`` for many deliveries (a transaction's in-app ones):
    one UPDATE claims those that are due, one query loads them, each is sent,
    and the sent ones are recorded with one UPDATE per attempt count. Return
    the deliveries claimed (their status as it now stands)."""
    now = now or timezone.now()
    claimed = _claim_many(list(delivery_ids), now)
    if not claimed:
        return []
    deliveries = list(
        Delivery.objects.select_related(
            "notification__recipient", "notification__invitation"
        )
        .filter(pk__in=claimed)
        .order_by("pk")
    )
    sent: dict[tuple[int, str], list[Delivery]] = {}
    for delivery in deliveries:
        ok, provider_message_id = _send(delivery, now)
        if ok:
            key = (delivery.attempts, (provider_message_id or "")[:200])
            sent.setdefault(key, []).append(delivery)
    for (attempts, provider_message_id), group in sent.items():
        changes = _sent_changes(provider_message_id)
        ours = Delivery.objects.filter(
            pk__in=[delivery.pk for delivery in group],
            status=Delivery.Status.SENDING,
            attempts=attempts,
        )
        finished = set(ours.values_list("pk", flat=True))
        ours.filter(pk__in=finished).update(**changes)
        for delivery in group:
            if delivery.pk not in finished:
                logger.warning(
                    "delivery %s was taken over before it finished", delivery.pk
                )
                continue
            for field, value in changes.items():
                setattr(delivery, field, value)
            if _may_have_invitation(delivery):
                Invitation.objects.filter(
                    notification_id=delivery.notification_id
                ).exclude(address="").update(address="")
    return deliveries


def _claim_many(delivery_ids: list[int], now: datetime) -> list[int]:
    """Claim every due delivery of ``delivery_ids`` at once; return the claimed
    ones (``UPDATE … RETURNING``: another worker's claims are not ours)."""
    if not delivery_ids:
        return []
    table = connection.ops.quote_name(Delivery._meta.db_table)
    marks = ", ".join(["%s"] * len(delivery_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1,"
            f" next_attempt_at = %s WHERE id IN ({marks})"
            " AND status IN (%s, %s) AND next_attempt_at <= %s AND attempts < %s"
            " RETURNING id",
            [
                Delivery.Status.SENDING.value,
                now + LEASE,
                *delivery_ids,
                Delivery.Status.PENDING.value,
                Delivery.Status.SENDING.value,
                now,
                max_attempts(),
            ],
        )
        return [row[0] for row in cursor.fetchall()]


def _sent_changes(provider_message_id: str) -> dict:
    return {
        "status": Delivery.Status.SENT,
        "sent_at": timezone.now(),
        "next_attempt_at": None,
        "last_error": "",
        "provider_message_id": (provider_message_id or "")[:200],
    }


def _send(delivery: Delivery, now: datetime) -> tuple[bool, str]:
    """Send a claimed delivery once; on failure record it (skipped, failed or
    to retry) and return False, else return True and the provider's id."""
    try:
        provider_message_id = sender_for(delivery.channel)(delivery)
    except DeliverySkipped as reason:
        _finish(
            delivery,
            status=Delivery.Status.SKIPPED,
            last_error=str(reason),
            next_attempt_at=None,
        )
    except DeliveryRejected as error:
        _fail(delivery, f"rejected: {error}")
    except Exception as error:
        logger.warning(
            "delivery %s (%s) attempt %s failed",
            delivery.pk,
            delivery.channel,
            delivery.attempts,
            exc_info=True,
        )
        _retry_or_fail(delivery, f"{type(error).__name__}: {error}", now)
    else:
        return True, provider_message_id or ""
    return False, ""


def deliveries_due_for_requeue(*, now: datetime | None = None) -> list[int]:
    """Return deliveries nobody is working on although they should be: pending
    ones whose queued job was lost, and claimed ones whose worker's lease ran out."""
    now = now or timezone.now()
    forgotten = Q(
        status=Delivery.Status.PENDING, next_attempt_at__lte=now - SWEEP_GRACE
    )
    abandoned = Q(status=Delivery.Status.SENDING, next_attempt_at__lte=now)
    return list(
        Delivery.objects.filter(forgotten | abandoned)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH_SIZE]
    )


def deliveries_fail_exhausted(*, now: datetime | None = None) -> int:
    """Fail deliveries that may not be tried again but are not finished: their
    worker died during the last allowed attempt (or the limit was lowered)."""
    now = now or timezone.now()
    unfinished = Q(status=Delivery.Status.PENDING) | Q(
        status=Delivery.Status.SENDING, next_attempt_at__lte=now
    )
    stuck = Delivery.objects.filter(
        unfinished, attempts__gte=max_attempts()
    ).select_related("notification")
    failed = 0
    for delivery in stuck:
        _fail(
            delivery,
            delivery.last_error or "worker stopped during the last attempt",
            expected_status=delivery.status,
        )
        failed += 1
    return failed


def deliveries_failed_dated(*, batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Give ``failed_at`` to failed deliveries that have none, and return how many.

    The release before ``failed_at`` fails deliveries without it while a rolling
    deploy runs (docs/deployment.md). Its failure still wrote the audit trail's
    ``notify.delivery.failed``, whose moment is the failure's; a delivery without
    one (failed before the audit trail said which channel) takes its
    notification's time, as migration 0005 dated the older ones. A delivery
    retried meanwhile is not failed and is left alone, so a second run changes
    nothing."""
    failure_logged_at = (
        AuditEntry.objects.filter(
            action="notify.delivery.failed",
            object_type=Notification._meta.label_lower,
            object_id=OuterRef("notification__public_id"),
        )
        .annotate(logged_channel=KeyTextTransform("channel", "data"))
        .filter(logged_channel=OuterRef("channel"))
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    undated = list(
        Delivery.objects.filter(status=Delivery.Status.FAILED, failed_at__isnull=True)
        .annotate(
            best_known=Coalesce(
                Subquery(failure_logged_at), F("notification__created_at")
            )
        )
        .order_by("pk")
        .values_list("pk", "best_known")[:batch_size]
    )
    dated = 0
    for pk, best_known in undated:
        dated += Delivery.objects.filter(
            pk=pk, status=Delivery.Status.FAILED, failed_at__isnull=True
        ).update(failed_at=best_known)
    return dated
