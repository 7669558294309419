"""Address books a person imports to share with, kept for a while and deleted."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.sharing.contacts import Contact, members_by_hash
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import (
    ContactBook,
    ContactEntry,
)
from groupbuy.sharing.services.limits import book_retention

# --- address books ------------------------------------------------------------


@transaction.atomic
def contact_book_import(*, actor, contacts: list[Contact], source: str) -> ContactBook:
    """Replace ``actor``'s address book by ``contacts``: names and keyed hashes."""
    ContactBook.objects.filter(owner=actor).delete()
    now = timezone.now()
    book = ContactBook.objects.create(
        owner=actor, source=source, expires_at=now + book_retention()
    )
    hashes = [contact.address_hash for contact in contacts]
    members = members_by_hash(hashes)
    ContactEntry.objects.bulk_create(
        (
            ContactEntry(
                book=book,
                name=contact.name,
                phone_hash=digest,
                member=members.get(digest),
            )
            for contact, digest in zip(contacts, hashes, strict=True)
        ),
        batch_size=2000,
    )
    audit_log(
        actor=actor,
        action="sharing.book.imported",
        obj=book,
        data={"source": source, "entries": len(contacts), "members": len(members)},
    )
    return book


@transaction.atomic
def contact_book_delete(*, actor, book_id: str) -> None:
    book = ContactBook.objects.filter(owner=actor, public_id=book_id).first()
    if book is None:
        raise SharingError("not_found", _("There is no such address book."), status=404)
    audit_log(actor=actor, action="sharing.book.deleted", obj=book)
    book.delete()


def contact_books_purge_expired(*, now=None) -> int:
    """Delete the address books past their retention period."""
    count, _details = ContactBook.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return count
