"""Reading the inbox. Nobody sees another person's notifications: 404, not 403,
so the existence of someone else's notification is not revealed."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from groupbuy.core.errors import NotFound
from groupbuy.core.plugins import (
    NotificationAudience,
    notification_audiences,
    notification_kinds,
)
from groupbuy.core.times import api_time
from groupbuy.notify.models import Notification


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
