"""Buyers of a product, and the contact requests between them with their chat."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.catalog.models import Product
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.pooling import selectors, services
from groupbuy.pooling.api.common import page_of
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.schemas import (
    AnswerIn,
    BuyerPage,
    BuyersIn,
    ContactIn,
    ContactOut,
    ContactPage,
    MessageIn,
    MessageOut,
    MessagesIn,
)
from groupbuy.pooling.services.chat import message_payload
from groupbuy.pooling.services.contacts import chat_not_open

router = Router()


@router.get("/buyers", response=BuyerPage)
def buyers(request, filters: Query[BuyersIn]):
    """Who plans to buy a product before a date (only those who opted in,
    named "Shopper 1", "Shopper 2"… with no part of their number), a page at
    a time."""
    result = paginate(
        selectors.buyers_of_product(
            user=request.auth, product_id=filters.product_id, before=filters.before
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, selectors.buyer_rows(result, viewer=request.auth))


def _contact_row(user, contact_id: str) -> dict:
    contact = selectors.contact_get_for_user(user=user, contact_id=contact_id)
    return selectors.contact_row(contact=contact, viewer=user)


@router.post("/contacts", response={201: ContactOut})
def contact_request(request, payload: ContactIn):
    """Ask a shopper from the buyers list to exchange contacts."""
    with id_in_request("product_id"):
        product = Product.objects.filter(public_id=payload.product_id).first()
        if product is None:
            raise PoolingError("not_found", _("No such product."), status=404)
    with id_in_request("cart_id"):
        cart = selectors.cart_get_discoverable(cart_id=payload.cart_id)
    contact = services.contact_request(actor=request.auth, cart=cart, product=product)
    return Status(201, _contact_row(request.auth, contact.public_id))


@router.get("/contacts", response=ContactPage)
def my_contacts(request, paging: Query[PageIn]):
    """My contact requests, sent and received, newest first; numbers shown once
    accepted."""
    return page_of(
        selectors.contacts_for_user(user=request.auth),
        paging,
        lambda contact: selectors.contact_row(contact=contact, viewer=request.auth),
    )


@router.post("/contacts/{contact_id}/answer", response=ContactOut)
def contact_answer(request, contact_id: str, payload: AnswerIn):
    """Accept or decline a contact request made to me."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_answer(actor=request.auth, contact=contact, accept=payload.accept)
    return _contact_row(request.auth, contact_id)


@router.post("/contacts/{contact_id}/end", response=ContactOut)
def contact_end(request, contact_id: str):
    """End the conversation of an accepted contact request: its chat closes
    for both sides (the history stays readable); ending it twice changes
    nothing."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_end(actor=request.auth, contact=contact)
    return _contact_row(request.auth, contact_id)


@router.post("/contacts/{contact_id}/reopen", response=ContactOut)
def contact_reopen(request, contact_id: str):
    """Open again a conversation I ended: its chat opens and the numbers are
    shown again, the other side is told; only the side who ended it may (409
    for the other), and opening it again twice changes nothing."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_reopen(actor=request.auth, contact=contact)
    return _contact_row(request.auth, contact_id)


@router.get("/contacts/{contact_id}/messages", response=list[MessageOut])
def contact_messages(request, contact_id: str, paging: Query[MessagesIn]):
    """The chat with the other side of an accepted contact request: its last
    messages, oldest first; ``before`` a message's id for the ones before it."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    if contact.state not in (contact.State.ACCEPTED, contact.State.ENDED):
        raise chat_not_open()  # an ended chat's history stays readable
    history = selectors.contact_chat_history(
        contact=contact, before=paging.before, limit=paging.limit
    )
    selectors.chat_marked_mine(history, room=contact, user=request.auth)
    return history


@router.post("/contacts/{contact_id}/messages", response={201: MessageOut})
def contact_message_post(request, contact_id: str, payload: MessageIn):
    """Post to an accepted contact request's chat; a ``client_key`` sent again stores
    nothing more."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    message = services.contact_chat_post(
        actor=request.auth,
        contact=contact,
        body=payload.body,
        client_key=payload.client_key,
    )
    return Status(
        201,
        {
            **message_payload(
                message,
                author_name=selectors.contact_author_label(
                    contact=contact, user=request.auth
                ),
            ),
            "is_mine": True,
        },
    )
