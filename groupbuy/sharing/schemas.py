"""What the sharing API answers: shares, their threads and replies.

Until 2026-12-06 these answers were documented as "any object", so a client
written from the OpenAPI document could not know a share's id or a reply's
author (docs/api.md, "Sharing").
"""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import PageOut
from groupbuy.deals.models import Deal
from groupbuy.sharing.models import Participant


class ShareCardOut(Schema):
    product_id: str
    name: str
    spec: str
    thumbnail_url: AbsoluteUrl
    price_fen: int | None
    deal_id: str
    deal_title: str
    # the group buy's shown_state; "" when the card shows no group buy
    deal_state: str = answer_choices(Deal.State, "scheduled", "")
    deal_state_label: str
    deadline_at: datetime | None
    code: str
    url: AbsoluteUrl
    target_url: AbsoluteUrl


class ShareOut(Schema):
    """A share as its sender and recipients read it."""

    id: str
    sender: str
    product: str
    comment: str
    url: AbsoluteUrl
    voice_note_url: AbsoluteUrl
    created_at: datetime
    last_activity_at: datetime
    card: ShareCardOut


class ShareSentOut(ShareOut):
    """A share as its sender reads it when sending it."""

    recipients_not_texted: int = Field(
        description="Recipients without an account who were sent no invitation "
        "(SMS or e-mail) because my shares reached today's limit "
        "(GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY, 50 in any 24 hours); they "
        "see the share if they sign up with that number. Members are told in "
        "the app whatever the limit."
    )


class ThreadListItemOut(ShareOut):
    # a share I have not opened yet
    is_new: bool
    # replies of others since I last read the thread
    unread_count: int


class ThreadPageOut(PageOut):
    items: list[ThreadListItemOut]
    has_next: bool


class ProductBriefOut(Schema):
    id: str
    name: str
    url: AbsoluteUrl


class ThreadMessageOut(Schema):
    """A reply, as posted and as the live ``sharing.message`` event gives it."""

    id: str
    share: str
    author_name: str
    # the same for all of one person's replies in this thread (and no other),
    # opaque: it names no account. "author", their account id, until 2026-12-07.
    author_key: str
    # whether I wrote it (each reader's own copy of the live event says too)
    is_mine: bool
    body: str
    product: ProductBriefOut | None
    # hidden by an operator after a report: ``body`` is the platform's notice
    is_removed: bool
    created_at: datetime


class ThreadMessageReadOut(ThreadMessageOut):
    # who has read past this reply, as the reader names them: neither its
    # author nor the reader asking
    read_by: list[str]


class ParticipantOut(Schema):
    # The ``author_key`` of their replies in this thread (and the
    # ``reader_key`` of their live read receipts); "" for a recipient reached
    # by a number until they reply. "id", their account id, until 2026-12-07.
    author_key: str
    name: str
    role: str = answer_choices(Participant.Role)
    has_joined: bool
    last_read_at: datetime | None
    # The sender's to know ("" to the others): a recipient without an account
    # whose invitation went out, or was held back at the sender's daily limit
    # (POST /threads/{id}/invitations sends it later).
    invitation_status: str = answer_choices(Participant.Invitation)


class HeldInvitationsOut(Schema):
    sent: int = Field(description="Invitations sent now.")
    held_by_daily_limit: int = Field(
        description="Still held: my shares reached today's limit again "
        "(GROUPBUY_SHARING_INVITATION_TEXTS_PER_DAY, texts and e-mails alike)."
    )
    held_by_address_limit: int = Field(
        description="Still held: their number or address was sent as many "
        "invitations as a day allows (GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY)."
    )


class ThreadOut(ShareOut):
    participants: list[ParticipantOut]
    messages: list[ThreadMessageReadOut]


class ThreadReadOut(Schema):
    read_at: datetime


class PushSubscribedOut(Schema):
    subscribed: bool


class PushRemovedOut(Schema):
    removed: bool
