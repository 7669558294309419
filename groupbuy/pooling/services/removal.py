"""The platform hides a chat message after a report (moderation's Hide)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.core.transactions import after_commit
from groupbuy.pooling.live import publish_to_contact, publish_to_pool
from groupbuy.pooling.models import ChatMessage, ContactMessage
from groupbuy.pooling.selectors.common import message_body_shown
from groupbuy.realtime.language import in_each_language

REMOVED_EVENT = "pooling.chat.removed"


def _remove(*, actor, message, action: str, publish, room_id: str):
    """Hide ``message`` once (its text kept for the record): the room's pages
    open now replace it as it happens; the others show the notice on load."""
    removed = (
        type(message)
        .objects.filter(pk=message.pk, removed_at__isnull=True)
        .update(removed_at=timezone.now())
    )
    message.refresh_from_db(fields=["removed_at"])
    if removed:
        audit_log(actor=actor, action=action, obj=message)
        # the notice in each reader's language, not the operator's
        body = in_each_language(lambda: message_body_shown(message))
        event = {
            "type": REMOVED_EVENT,
            "message": {"id": message.public_id, "body": body},
        }
        after_commit(publish, room_id, event)
    return message


@transaction.atomic
def chat_message_remove(*, actor, message: ChatMessage) -> ChatMessage:
    """Hide a pool chat's message from its members (an operator acting on a
    report; the caller checked); hiding it again changes nothing."""
    return _remove(
        actor=actor,
        message=message,
        action="pooling.chat.removed",
        publish=publish_to_pool,
        room_id=message.pool.public_id,
    )


@transaction.atomic
def contact_message_remove(*, actor, message: ContactMessage) -> ContactMessage:
    """Hide a contact chat's message from its two sides (an operator acting on
    a report; the caller checked); hiding it again changes nothing."""
    return _remove(
        actor=actor,
        message=message,
        action="pooling.contact.message_removed",
        publish=publish_to_contact,
        room_id=message.contact.public_id,
    )
