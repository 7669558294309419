"""Sending a share, with or without a voice note, and downloading the note."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Discriminator, Tag

from groupbuy.core.api_answers import file_answer
from groupbuy.core.errors import id_in_request
from groupbuy.core.idempotency import (
    IDEMPOTENCY_KEY_PATTERN,
    idempotency_key_header,
    idempotency_key_sent,
)
from groupbuy.sharing import selectors
from groupbuy.sharing.api.contacts import MAX_LISTED_NUMBERS
from groupbuy.sharing.contacts import typed_numbers_split
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import Share
from groupbuy.sharing.presenters import share_as_dict
from groupbuy.sharing.schemas import ShareSentOut
from groupbuy.sharing.sending import share_send_within_limits
from groupbuy.sharing.voice import VOICE_NOTE_TYPES, voice_note_response

router = Router()


# Far past any real one (a name is cut to 120): only a request that is not a
# contact's gets a 422.
MAX_ADDRESS_CHARS = 320
MAX_NAME_CHARS = 1_000


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
    product_id: str = Field(
        "", description="The product (`prd_…`) shared; this or `deal_id`."
    )
    deal_id: str = Field(
        "", description="The group buy (`deal_…`) shared; this or `product_id`."
    )
    # A string may hold several numbers, as pasted; an object, one with its name.
    recipients: list[RecipientItem] = Field(
        default_factory=list, max_length=MAX_LISTED_NUMBERS
    )
    member_ids: list[str] = Field(
        default_factory=list,
        max_length=MAX_LISTED_NUMBERS,
        description="Members to share with by their account ids (`usr_…`): "
        "people the sender already knows, named to each other from the start.",
    )
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
            message = _("That group buy is for another product.")
            raise SharingError(
                "deal_mismatch", message, fields={"product_id": [message]}
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
    return voice_note_response(share)
