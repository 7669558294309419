"""Notifications: written in the business transaction, delivered after commit.

``notification_enqueue`` is what every other app calls. It writes the inbox row
and one delivery row per channel in the caller's transaction (the transactional
outbox) and hands the deliveries to workers only once that transaction commits, so
a rolled-back business change notifies nobody. Should the hand-over itself be lost
(the process dies right after commit), the periodic sweep in ``tasks`` finds the
pending rows and delivers them.

Notifications are not audited one by one: the rows themselves record who was told
what, when and over which channel; a delivery that finally fails is audited.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import Truncator

from groupbuy.core.audit import audit_log_many
from groupbuy.core.transactions import after_commit
from groupbuy.notify.channels import added_channels
from groupbuy.notify.delivery import deliveries_attempt_many, delivery_attempt
from groupbuy.notify.models import Channel, Delivery, Invitation, Notification
from groupbuy.notify.selectors import (
    deliveries_operator_check,
    notification_get_for_user,
    notification_unread_count,
)
from groupbuy.notify.senders import recipient_language
from groupbuy.notify.tasks import delivery_queue
from groupbuy.realtime.publish import publish, user_group

logger = logging.getLogger(__name__)

TITLE_MAX_CHARS = Notification._meta.get_field("title").max_length
URL_MAX_CHARS = Notification._meta.get_field("url").max_length
KIND_MAX_CHARS = Notification._meta.get_field("kind").max_length


def default_channels(recipient, kind: str = "") -> list[str]:
    """The in-app inbox always, the channel the person chose in their profile, and
    every channel an app added that can reach them (web push once they allowed it);
    only the inbox for a kind they keep to it (``User.inbox_only_kinds``)."""
    channels = [Channel.IN_APP.value]
    if kind and kind in (getattr(recipient, "inbox_only_kinds", None) or ()):
        return channels
    preferred = getattr(recipient, "contact_channel", "") or ""
    if preferred in Channel.values and preferred not in channels:
        channels.append(preferred)
    for name, channel in added_channels().items():
        if channel.wants(recipient):
            channels.append(name)
    return channels


def _checked_channels(channels: Sequence[str]) -> list[str]:
    unknown = sorted(set(channels) - set(Channel.values) - set(added_channels()))
    if unknown:
        raise ValueError(f"unknown notification channels: {', '.join(unknown)}")
    return list(dict.fromkeys(channels))


def notification_enqueue(
    *,
    recipient,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    data: dict | None = None,
    channels: Sequence[str] | None = None,
    idempotency_key: str | None = None,
):
    """Queue a notification for ``recipient`` inside the caller's transaction.

    ``kind`` is dotted (``deals.deal.succeeded``); ``channels`` defaults to the
    in-app inbox plus the recipient's preferred channel (SMS or email). The inbox
    row is written whatever the channels; ``in_app`` adds the live WebSocket push.
    With an ``idempotency_key`` a second call with the same key adds nothing and
    returns None, so retried jobs notify exactly once.

    Pass ``title`` and ``body`` as lazy translations (``gettext_lazy``,
    ``format_lazy``, ``interpolate_lazy``): they are written in the recipient's
    language for SMS and e-mail, and kept in every site language for the inbox,
    which shows each reader the language they read the site in.
    """
    check_notification_fields(kind=kind, url=url)
    channel_list = _checked_channels(
        default_channels(recipient, kind) if channels is None else channels
    )
    return notification_write(
        recipient=recipient,
        kind=kind,
        title=title,
        body=body,
        url=url,
        data=data,
        channels=channel_list,
        idempotency_key=idempotency_key,
        language=recipient_language(recipient),
    )


def check_notification_fields(*, kind: str, url: str) -> None:
    """Refuse callers' programming errors before anything is written (a cut link
    would be a broken link)."""
    if not kind or len(kind) > KIND_MAX_CHARS:
        raise ValueError(f"kind must be 1 to {KIND_MAX_CHARS} characters: {kind!r}")
    if len(url) > URL_MAX_CHARS:
        raise ValueError(f"url is longer than {URL_MAX_CHARS} characters")


def notification_write(
    *,
    recipient,
    kind: str,
    title: str,
    body: str,
    url: str,
    data: dict | None,
    channels: list[str],
    idempotency_key: str | None,
    language: str,
    invitation: dict | None = None,
):
    """Write the inbox row, its deliveries (and invitation), hand over on commit.

    The one write path of ``notification_enqueue`` and ``notification_invite``.
    """
    check_notification_fields(kind=kind, url=url)
    if idempotency_key and _key_used(idempotency_key):
        return None
    title_text, body_text = _rendered(title, body, language)
    texts = {}
    for other_language, _name in settings.LANGUAGES:
        text = _rendered(title, body, other_language)
        if text != (title_text, body_text):
            texts[other_language] = {"title": text[0], "body": text[1]}
    try:
        # A savepoint, so a duplicate key raced in by another transaction leaves
        # the caller's transaction usable.
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                title=title_text,
                body=body_text,
                texts=texts,
                url=url,
                data=data or {},
                idempotency_key=idempotency_key or None,
            )
            if invitation is not None:
                Invitation.objects.create(notification=notification, **invitation)
            deliveries = Delivery.objects.bulk_create(
                Delivery(notification=notification, channel=channel)
                for channel in channels
            )
    except IntegrityError:
        if idempotency_key and _key_used(idempotency_key):
            return None
        raise
    batch = getattr(_current, "batch", None)
    if batch is not None:
        batch.items += [(delivery.pk, delivery.channel) for delivery in deliveries]
    else:
        for delivery in deliveries:
            after_commit(_hand_over, delivery.pk, delivery.channel)
    return notification


def delivery_add(notification: Notification, *, channel: str) -> Delivery:
    """Add a delivery to a notification written without it (an invitation held
    back), handed over on commit."""
    delivery = Delivery.objects.create(notification=notification, channel=channel)
    after_commit(_hand_over, delivery.pk, delivery.channel)
    return delivery


def _rendered(title, body, language: str) -> tuple[str, str]:
    """Lazy translations render in ``language``; plain strings stay as given."""
    with translation.override(language):
        return Truncator(str(title)).chars(TITLE_MAX_CHARS), str(body)


def _key_used(idempotency_key: str) -> bool:
    return Notification.objects.filter(idempotency_key=idempotency_key).exists()


def _never_raises(callback):
    """Log instead of raising: these run after the caller's commit, when the
    change they report has happened already; a lost hand-over is picked up by the
    sweep and a lost badge update by the next page load."""

    @functools.wraps(callback)
    def run(*args, **kwargs) -> None:
        try:
            callback(*args, **kwargs)
        except Exception:
            logger.exception("notify: %s failed after commit", callback.__name__)

    return run


class _HandOvers:
    """The deliveries written inside ``deliveries_handed_over_together``,
    handed over in one go when the transaction commits."""

    def __init__(self):
        self.items: list[tuple[int, str]] = []

    def __call__(self) -> None:
        _hand_over_many(self.items)


_current = threading.local()


@contextlib.contextmanager
def deliveries_handed_over_together() -> Iterator[None]:
    """Inside a transaction, hand every delivery written within over together
    at commit: a job notifying a hundred shoppers then claims and sends their
    in-app deliveries with a few statements instead of four each, and a
    hundred deliveries are not a hundred commits.

    A delivery whose savepoint rolled back stays in the list; its row does not
    exist, so its hand-over finds nothing to claim or send. Outside a
    transaction (or nested in another) it changes nothing.
    """
    if getattr(_current, "batch", None) is not None or not (
        transaction.get_connection().in_atomic_block
    ):
        yield
        return
    batch = _HandOvers()
    after_commit(batch)
    _current.batch = batch
    try:
        yield
    finally:
        _current.batch = None


@_never_raises
def _hand_over_many(items: list[tuple[int, str]]) -> None:
    in_app = [pk for pk, channel in items if channel == Channel.IN_APP]
    for delivery_id, channel in items:
        if channel != Channel.IN_APP:
            delivery_queue(delivery_id)
    if not in_app:
        return
    for delivery in deliveries_attempt_many(delivery_ids=in_app):
        if delivery.status == Delivery.Status.PENDING:
            delivery_queue(delivery.pk, not_before=delivery.next_attempt_at)


@_never_raises
def _hand_over(delivery_id: int, channel: str) -> None:
    # The in-app push is cheap and should feel instant, so it happens right here
    # rather than waiting for a worker to poll the queue; email and SMS talk to
    # slow providers and go to the workers. Either way the delivery row decides,
    # so nothing is sent twice.
    if channel != Channel.IN_APP:
        delivery_queue(delivery_id)
        return
    delivery = delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.PENDING:
        delivery_queue(delivery_id, not_before=delivery.next_attempt_at)


@_never_raises
def push_unread_count(user) -> None:
    publish(
        user_group(user.public_id),
        {"type": "notify.unread", "unread_count": notification_unread_count(user=user)},
    )


@transaction.atomic
def notification_mark_read(*, actor, notification_id: str) -> Notification:
    """Mark one of the actor's notifications read; marking it again changes nothing."""
    notification = notification_get_for_user(
        user=actor, notification_id=notification_id
    )
    if notification.read_at is not None:
        return notification
    now = timezone.now()
    marked = Notification.objects.filter(
        pk=notification.pk, read_at__isnull=True
    ).update(read_at=now)
    if marked:
        notification.read_at = now
        # Other open tabs and devices update their badge.
        after_commit(push_unread_count, actor)
    else:
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor) -> int:
    """Mark all of the actor's notifications read; return how many were unread."""
    marked = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        after_commit(push_unread_count, actor)
    return marked


