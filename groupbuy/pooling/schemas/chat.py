"""The shapes of a chat's messages, a pool's or a contact request's."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.pagination import default_from_setting_now
from groupbuy.pooling.selectors.common import CHAT_MAX_PAGE, chat_page_size


class MessageIn(Schema):
    body: str = Field(max_length=2000)
    # A key the client makes for each message: the same key sent again (a
    # double click, a retry) returns the message stored the first time.
    client_key: str = Field("", max_length=64)


class MessageOut(Schema):
    id: str
    author: str
    # the same on all of one author's messages in this chat, another in every
    # other chat; opaque (it names no account)
    author_key: str
    # whether I wrote it (the API's own answers; a socket event has no reader)
    is_mine: bool = False
    body: str
    # hidden by the platform's operators after a report: ``body`` is a notice
    is_removed: bool = False
    created_at: datetime


class MessagesIn(Schema):
    before: str | None = Field(
        None, max_length=40, description="a message's id: the messages before it"
    )
    limit: int = Field(
        # The document's default: the setting when the process started.
        chat_page_size(),
        ge=1,
        le=CHAT_MAX_PAGE,
        description="At most this many messages.",
    )

    _limit_now = default_from_setting_now("limit", chat_page_size)
