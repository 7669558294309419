"""A share's reply thread: posting and reading."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.times import api_time
from groupbuy.core.transactions import after_commit
from groupbuy.notify.selectors import notification_list_for_user
from groupbuy.notify.senders import recipient_language
from groupbuy.notify.services import notification_mark_read
from groupbuy.realtime import publish
from groupbuy.realtime.language import in_each_language
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import (
    Message,
    Participant,
    Share,
)
from groupbuy.sharing.services.limits import check_text
from groupbuy.sharing.webpush import push_to_user

# --- threads ------------------------------------------------------------------


def _thread_participants(share: Share) -> list:
    return list(share.participants.filter(user__isnull=False).select_related("user"))


@transaction.atomic
def message_post(
    *, actor, share: Share, body: str, product=None, client_key: str = ""
) -> Message:
    """Reply in a share's thread (the caller checked ``actor`` takes part)."""
    from groupbuy.sharing.selectors import message_as_event, participant_for

    participant_for(user=actor, share=share)  # 403 for anyone else
    body = check_text(body, field="body")
    if not body and product is None:
        raise SharingError(
            "empty_reply",
            _("Write something or attach a product."),
            fields={"body": [_("Required.")]},
        )
    if client_key:
        existing = Message.objects.filter(
            share=share, author=actor, client_key=client_key
        ).first()
        if existing is not None:
            return existing
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a raced resend finds the first
            message = Message.objects.create(
                share=share,
                author=actor,
                body=body,
                product=product,
                client_key=client_key[:64],
                created_at=now,
            )
    except IntegrityError:
        if not client_key:
            raise
        return Message.objects.get(share=share, author=actor, client_key=client_key)
    Share.objects.filter(pk=share.pk).update(last_activity_at=now)
    # Replying is choosing to speak: from now on the others see the name.
    Participant.objects.filter(share=share, user=actor).update(
        last_read_at=now, is_name_shown=True
    )
    # Replying reads the thread, so it reads the share's inbox item too.
    _share_notifications_mark_read(actor=actor, share=share)
    url = reverse("sharing:thread", args=[share.public_id])
    participants = _thread_participants(share)
    author = next(p for p in participants if p.user_id == actor.pk)
    events: dict[str, dict] = {}
    for participant in participants:
        language = recipient_language(participant.user)
        if language not in events:
            # An attached product is named in each reader's language.
            with translation.override(language):
                events[language] = message_as_event(message)
        is_author = participant.user_id == actor.pk
        # Each reader's own copy names the author as they see them: the
        # sender by their own name for the contact, if they gave one, which
        # no one else's copy carries.
        author_name = author.label_for(participant.user)
        publish(
            user_group(participant.user.public_id),
            _message_event(
                {**events[language], "author_name": author_name},
                message,
                is_author=is_author,
            ),
        )
        if not is_author:
            push = {"title": author_name, "body": body, "url": url}
            after_commit(push_to_user, participant.user_id, push)
    audit_log(actor=actor, action="sharing.message.posted", obj=message)
    return message


def _message_event(message_event: dict, message: Message, *, is_author: bool) -> dict:
    if not is_author:
        return {
            "type": "sharing.message",
            "message": {**message_event, "is_mine": False},
        }
    # The author's pages match the event to the reply they show as pending by
    # its client key: the event may arrive before the POST's answer.
    return {
        "type": "sharing.message",
        "message": {**message_event, "is_mine": True, "client_key": message.client_key},
    }


@transaction.atomic
def thread_mark_read(*, actor, share: Share) -> Participant:
    """Note that ``actor`` has read the thread up to now; tell the others."""
    from groupbuy.sharing.selectors import participant_for

    participant = participant_for(user=actor, share=share)
    now = timezone.now()
    participant.last_read_at = now
    participant.save(update_fields=["last_read_at"])
    _share_notifications_mark_read(actor=actor, share=share)
    event = {
        "type": "sharing.read",
        "share": share.public_id,
        # Who read: the key of their replies in this thread, for a page to
        # leave those out of what they read; only once they are named
        # (``Participant.key_for``). Until 2026-12-07 "reader", their account id.
        "reader_key": participant.key_for(None),
        "read_at": api_time(now),
    }
    for other in _thread_participants(share):
        if other.user_id != actor.pk:
            # Each copy names the reader as that person's "Read by" does (the
            # sender's own name for the contact, the masked number of someone
            # not named), for their page to add it to the replies read.
            reader_name = participant.label_for(other.user)
            publish(
                user_group(other.user.public_id),
                {**event, "reader_name": reader_name},
            )
    return participant


def _share_notifications_mark_read(*, actor, share: Share) -> None:
    """Read ``actor``'s inbox notification of ``share`` ("… shared … with
    you"): opening the thread or replying reads it, as it clears the Shared
    list's badge."""
    unread = (
        notification_list_for_user(user=actor)
        .filter(
            kind="sharing.share.received",
            data__share=share.public_id,
            read_at__isnull=True,
        )
        .values_list("public_id", flat=True)
    )
    for notification_id in list(unread):
        notification_mark_read(actor=actor, notification_id=notification_id)


@transaction.atomic
def message_remove(*, actor, message: Message) -> Message:
    """Hide a reply from its thread (an operator acting on a report; the caller
    checked): its text is kept for the record, the thread shows a notice."""
    removed = Message.objects.filter(pk=message.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )
    message.refresh_from_db(fields=["removed_at"])
    if removed:
        audit_log(actor=actor, action="sharing.message.removed", obj=message)
        _removal_publish(message)
    return message


REMOVED_EVENT = "sharing.message.removed"


def _removal_publish(message: Message) -> None:
    """Tell the participants' pages open now (after commit) to put the notice
    in the reply's place, in each reader's language (the socket's, ws/me/)."""
    from groupbuy.sharing.selectors import message_body_shown

    event = {
        "type": REMOVED_EVENT,
        "message": {
            "id": message.public_id,
            "share": message.share.public_id,
            "body": in_each_language(lambda: message_body_shown(message)),
        },
    }
    for participant in _thread_participants(message.share):
        publish(user_group(participant.user.public_id), event)
