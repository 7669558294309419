"""Sharing over the JSON API (/api/sharing/…): cards, contacts, shares, threads."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Literal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Discriminator, Tag

from groupbuy.core.api_answers import file_answer
from groupbuy.core.api_types import answer_choices
from groupbuy.core.errors import id_in_request
from groupbuy.core.idempotency import (
    IDEMPOTENCY_KEY_PATTERN,
    idempotency_key_header,
    idempotency_key_sent,
)
from groupbuy.core.pagination import (
    PageIn,
    page_payload,
    paginate,
)
from groupbuy.core.streaming import file_response
from groupbuy.core.times import api_time
from groupbuy.sharing import selectors, services, webpush
from groupbuy.sharing.contacts import (
    Contact,
    members_by_hash,
    typed_numbers_parse,
    typed_numbers_split,
    vcard_max_bytes,
    vcard_parse,
    vcard_too_large_error,
)
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import ContactBook, Share
from groupbuy.sharing.presenters import share_as_dict, shares_as_dicts, thread_as_dict
from groupbuy.sharing.schemas import (
    HeldInvitationsOut,
    PushRemovedOut,
    PushSubscribedOut,
    ShareCardOut,
    ShareSentOut,
    ThreadMessageOut,
    ThreadOut,
    ThreadPageOut,
    ThreadReadOut,
)
from groupbuy.sharing.sending import share_send_within_limits
from groupbuy.sharing.throttle import (
    match_daily_check,
    match_rate_check,
    match_size_check,
)
from groupbuy.sharing.voice import VOICE_NOTE_TYPES

router = Router(tags=["sharing"])

# Generous: the service answers "at most 500" with a clear message, not a 422.
MAX_LISTED_NUMBERS = 100_000
# Far past any real one (a name is cut to 120): only a request that is not a
# contact's gets a 422.
MAX_ADDRESS_CHARS = 320
MAX_NAME_CHARS = 1_000


class ContactNumbersIn(Schema):
    numbers: list[str] = Field(..., max_length=MAX_LISTED_NUMBERS)


class ContactMatchOut(Schema):
    """One of the caller's own contacts: the name they gave it, its number as
    they sent it (empty in a stored book, which keeps none) and whether it is
    a member's. Never the member's own name or id: knowing a number must not
    tell who has it."""

    name: str
    phone: str
    is_member: bool


class ContactBookOut(Schema):
    id: str
    source: str = answer_choices(ContactBook.Source)
    created_at: datetime
    expires_at: datetime
    contacts: list[ContactMatchOut]


class RecipientIn(Schema):
    """One number or e-mail address with the sender's own name for it, which
    only the sender sees (at most 120 characters are kept, control characters
    dropped)."""

    address: str = Field(..., max_length=MAX_ADDRESS_CHARS)
    name: str = Field("", max_length=MAX_NAME_CHARS)


def _recipient_kind(item: object) -> str:
    return "contact" if isinstance(item, dict) else "text"


# Told apart by their type, so that a bad item is explained once, as what it
# is ("recipients.0.contact.name: …"), not as both a bad string and object.
RecipientItem = Annotated[
    Annotated[str, Tag("text")] | Annotated[RecipientIn, Tag("contact")],
    Discriminator(_recipient_kind),
]


class ShareSendIn(Schema):
    product_id: str = ""
    deal_id: str = ""
    # A string may hold several numbers, as pasted; an object, one with its name.
    recipients: list[RecipientItem] = Field(
        default_factory=list, max_length=MAX_LISTED_NUMBERS
    )
    member_ids: list[str] = Field(default_factory=list, max_length=MAX_LISTED_NUMBERS)
    comment: str = ""
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per share sent (a UUID fits; or in the "
            "Idempotency-Key header, which must then agree): sent again with the "
            "same request, it answers the share the first one sent (200) and "
            "sends nothing more; with another product, group buy, recipients, "
            "comment or voice note, a 409 idempotency_key_reused."
        ),
    )


class ThreadMessageIn(Schema):
    body: str = ""
    product_id: str = ""
    client_key: str = Field("", max_length=64)


def _matches(request, contacts: list[Contact]) -> list[dict]:
    """Whether each of the caller's contacts is a member's number, after the
    limits on matching."""
    match_size_check(len(contacts))
    match_rate_check(request, numbers=len(contacts))
    hashes = [contact.address_hash for contact in contacts]
    match_daily_check(request, hashes=hashes)
    members = members_by_hash(hashes)
    return [
        # The caller sent these numbers: they get them back, to share by number.
        {"name": contact.name, "phone": contact.address, "is_member": digest in members}
        for contact, digest in zip(contacts, hashes, strict=True)
    ]


@router.get("/cards/products/{product_id}", response=ShareCardOut, auth=None)
def product_card(request, product_id: str):
    """The card of a product (with its open group buy, if any) and its short link."""
    product = selectors.product_get_shareable(product_id=product_id)
    return selectors.product_card(product=product).as_dict()


@router.get("/cards/deals/{deal_id}", response=ShareCardOut, auth=None)
def deal_card(request, deal_id: str):
    """The card of a group buy and its short link."""
    deal = selectors.deal_get_shareable(deal_id=deal_id)
    return selectors.product_card(product=deal.product, deal=deal).as_dict()


@router.post("/contacts/match", response=list[ContactMatchOut])
def contacts_match(request, payload: ContactNumbersIn):
    """Tell which of my typed numbers are members' (limited; names no one)."""
    match_size_check(len(payload.numbers))
    numbers = typed_numbers_split(payload.numbers)
    match_size_check(len(numbers))
    contacts = typed_numbers_parse(numbers)
    return _matches(request, contacts)


