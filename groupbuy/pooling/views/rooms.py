"""A pool and a contact request: answering them, and their chats."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.pooling import selectors, services
from groupbuy.web.views.common import domain_errors_as_http


@login_required
@domain_errors_as_http
def contact(request, contact_id: str):
    """A contact request: the answer buttons for its recipient, and once
    accepted both numbers and a chat between the two sides."""
    contact = _contact(request, contact_id)
    # an ended conversation's history stays readable, its chat takes no more
    chat_shown = contact.state in (contact.State.ACCEPTED, contact.State.ENDED)
    return render(
        request,
        "pooling/contact.html",
        {
            "contact": selectors.contact_row(contact=contact, viewer=request.user),
            **_chat_context(
                request,
                lambda before: (
                    selectors.contact_chat_history(contact=contact, before=before)
                    if chat_shown
                    else []
                ),
                room=contact,
            ),
        },
    )


def _act(request, room, action) -> None:
    """Run ``action`` on ``room`` (a pool or a contact request); a refusal
    becomes a message on the page the view redirects to."""
    try:
        action(room)
    except DomainError as error:
        messages.error(request, error.message)


def _contact(request, contact_id: str):
    return selectors.contact_get_for_user(user=request.user, contact_id=contact_id)


def _pool(request, pool_id: str):
    return selectors.pool_get_for_member(user=request.user, pool_id=pool_id)


@login_required
@domain_errors_as_http
@require_POST
def contact_answer(request, contact_id: str):
    accept = request.POST.get("answer") == "accept"
    _act(
        request,
        _contact(request, contact_id),
        lambda contact: services.contact_answer(
            actor=request.user, contact=contact, accept=accept
        ),
    )
    return redirect("pooling:contact", contact_id)


@login_required
@domain_errors_as_http
@require_POST
def contact_chat(request, contact_id: str):
    """Post a chat message (the page without JavaScript; chat.js uses the API)."""
    body, key = request.POST.get("body", ""), request.POST.get("client_key", "")
    _act(
        request,
        _contact(request, contact_id),
        lambda contact: services.contact_chat_post(
            actor=request.user, contact=contact, body=body, client_key=key
        ),
    )
    return redirect("pooling:contact", contact_id)


def _chat_context(request, history, *, room) -> dict:
    """A chat's messages (``room``'s, a pool or a contact request) for the
    page: the last ones, or with ``?before=`` (the "earlier messages" link
    without JavaScript) the ones before that message; ``chat_earlier`` when
    there may be more before them. ``chat_me``: the key of the reader's own
    messages there, for the page and its script to offer Report on the
    others' only."""
    messages = history(request.GET.get("before") or None)
    me = selectors.chat_marked_mine(messages, room=room, user=request.user)
    for message in messages:  # the page shows when each was sent, local time
        message["sent_at"] = parse_datetime(message["created_at"])
    return {
        "messages_": messages,
        "chat_me": me,
        # The form's key for its next message: sent twice, it is stored once.
        "chat_client_key": uuid.uuid4().hex,
        "chat_page": selectors.chat_page_size(),
        "chat_earlier": len(messages) >= selectors.chat_page_size(),
    }


@login_required
@domain_errors_as_http
def pool(request, pool_id: str):
    """A suggestion (accept / decline) or a confirmed pool with its chat."""
    pool = _pool(request, pool_id)
    view = selectors.pool_view(pool=pool, viewer=request.user)
    return render(
        request,
        "pooling/pool.html",
        {
            **view,
            **_chat_context(
                request,
                lambda before: (
                    selectors.chat_history(pool=pool, before=before)
                    if pool.state == pool.State.CONFIRMED
                    and not selectors.member_has_left(pool=pool, user=request.user)
                    else []
                ),
                room=pool,
            ),
        },
    )


@login_required
@domain_errors_as_http
@require_POST
def pool_answer(request, pool_id: str):
    accept = request.POST.get("answer") == "accept"
    _act(
        request,
        _pool(request, pool_id),
        lambda pool: services.pool_answer(actor=request.user, pool=pool, accept=accept),
    )
    return redirect("pooling:pool", pool_id)


@login_required
@domain_errors_as_http
@require_POST
def pool_phone(request, pool_id: str):
    agree = request.POST.get("agree") == "1"
    _act(
        request,
        _pool(request, pool_id),
        lambda pool: services.pool_phone_consent(
            actor=request.user, pool=pool, agree=agree
        ),
    )
    return redirect("pooling:pool", pool_id)


@login_required
@domain_errors_as_http
@require_POST
def pool_chat(request, pool_id: str):
    """Post a chat message (the page without JavaScript; chat.js uses the API)."""
    body, key = request.POST.get("body", ""), request.POST.get("client_key", "")
    _act(
        request,
        _pool(request, pool_id),
        lambda pool: services.chat_post(
            actor=request.user, pool=pool, body=body, client_key=key
        ),
    )
    return redirect("pooling:pool", pool_id)


@login_required
@domain_errors_as_http
@require_POST
def pool_leave(request, pool_id: str):
    """Leave a confirmed pool (asked once more on the page first)."""
    _act(
        request,
        _pool(request, pool_id),
        lambda pool: services.pool_leave(actor=request.user, pool=pool),
    )
    return redirect("pooling:pool", pool_id)


@login_required
@domain_errors_as_http
@require_POST
def contact_end(request, contact_id: str):
    """End the conversation of an accepted contact request (asked once more on
    the page first)."""
    _act(
        request,
        _contact(request, contact_id),
        lambda contact: services.contact_end(actor=request.user, contact=contact),
    )
    return redirect("pooling:contact", contact_id)


@login_required
@domain_errors_as_http
@require_POST
def contact_reopen(request, contact_id: str):
    """Open again a conversation I ended."""
    _act(
        request,
        _contact(request, contact_id),
        lambda contact: services.contact_reopen(actor=request.user, contact=contact),
    )
    return redirect("pooling:contact", contact_id)
