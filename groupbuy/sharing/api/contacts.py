"""Which of my contacts are members': typed numbers, or an address book."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from groupbuy.core.api_types import answer_choices
from groupbuy.sharing import selectors, services
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
from groupbuy.sharing.models import ContactBook
from groupbuy.sharing.throttle import (
    match_daily_check,
    match_rate_check,
    match_size_check,
)

router = Router()


# Generous: the service answers "at most 500" with a clear message, not a 422.
MAX_LISTED_NUMBERS = 100_000


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
