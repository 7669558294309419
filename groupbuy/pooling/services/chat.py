from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.times import api_time
from groupbuy.core.transactions import after_commit
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.live import publish_to_pool
from groupbuy.pooling.models import ChatMessage, Pool
from groupbuy.pooling.selectors.common import message_author_key

MAX_MESSAGE_CHARS = ChatMessage._meta.get_field("body").max_length
MAX_CLIENT_KEY_CHARS = ChatMessage._meta.get_field("client_key").max_length


def message_payload(message: ChatMessage, *, author_name: str | dict) -> dict:
    """A message of a pool's or a contact's chat as its room is sent it live
    (``author_name`` in each language, ``realtime.language``) or its poster
    is answered."""
    return {
        "id": message.public_id,
        "author": author_name,
        "author_key": message_author_key(message),
        "body": message.body,
        "created_at": api_time(message.created_at),
    }


def left_pool() -> PoolingError:
    """The refusal of what only members still in a pool may do."""
    return PoolingError("left_pool", _("You left this pool."), status=403)


def checked_message_body(body: str) -> str:
    """The message as posted, stripped; 400 when empty or too long."""
    text = (body or "").strip()
    if not text or len(text) > MAX_MESSAGE_CHARS:
        why = _("A message has 1 to %(max)d characters.") % {"max": MAX_MESSAGE_CHARS}
        raise PoolingError(
            "invalid",
            why,
            fields={"body": [why]},
        )
    return text


def message_store_once(model, *, room: dict, author, body: str, client_key: str):
    """Store a message in a room (``room``: its field, as ``{"pool": pool}``);
    return it and whether it is new. A message sent again with the same
    ``client_key`` (a double click, a retried request) is the one stored the
    first time, whatever its body."""
    key = (client_key or "").strip()[:MAX_CLIENT_KEY_CHARS]
    if key:
        existing = model.objects.filter(**room, author=author, client_key=key).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():  # a savepoint: a raced resend finds the first
            message = model.objects.create(
                **room, author=author, body=body, client_key=key
            )
    except IntegrityError:
        if not key:
            raise
        return model.objects.get(**room, author=author, client_key=key), False
    return message, True


def chat_post(*, actor, pool: Pool, body: str, client_key: str = "") -> ChatMessage:
    """Post to the chat of a confirmed pool I am in; sent again with the same
    ``client_key``, the message is stored (and announced) once."""
    from groupbuy.pooling.selectors import chat_label_in_each_language

    text = checked_message_body(body)
    with transaction.atomic():
        member = pool.members.filter(user=actor).first()
        if member is None:
            raise PoolingError("not_found", _("No such pool."), status=404)
        if member.answer == member.Answer.LEFT:
            raise left_pool()
        if pool.state != Pool.State.CONFIRMED:
            raise PoolingError(
                "not_confirmed",
                _("The chat opens once every member has accepted."),
                status=409,
            )
        message, is_new = message_store_once(
            ChatMessage,
            room={"pool": pool},
            author=actor,
            body=text,
            client_key=client_key,
        )
        if not is_new:
            return message
        audit_log(
            actor=actor,
            action="pooling.chat.posted",
            obj=pool,
            data={"message": message.public_id},
        )
        # each member's page names the author in its reader's language
        author_name = chat_label_in_each_language(pool=pool, user=actor)
        event = {
            "type": "pooling.chat",
            "message": message_payload(message, author_name=author_name),
        }
        after_commit(publish_to_pool, pool.public_id, event)
    return message
