"""Reading the inbox. Nobody sees another person's notifications: 404, not 403,
so the existence of someone else's notification is not revealed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone, mask_phones_in_text
from groupbuy.core.errors import DomainError, Forbidden, NotFound
from groupbuy.core.models import AuditEntry
from groupbuy.core.plugins import (
    NotificationAudience,
    notification_audiences,
    notification_kinds,
)
from groupbuy.core.redaction import mask_account
from groupbuy.core.times import api_time
from groupbuy.notify.channels import added_channels
from groupbuy.notify.models import Channel, Delivery, Notification


def notification_list_for_user(*, user) -> QuerySet[Notification]:
    """Return the person's inbox, newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(*, user, notification_id: str) -> Notification:
    notification = (
        notification_list_for_user(user=user).filter(public_id=notification_id).first()
    )
    if notification is None:
        raise NotFound("not_found", _("This notification does not exist."))
    return notification


def notification_as_event(notification: Notification) -> dict:
    """Describe a notification the way the API and WebSocket pushes do, in the
    active language."""
    return {
        "id": notification.public_id,
        "kind": notification.kind,
        "title": notification.shown_title,
        "body": notification.shown_body,
        "url": notification.url,
        "data": notification.data,
        "created_at": api_time(notification.created_at),
        "read_at": api_time(notification.read_at) if notification.read_at else None,
    }


def notification_kinds_for_user(*, user) -> dict[str, Any]:
    """Return the kinds of notification that can reach ``user``, with their
    labels: everyone's, a merchant's staff's while they are on one, an
    operator's to operators."""
    from groupbuy.accounts.selectors import user_is_merchant_staff

    if not user.is_authenticated:
        return {}
    audiences = {NotificationAudience.EVERYONE}
    if user_is_merchant_staff(user=user):
        audiences.add(NotificationAudience.MERCHANT_STAFF)
    if user.is_operator:
        audiences.add(NotificationAudience.OPERATOR)
    audience_of = notification_audiences()
    return {
        kind: label
        for kind, label in notification_kinds().items()
        if audience_of[kind] in audiences
    }


# Failed deliveries, for operators (docs/operations.md, "Failed deliveries").

ERROR_SHOWN_MAX_CHARS = 120
# An e-mail address inside a provider's error ("550 lin.wei@example.com: no
# such user"), masked as mask_account masks one.
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def deliveries_operator_check(user) -> None:
    """Refuse (403) anyone but an operator the failed deliveries."""
    if not getattr(user, "is_operator", False):
        raise Forbidden(
            "forbidden", _("Only operators can see and retry failed deliveries.")
        )


def delivery_channel_labels() -> dict[str, str]:
    """Return every channel a delivery may take, with its label: the built-in
    ones, then those apps added (web push)."""
    labels = {value: str(label) for value, label in Channel.choices}
    for name, channel in added_channels().items():
        labels[name] = str(channel.label)
    return labels


def delivery_channel_checked(channel: str) -> str:
    """Return ``channel`` if a delivery may take it ("" for every channel);
    refuse any other with a 400 naming the field."""
    if channel and channel not in delivery_channel_labels():
        message = _("There is no such channel.")
        raise DomainError("invalid", message, fields={"channel": [message]})
    return channel


def failed_or_notified_at() -> Coalesce:
    """When a failed delivery failed, best known: ``failed_at``, else (a failure
    of the release before it, not dated yet) its notification's time."""
    return Coalesce("failed_at", "notification__created_at")


