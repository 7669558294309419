"""The one write path of sharing: links, address books, shares, replies, reads."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.phones import mask_phone
from groupbuy.core.audit import audit_log
from groupbuy.core.ids import _ALPHABET
from groupbuy.core.transactions import after_commit
from groupbuy.notify.addresses import contact_hash, parse_address
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.models import Invitation
from groupbuy.notify.services import notification_enqueue
from groupbuy.realtime import publish
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.contacts import Contact, members_by_hash, phone_hash
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import (
    ContactBook,
    ContactEntry,
    Message,
    Participant,
    Share,
    ShareLink,
)
from groupbuy.sharing.voice import voice_note_check
from groupbuy.sharing.webpush import push_to_user

DEFAULT_MAX_RECIPIENTS = 500
DEFAULT_COMMENT_MAX_CHARS = 2_000
DEFAULT_BOOK_RETENTION_DAYS = 30


def max_recipients() -> int:
    return int(
        getattr(settings, "GROUPBUY_SHARING_MAX_RECIPIENTS", DEFAULT_MAX_RECIPIENTS)
    )


def comment_max_chars() -> int:
    return int(
        getattr(
            settings, "GROUPBUY_SHARING_COMMENT_MAX_CHARS", DEFAULT_COMMENT_MAX_CHARS
        )
    )


def book_retention() -> timedelta:
    return timedelta(
        days=int(
            getattr(
                settings,
                "GROUPBUY_SHARING_BOOK_RETENTION_DAYS",
                DEFAULT_BOOK_RETENTION_DAYS,
            )
        )
    )


# --- links --------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def share_link_get_or_create(*, product, deal=None) -> ShareLink:
    """Return the one short link of a product (or of a deal of it)."""
    existing = ShareLink.objects.filter(product=product, deal=deal).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ShareLink.objects.create(
                code=_new_code(), product=product, deal=deal
            )
    except IntegrityError:  # raced by another request for the same target
        return ShareLink.objects.get(product=product, deal=deal)


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


# --- sending ------------------------------------------------------------------


def _check_text(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if len(text) > comment_max_chars():
        raise SharingError(
            "text_too_long",
            _("Please keep it under %(count)s characters.")
            % {"count": comment_max_chars()},
            fields={field: [_("Too long.")]},
        )
    return text


def recipient_count_check(count: int) -> None:
    """Refuse an empty or oversized recipient list (before parsing it)."""
    if not count:
        raise SharingError(
            "no_recipients",
            _("Choose at least one person to share with."),
            fields={"recipients": [_("Required.")]},
        )
    if count > max_recipients():
        raise SharingError(
            "too_many_recipients",
            _("You can share with at most %(count)s people at once.")
            % {"count": max_recipients()},
            fields={"recipients": [_("Too many.")]},
        )


def _recipients(*, actor, contacts: list[Contact]) -> list[tuple[Contact, object]]:
    recipient_count_check(len(contacts))
    own = {actor.phone, (actor.email or "").lower()} - {""}
    if any(contact.address.lower() in own for contact in contacts):
        raise SharingError(
            "share_with_self",
            _("You cannot share with yourself."),
            fields={"recipients": [mask_phone(actor.phone)]},
        )
    members = members_by_hash([contact.address_hash for contact in contacts])
    return [(contact, members.get(contact.address_hash)) for contact in contacts]


def mask_address(contact: Contact) -> str:
    if contact.kind == Invitation.Kind.PHONE:
        return mask_phone(contact.address)
    local, _at, domain = contact.address.partition("@")
    return f"{local[:1]}***@{domain}"


def _sender_name(user) -> str:
    return user.display_name or mask_phone(user.phone)


@transaction.atomic
def share_send(
    *,
    actor,
    product,
    deal=None,
    contacts: list[Contact],
    comment: str = "",
    voice_note=None,
) -> Share:
    """Share a product (or deal) card with people by phone number, all or none.

    Members get an inbox notification and a live event; anyone else an
    invitation by SMS whose link shows the share once they sign up with that
    number.
    """
    comment = _check_text(comment, field="comment")
    voice_type = voice_note_check(voice_note) if voice_note is not None else ""
    recipients = _recipients(actor=actor, contacts=contacts)
    if deal is not None and deal.product_id != product.pk:
        raise SharingError("deal_mismatch", _("That group buy is for another product."))
    now = timezone.now()
    share = Share.objects.create(
        sender=actor,
        product=product,
        deal=deal,
        link=share_link_get_or_create(product=product, deal=deal),
        comment=comment,
        voice_note_type=voice_type,
        created_at=now,
        last_activity_at=now,
    )
    Participant.objects.create(
        share=share,
        user=actor,
        role=Participant.Role.SENDER,
        label=_sender_name(actor),
        last_read_at=now,
        joined_at=now,
    )
    thread_url = reverse("sharing:thread", args=[share.public_id])
    title = format_lazy(
        gettext_lazy("{name} shared {product} with you"),
        name=_sender_name(actor),
        product=product.name,
    )
    for contact, member in recipients:
        Participant.objects.create(
            share=share,
            user=member,
            role=Participant.Role.RECIPIENT,
            address_hash="" if member else contact.address_hash,
            label=_sender_name(member) if member else mask_address(contact),
            joined_at=now,
        )
        _notify_recipient(
            actor=actor,
            share=share,
            contact=contact,
            member=member,
            title=title,
            url=thread_url,
        )
    if voice_note is not None:
        # Last, so a refusal above leaves no file behind.
        share.voice_note.save("voice", voice_note, save=False)
        share.save(update_fields=["voice_note"])
    audit_log(
        actor=actor,
        action="sharing.share.sent",
        obj=share,
        data={
            "recipients": len(recipients),
            "members": sum(1 for _c, member in recipients if member),
        },
    )
    return share


def _notify_recipient(*, actor, share, contact, member, title, url) -> None:
    data = {"share": share.public_id}
    key = f"sharing.share:{share.public_id}:{contact.address_hash}"
    if member is not None:
        notification_enqueue(
            recipient=member,
            kind="sharing.share.received",
            title=title,
            body=share.comment,
            url=url,
            data=data,
            channels=["in_app"],
            idempotency_key=key,
        )
        publish(user_group(member.public_id), _share_event(share))
        after_commit(
            push_to_user,
            member.pk,
            {"title": str(title), "body": share.comment, "url": url},
        )
        return
    notification_invite(
        actor=actor,
        address=contact.address,
        kind="sharing.share.received",
        title=title,
        body=share.comment,
        url=url,
        data=data,
        idempotency_key=key,
    )


def _share_event(share: Share) -> dict:
    from groupbuy.sharing.selectors import share_summary

    return {"type": "sharing.share", "share": share_summary(share)}


@transaction.atomic
def shares_claim(*, user, phone_e164: str = "", email: str = "") -> int:
    """Hand ``user`` the shares sent to the number or e-mail address they
    verified; return how many.

    Only the account that verified the address gets them; claiming again finds
    none.
    """
    if phone_e164:
        digest = phone_hash(phone_e164)
    else:
        kind, normalized = parse_address(email)
        digest = contact_hash(kind, normalized)
    pending = list(
        Participant.objects.select_for_update()
        .filter(user__isnull=True, address_hash=digest)
        .exclude(share__participants__user=user)
        .order_by("pk")
    )
    for participant in pending:
        participant.user = user
        participant.address_hash = ""
        participant.label = _sender_name(user)
        participant.save(update_fields=["user", "address_hash", "label"])
    if pending:
        audit_log(
            actor=user,
            action="sharing.share.claimed",
            obj=user,
            data={"count": len(pending)},
        )
    return len(pending)


# --- threads ------------------------------------------------------------------


def message_author_label(share: Share, author) -> str:
    participant = share.participants.filter(user=author).first()
    return participant.label if participant else _sender_name(author)


def _thread_participants(share: Share) -> list:
    return list(share.participants.filter(user__isnull=False).select_related("user"))


@transaction.atomic
def message_post(
    *, actor, share: Share, body: str, product=None, client_key: str = ""
) -> Message:
    """Reply in a share's thread (the caller checked ``actor`` takes part)."""
    from groupbuy.sharing.selectors import message_as_event, participant_for

    participant_for(user=actor, share=share)  # 403 for anyone else
    body = _check_text(body, field="body")
    if not body and product is None:
        raise SharingError(
            "empty_reply",
            _("Write something or attach a product."),
            fields={"body": [_("Required.")]},
        )
    if client_key:
        existing = Message.objects.filter(
            share=share, author=actor, client_key=client_key
        ).first()
        if existing is not None:
            return existing
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: a raced resend finds the first
            message = Message.objects.create(
                share=share,
                author=actor,
                body=body,
                product=product,
                client_key=client_key[:64],
                created_at=now,
            )
    except IntegrityError:
        if not client_key:
            raise
        return Message.objects.get(share=share, author=actor, client_key=client_key)
    Share.objects.filter(pk=share.pk).update(last_activity_at=now)
    Participant.objects.filter(share=share, user=actor).update(last_read_at=now)
    event = {"type": "sharing.message", "message": message_as_event(message)}
    push = {
        "title": message_author_label(share, actor),
        "body": body,
        "url": reverse("sharing:thread", args=[share.public_id]),
    }
    for participant in _thread_participants(share):
        publish(user_group(participant.user.public_id), event)
        if participant.user_id != actor.pk:
            after_commit(push_to_user, participant.user_id, push)
    audit_log(actor=actor, action="sharing.message.posted", obj=message)
    return message


@transaction.atomic
def thread_mark_read(*, actor, share: Share) -> Participant:
    """Note that ``actor`` has read the thread up to now; tell the others."""
    from groupbuy.sharing.selectors import participant_for

    participant = participant_for(user=actor, share=share)
    now = timezone.now()
    participant.last_read_at = now
    participant.save(update_fields=["last_read_at"])
    event = {
        "type": "sharing.read",
        "share": share.public_id,
        "reader": actor.public_id,
        "read_at": now.isoformat(),
    }
    for other in _thread_participants(share):
        if other.user_id != actor.pk:
            publish(user_group(other.user.public_id), event)
    return participant
