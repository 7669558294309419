"""The signed-in person's inbox over the JSON API (/api/notify/…)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router, Schema

from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import (
    PageIn,
    PageOut,
    page_payload,
    paginate,
)
from groupbuy.notify import services
from groupbuy.notify.selectors import (
    notification_as_event,
    notification_list_for_user,
    notification_unread_count,
)

router = Router(tags=["notify"])


class NotificationOut(Schema):
    id: str = Field(examples=["ntf_4k9x2m7q8r3t5w6y"])
    kind: str = Field(examples=["deals.deal.succeeded"])
    title: str
    body: str
    url: AbsoluteUrl
    data: dict
    created_at: datetime
    read_at: datetime | None


class NotificationPageOut(PageOut):
    items: list[NotificationOut]
    has_next: bool
    unread_count: int


class UnreadOut(Schema):
    unread_count: int


class MarkedOut(Schema):
    marked: int
    unread_count: int


@router.get("/notifications", response=NotificationPageOut)
def notification_list(request, query: Query[PageIn]):
    """List my notifications, newest first."""
    user = request.auth
    result = paginate(
        notification_list_for_user(user=user),
        page=query.page,
        page_size=query.page_size,
    )
    return {
        **page_payload(result, [notification_as_event(item) for item in result.items]),
        "has_next": result.has_next,
        "unread_count": notification_unread_count(user=user),
    }


@router.get("/notifications/unread-count", response=UnreadOut)
def unread_count(request):
    """Count my unread notifications (for the badge)."""
    return {"unread_count": notification_unread_count(user=request.auth)}


@router.post("/notifications/read-all", response=MarkedOut)
def notification_mark_all_read(request):
    """Mark all my notifications read."""
    marked = services.notification_mark_all_read(actor=request.auth)
    return {
        "marked": marked,
        "unread_count": notification_unread_count(user=request.auth),
    }


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_mark_read(request, notification_id: str):
    """Mark one of my notifications read (again is fine)."""
    notification = services.notification_mark_read(
        actor=request.auth, notification_id=notification_id
    )
    return notification_as_event(notification)