def delivery_failed_list_for_operator(*, user, channel: str = "") -> QuerySet[Delivery]:
    """Return the failed deliveries, newest failure first, of one channel or
    of all ("" ); operators only."""
    deliveries_operator_check(user)
    deliveries = (
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .select_related("notification__recipient", "notification__invitation")
        # A delivery the release before failed_at fails during a rolling deploy
        # has none until notify.tasks.deliveries_failed_date dates it: it is
        # listed by its notification's time meanwhile, on every database (by
        # failed_at alone PostgreSQL put it first and SQLite last). The
        # partial notify_failed_delivery_idx still finds the failed rows.
        .annotate(failed_or_notified_at=failed_or_notified_at())
        .order_by("-failed_or_notified_at", "-pk")
    )
    if delivery_channel_checked(channel):
        deliveries = deliveries.filter(channel=channel)
    return deliveries


def delivery_ids_for_references(references: Iterable[str]) -> list[int]:
    """Return the deliveries that ``references`` (``Delivery.public_id``:
    ``ntf_…-sms``) name; a reference naming none is left out."""
    wanted = {tuple(reference.partition("-")[::2]) for reference in references}
    if not wanted:
        return []
    rows = Delivery.objects.filter(
        notification__public_id__in={notification for notification, _ in wanted}
    ).values_list("pk", "notification__public_id", "channel")
    return [
        pk for pk, notification, channel in rows if (notification, channel) in wanted
    ]


def _error_shown(error: str) -> str:
    masked = EMAIL_IN_TEXT.sub(
        lambda match: mask_account(match.group(0)), mask_phones_in_text(error)
    )
    return Truncator(masked).chars(ERROR_SHOWN_MAX_CHARS)


def _recipient_masked(delivery: Delivery) -> str:
    """Who the delivery was for, as staff lists show people: a masked number
    (or e-mail address, for an e-mail), never in full."""
    notification = delivery.notification
    person = notification.recipient
    if person is None:
        invitation = getattr(notification, "invitation", None)
        address = invitation.address if invitation is not None else ""
        if not address:
            return _("Invitation (address erased)")
        return mask_account(address) if "@" in address else mask_phone(address)
    if is_erased(person):
        return _("Deleted user")
    if delivery.channel == Channel.EMAIL and person.email:
        return mask_account(person.email)
    return mask_phone(person.phone)


def delivery_failed_row(delivery: Delivery) -> dict:
    """A failed delivery as the operators' page and API show it: no title or
    body (a private message's words), the recipient and the error masked."""
    notification = delivery.notification
    return {
        "id": delivery.public_id,
        "channel": delivery.channel,
        "channel_label": delivery_channel_labels().get(
            delivery.channel, delivery.channel
        ),
        "failed_at": delivery.failed_at or notification.created_at,
        "attempts": delivery.attempts,
        "error": _error_shown(delivery.last_error),
        "recipient": _recipient_masked(delivery),
        "kind": notification.kind,
        "kind_label": str(notification_kinds().get(notification.kind, "")),
    }


def delivery_failed_per_day(
    *, user, days: int = 30, now: datetime | None = None
) -> list[dict]:
    """Return the last ``days`` days, oldest first, each with the deliveries
    that failed on it by channel: ``{"date", "counts": {channel: n}}``.

    Counted from the audit trail's ``notify.delivery.failed``, one per failure,
    so a delivery retried and failed again counts on both days."""
    deliveries_operator_check(user)
    zone = timezone.get_current_timezone()
    today = timezone.localtime(now or timezone.now(), zone).date()
    first_day = today - timedelta(days=days - 1)
    rows = (
        AuditEntry.objects.filter(
            action="notify.delivery.failed",
            created_at__gte=datetime.combine(first_day, time.min, tzinfo=zone),
        )
        .annotate(
            day=TruncDate("created_at", tzinfo=zone),
            channel=KeyTextTransform("channel", "data"),
        )
        .values("day", "channel")
        .annotate(failures=Count("id"))
    )
    counted = {(row["day"], row["channel"]): row["failures"] for row in rows}
    channels = list(delivery_channel_labels())
    return [
        {
            "date": day,
            "counts": {channel: counted.get((day, channel), 0) for channel in channels},
        }
        for day in (first_day + timedelta(days=offset) for offset in range(days))
    ]
