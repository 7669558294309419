"""Threads: listing, reading, replying, marking read, sending held invitations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.core.times import api_time
from groupbuy.sharing import selectors, services
from groupbuy.sharing.presenters import shares_as_dicts, thread_as_dict
from groupbuy.sharing.schemas import (
    HeldInvitationsOut,
    ThreadMessageOut,
    ThreadOut,
    ThreadPageOut,
    ThreadReadOut,
)

router = Router()


class ThreadMessageIn(Schema):
    body: str = ""
    product_id: str = Field(
        "", description="A product (`prd_…`) to attach to the message."
    )
    client_key: str = Field("", max_length=64)


class ThreadListIn(PageIn):
    # "received": others' shares to me; "sent": mine; empty: both.
    box: Literal["", "received", "sent"] = Field(
        "", description='`received`: others\' shares to me; `sent`: mine; "": both.'
    )


@router.get("/threads", response=ThreadPageOut)
def thread_list(request, query: Query[ThreadListIn]):
    """The shares I sent or received (``box=received`` or ``sent`` for one of
    them), latest activity first; ``is_new`` for a share I have not opened,
    ``unread_count`` for the replies of others since I last read the thread."""
    result = paginate(
        selectors.thread_list_for_user(user=request.auth, box=query.box),
        page=query.page,
        page_size=query.page_size,
    )
    items = [
        {
            **shared,
            "is_new": share.my_last_read_at is None,
            "unread_count": share.unread_count,
        }
        for share, shared in zip(
            result.items, shares_as_dicts(result.items), strict=True
        )
    ]
    return {**page_payload(result, items), "has_next": result.has_next}


@router.get("/threads/{share_id}", response=ThreadOut)
def thread_detail(request, share_id: str):
    """A share with its card, participants, replies and read receipts."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    return thread_as_dict(share, viewer=request.auth)


@router.post("/threads/{share_id}/invitations", response=HeldInvitationsOut)
def thread_invitations_send(request, share_id: str):
    """Send the invitations my share held back at my daily limit, as many as
    it allows now (each number or address within its own cap); again, none
    twice. The sharer's only (403 to anyone else)."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    result = services.share_invitations_send_held(actor=request.auth, share=share)
    return asdict(result)


@router.post("/threads/{share_id}/messages", response={201: ThreadMessageOut})
def message_post(request, share_id: str, payload: ThreadMessageIn):
    """Reply in a thread, optionally attaching another product's card."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    product = None
    if payload.product_id:
        with id_in_request("product_id"):
            product = selectors.product_get_shareable(product_id=payload.product_id)
    message = services.message_post(
        actor=request.auth,
        share=share,
        body=payload.body,
        product=product,
        client_key=payload.client_key,
    )
    # the author's own reply, also when a retry gets the one stored first
    return Status(201, {**selectors.message_as_event(message), "is_mine": True})


@router.post("/threads/{share_id}/read", response=ThreadReadOut)
def thread_read(request, share_id: str):
    """Mark the thread read (the others see the receipt)."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    participant = services.thread_mark_read(actor=request.auth, share=share)
    return {"read_at": api_time(participant.last_read_at)}