@transaction.atomic
def delivery_retry_failed(
    *,
    actor,
    delivery_ids: Sequence[int] | None = None,
    channel: str | None = None,
) -> int:
    """Give failed deliveries a fresh set of attempts (after fixing the cause):
    those of ``delivery_ids``, or every failed one of ``channel``; return how
    many were failed. Deliveries in any other state are left alone, so a
    second retry (a double click, two operators at once) queues nothing again.
    Operators only (403)."""
    deliveries_operator_check(actor)
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    if delivery_ids is not None:
        failed = failed.filter(pk__in=list(delivery_ids))
    if channel is not None:
        failed = failed.filter(channel=channel)
    # Locked in pk order: a retry racing this one waits, then finds them
    # pending and leaves them alone.
    retried = list(
        failed.select_related("notification")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    Delivery.objects.filter(
        pk__in=[delivery.pk for delivery in retried], status=Delivery.Status.FAILED
    ).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        failed_at=None,
    )
    audit_log_many(
        actor=actor,
        entries=[
            (
                "notify.delivery.retried",
                delivery.notification,
                {"channel": delivery.channel, "previous_error": delivery.last_error},
            )
            for delivery in retried
        ],
    )
    for delivery in retried:
        after_commit(delivery_queue, delivery.pk)
    return len(retried)