@router.post("/contacts/books", response={201: ContactBookOut})
def contact_book_import(request, file: File[UploadedFile]):
    """Import a vCard address book (replacing the previous one)."""
    if file.size > vcard_max_bytes():
        raise vcard_too_large_error()
    contacts = vcard_parse(file.read())
    matches = _matches(request, contacts)
    book = services.contact_book_import(
        actor=request.auth, contacts=contacts, source=ContactBook.Source.VCARD
    )
    return Status(
        201,
        {
            "id": book.public_id,
            "source": book.source,
            "created_at": book.created_at,
            "expires_at": book.expires_at,
            "contacts": matches,
        },
    )


@router.get("/contacts/books/current", response=ContactBookOut)
def contact_book_current(request):
    """My imported address book: names and members, no numbers kept."""
    book = selectors.contact_book_for_user(user=request.auth)
    if book is None:
        raise SharingError("not_found", _("No address book imported."), status=404)
    return {
        "id": book.public_id,
        "source": book.source,
        "created_at": book.created_at,
        "expires_at": book.expires_at,
        "contacts": [
            {
                "name": entry.name,
                "phone": "",
                "is_member": entry.member_id is not None,
            }
            for entry in book.entries.order_by("name", "pk")
        ],
    }


@router.delete("/contacts/books/{book_id}", response={204: None})
def contact_book_delete(request, book_id: str):
    """Delete my imported address book now."""
    services.contact_book_delete(actor=request.auth, book_id=book_id)
    return Status(204, None)


def _recipients_with_names(
    items: list[str | RecipientIn],
) -> tuple[list[str], dict[str, str]]:
    """The numbers in the order sent, and the sender's names for some of them."""
    numbers: list[str] = []
    names: dict[str, str] = {}
    for item in items:
        if isinstance(item, str):
            # a string may hold several numbers, as pasted ("138…，139…")
            numbers.extend(typed_numbers_split(item))
        else:
            numbers.append(item.address)
            names.setdefault(item.address, item.name)
    return numbers, names


def _share_send(request, payload: ShareSendIn, *, voice_note=None) -> Share:
    key = idempotency_key_sent(request, payload.idempotency_key)
    if payload.deal_id:
        with id_in_request("deal_id"):
            deal = selectors.deal_get_shareable(deal_id=payload.deal_id)
        product = deal.product
        if payload.product_id and payload.product_id != product.public_id:
            # Sharing the group buy would not be sharing the product asked for.
            raise SharingError(
                "deal_mismatch",
                _("That group buy is for another product."),
                fields={"product_id": [payload.product_id]},
            )
    else:
        deal = None
        with id_in_request("product_id"):
            product = selectors.product_get_shareable(product_id=payload.product_id)
    numbers, names = _recipients_with_names(payload.recipients)
    return share_send_within_limits(
        request,
        actor=request.auth,
        product=product,
        deal=deal,
        numbers=numbers,
        names=names,
        member_ids=payload.member_ids,
        comment=payload.comment,
        voice_note=voice_note,
        idempotency_key=key,
    )


