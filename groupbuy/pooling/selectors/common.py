"""What the pooling selectors share: the refusal of an object not found, and
a chat's paging and its authors' keys (pools' and contact requests' alike)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from groupbuy.core.ids import author_key
from groupbuy.core.times import api_time
from groupbuy.pooling.errors import PoolingError


def not_found() -> PoolingError:
    return PoolingError("not_found", _("Not found."), status=404)


CHAT_MAX_PAGE = 200  # the most messages the API gives at once


def chat_page_size() -> int:
    """Return the messages a chat shows at first and per "earlier messages"
    (``GROUPBUY_CHAT_PAGE_SIZE``, read at each call so that a test may set
    fewer)."""
    return max(1, min(settings.GROUPBUY_CHAT_PAGE_SIZE, CHAT_MAX_PAGE))


def chat_author_key(*, room, user_id: int) -> str:
    """The key of ``user_id``'s messages in ``room`` (a pool or a contact
    request): ``core.ids.author_key``, as a share's thread has its own."""
    return author_key(room=room, user_id=user_id)


def chat_marked_mine(messages: list[dict], *, room, user) -> str:
    """Mark each of a chat's ``messages`` (its history's payloads) ``is_mine``
    when ``user`` wrote it, by the author's key in ``room``, for a page to offer
    Report on the others' only and an API client to tell its own apart; return
    the reader's key."""
    mine = chat_author_key(room=room, user_id=user.pk)
    for message in messages:
        message["is_mine"] = message["author_key"] == mine
    return mine


def message_author_key(message) -> str:
    """``chat_author_key`` of a chat message's author in its room."""
    room = getattr(message, "pool", None) or message.contact
    return chat_author_key(room=room, user_id=message.author_id)


def chat_page(
    messages, author_of, *, room, before: str | None, limit: int | None
) -> list[dict]:
    """The last ``limit`` of ``messages`` (``room``'s), or the last ``limit``
    before the message ``before`` (its public id, 404 if not in the room),
    oldest first; ``limit`` None is ``chat_page_size()``."""
    if limit is None:
        limit = chat_page_size()
    if before is not None:
        anchor = messages.filter(public_id=before).first()
        if anchor is None:
            raise PoolingError(
                "not_found", _("No such message in this chat."), status=404
            )
        messages = messages.filter(
            Q(created_at__lt=anchor.created_at)
            | Q(created_at=anchor.created_at, id__lt=anchor.id)
        )
    page = messages.order_by("-created_at", "-id")[:limit]
    return [
        {
            "id": message.public_id,
            "author": author_of(message),
            "author_key": chat_author_key(room=room, user_id=message.author_id),
            "body": message_body_shown(message),
            "is_removed": message.removed_at is not None,
            "created_at": api_time(message.created_at),
        }
        for message in reversed(list(page))
    ]


def message_body_shown(message) -> str:
    """A chat message's text as its room shows it to everyone, its author
    included: one an operator hid is the platform's notice, one an erased
    person wrote is emptied (ops erasure)."""
    if message.removed_at is not None:
        return str(_("This message was removed by the platform."))
    return message.body or _("This message was deleted.")