def _sent(request, share: Share) -> Status:
    """201 with a share just sent; 200 with the one an earlier request with
    the same ``idempotency_key`` sent."""
    answer = {
        **share_as_dict(share),
        "recipients_not_texted": selectors.share_recipients_not_texted(
            share=share, user=request.auth
        ),
    }
    return Status(200 if share.is_repeat else 201, answer)


@router.post("/shares", response={200: ShareSentOut, 201: ShareSentOut})
def share_send(
    request,
    payload: ShareSendIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Share a product or group buy with phone numbers and/or members; a
    recipient given as ``{"address", "name"}`` shows by that name to me only.

    With an ``idempotency_key`` (or an ``Idempotency-Key`` header) the same
    request sent again answers the share the first one sent, 200, and sends
    nothing more."""
    return _sent(request, _share_send(request, payload))


@router.post("/shares/with-voice-note", response={200: ShareSentOut, 201: ShareSentOut})
def share_send_with_voice_note(
    request,
    payload: Form[ShareSendIn],
    voice_note: File[UploadedFile],
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """The same as ``POST /shares``, as multipart form data with a voice note
    (WebM, Ogg, MP3, WAV or M4A); repeat ``recipients`` for several numbers,
    each a string (a form field cannot hold a name with it)."""
    return _sent(request, _share_send(request, payload, voice_note=voice_note))


@router.get(
    "/threads/{share_id}/voice-note",
    openapi_extra=file_answer(
        "The voice note as it was recorded, in the type its Content-Type names.",
        list(VOICE_NOTE_TYPES),
        refusals={
            403: "The caller is not part of the share (`forbidden`).",
            404: "No such share, or the share has no voice note (`not_found`).",
        },
    ),
)
def voice_note_download(request, share_id: str):
    """The share's voice note, to its participants only (403 for anyone else)."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    if not share.voice_note:
        raise Http404
    response = file_response(
        share.voice_note.open("rb"), content_type=share.voice_note_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


class ThreadListIn(PageIn):
    # "received": others' shares to me; "sent": mine; empty: both.
    box: Literal["", "received", "sent"] = ""


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
    return Status(201, selectors.message_as_event(message))


@router.post("/threads/{share_id}/read", response=ThreadReadOut)
def thread_read(request, share_id: str):
    """Mark the thread read (the others see the receipt)."""
    share = selectors.share_get_for_user(user=request.auth, share_id=share_id)
    participant = services.thread_mark_read(actor=request.auth, share=share)
    return {"read_at": api_time(participant.last_read_at)}


class PushKeyOut(Schema):
    public_key: str


class PushSubscriptionIn(Schema):
    endpoint: str = Field(..., max_length=1000)
    p256dh: str = Field(..., max_length=200)
    auth: str = Field(..., max_length=100)


class PushEndpointIn(Schema):
    endpoint: str = Field(..., max_length=1000)


@router.get("/push/key", response=PushKeyOut, auth=None)
def push_key(request):
    """The VAPID public key browsers subscribe with."""
    return {"public_key": webpush.public_key()}


@router.post("/push/subscriptions", response={201: PushSubscribedOut})
def push_subscribe(request, payload: PushSubscriptionIn):
    """Allow web push on this browser for me."""
    webpush.subscription_save(actor=request.auth, **payload.dict())
    return Status(201, {"subscribed": True})


@router.post("/push/subscriptions/delete", response=PushRemovedOut)
def push_unsubscribe(request, payload: PushEndpointIn):
    """Stop web push on this browser (only my own subscription)."""
    removed = webpush.subscription_delete(actor=request.auth, endpoint=payload.endpoint)
    return {"removed": removed}
