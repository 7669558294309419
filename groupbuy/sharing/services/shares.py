"""Sharing a product: its link, sending it to contacts, and claiming what was
sent to a number or address once its owner signs up."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog.selectors import product_name_lazy
from groupbuy.core.audit import audit_log
from groupbuy.core.ids import random_code
from groupbuy.core.storage_full import field_file_save
from groupbuy.core.transactions import after_commit
from groupbuy.notify.addresses import contact_hash, parse_address
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.models import Invitation
from groupbuy.notify.senders import recipient_language
from groupbuy.notify.services import notification_enqueue
from groupbuy.realtime import publish
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.contacts import (
    Contact,
    contact_name_clean,
    members_by_hash,
    phone_hash,
)
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import (
    Participant,
    Share,
    ShareLink,
)
from groupbuy.sharing.services.limits import (
    check_text,
    invitation_texts_left,
    recipient_count_check,
    sender_name,
)
from groupbuy.sharing.services.repeats import (
    share_if_same_request,
    share_sent_alike_recently,
    share_sent_with,
)
from groupbuy.sharing.voice import voice_note_check
from groupbuy.sharing.webpush import push_to_user

# --- links --------------------------------------------------------------------


def _new_code() -> str:
    return random_code(8)


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


# --- sending ------------------------------------------------------------------


def _recipients(*, actor, contacts: list[Contact]) -> list[tuple[Contact, object]]:
    recipient_count_check(len(contacts))
    own = {actor.phone, (actor.email or "").lower()} - {""}
    if any(contact.address.lower() in own for contact in contacts):
        message = _("You cannot share with yourself.")
        raise SharingError("share_with_self", message, fields={"recipients": [message]})
    members = members_by_hash([contact.address_hash for contact in contacts])
    return [(contact, members.get(contact.address_hash)) for contact in contacts]


def mask_address(contact: Contact) -> str:
    if contact.kind == Invitation.Kind.PHONE:
        return mask_phone(contact.address)
    local, _at, domain = contact.address.partition("@")
    return f"{local[:1]}***@{domain}"


def recipient_label(contact: Contact) -> str:
    """How a recipient shows to the others until they reply: the number or
    address masked. Never a member's own name (typing a number must not tell
    whose it is), nor the sender's name for the contact, which is the sender's
    alone (``Participant.contact_name``)."""
    return mask_address(contact)


def share_send(
    *,
    actor,
    product,
    deal=None,
    contacts: list[Contact],
    comment: str = "",
    voice_note=None,
    idempotency_key: str = "",
) -> Share:
    """Share a product (or deal) card with people by phone number, all or none.

    Members get an inbox notification and a live event; anyone else an
    invitation by SMS whose link shows the share once they sign up with that
    number. A recipient reached by a number shows to the others by
    ``recipient_label`` until they reply, a member chosen by id by their name;
    the sender sees the name they gave the contact (``Contact.name``), if any.

    With ``idempotency_key`` (the compose form's one-time key, or an API
    client's), the same request sent again by the same sender, at once or
    later, returns the share the first one sent and sends nothing more
    (``is_repeat`` is then True on the answer); the key sent with another
    product, group buy, recipients, comment or voice note is refused
    (``Conflict`` idempotency_key_reused), nothing sent.

    Whatever its key, a share with no voice note that is the same as one the
    sender sent within ``duplicate_window`` (same product and group buy, same
    recipients, same comment) is that share sent again (the compose page
    shown again from the history comes with a new key): it returns that share
    and sends nothing (``is_repeat`` and ``is_duplicate`` True).
    """
    comment = check_text(comment, field="comment")
    voice_type = voice_note_check(voice_note) if voice_note is not None else ""
    recipients = _recipients(actor=actor, contacts=contacts)
    if deal is not None and deal.product_id != product.pk:
        raise SharingError("deal_mismatch", _("That group buy is for another product."))
    asked = {
        "product": product,
        "deal": deal,
        "recipients": recipients,
        "comment": comment,
        "voice_note": voice_note,
    }
    earlier = share_sent_with(actor=actor, idempotency_key=idempotency_key)
    if earlier is not None:
        return share_if_same_request(earlier, **asked)
    if voice_note is None:
        duplicate = share_sent_alike_recently(
            actor=actor,
            product=product,
            deal=deal,
            recipients=recipients,
            comment=comment,
        )
        if duplicate is not None:
            duplicate.is_repeat = duplicate.is_duplicate = True
            return duplicate
    try:
        with transaction.atomic():
            share = _share_insert(
                actor=actor,
                product=product,
                deal=deal,
                recipients=recipients,
                comment=comment,
                voice_note=voice_note,
                voice_type=voice_type,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # The same key sent at the same moment won: its share is the answer.
        earlier = share_sent_with(actor=actor, idempotency_key=idempotency_key)
        if earlier is None:
            raise
        return share_if_same_request(earlier, **asked)
    share.is_repeat = share.is_duplicate = False
    return share


def _share_insert(
    *,
    actor,
    product,
    deal,
    recipients: list[tuple[Contact, object]],
    comment: str,
    voice_note,
    voice_type: str,
    idempotency_key: str,
) -> Share:
    now = timezone.now()
    share = Share.objects.create(
        sender=actor,
        product=product,
        deal=deal,
        link=share_link_get_or_create(product=product, deal=deal),
        comment=comment,
        voice_note_type=voice_type,
        idempotency_key=idempotency_key,
        created_at=now,
        last_activity_at=now,
    )
    Participant.objects.create(
        share=share,
        user=actor,
        role=Participant.Role.SENDER,
        label=sender_name(actor),
        is_name_shown=True,
        last_read_at=now,
        joined_at=now,
    )
    thread_url = reverse("sharing:thread", args=[share.public_id])
    # Lazy to the product's name: each reader gets it in their language.
    title = format_lazy(
        gettext_lazy("{name} shared {product} with you"),
        name=sender_name(actor),
        product=product_name_lazy(product),
    )
    texts_left = invitation_texts_left(actor=actor, now=now)
    for contact, member in recipients:
        invitation = Participant.Invitation.NONE
        if member is None:
            # Over the sender's daily limit the invitation is kept unsent: it
            # reaches the inbox of whoever signs up with the number.
            invitation = (
                Participant.Invitation.SENT
                if texts_left > 0
                else Participant.Invitation.OVER_DAILY_LIMIT
            )
            texts_left -= 1
        Participant.objects.create(
            share=share,
            user=member,
            role=Participant.Role.RECIPIENT,
            address_hash="" if member else contact.address_hash,
            label=recipient_label(contact),
            contact_name=contact_name_clean(contact.name),
            is_name_shown=member is not None and contact.is_chosen_by_id,
            invitation=invitation,
            invited_at=now if invitation == Participant.Invitation.SENT else None,
            joined_at=now,
        )
        _notify_recipient(
            actor=actor,
            share=share,
            contact=contact,
            member=member,
            title=title,
            url=thread_url,
            may_send=invitation != Participant.Invitation.OVER_DAILY_LIMIT,
        )
    if voice_note is not None:
        # Last, so a refusal above leaves no file behind.
        field_file_save(share.voice_note, "voice", voice_note)
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


def _notify_recipient(
    *, actor, share, contact, member, title, url, may_send: bool = True
) -> None:
    data = {"share": share.public_id}
    key = invitation_key(share, contact.address_hash)
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
        # The live event and the push are written now: in the member's language.
        with translation.override(recipient_language(member)):
            publish(user_group(member.public_id), _share_event(share))
            push = {"title": str(title), "body": share.comment, "url": url}
        after_commit(push_to_user, member.pk, push)
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
        may_send=may_send,
    )


def invitation_key(share: Share, address_hash: str) -> str:
    """The key of the notification (or invitation) a share's recipient got."""
    return f"sharing.share:{share.public_id}:{address_hash}"


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
        # The label stays what the sender typed: claiming is not speaking.
        participant.user = user
        participant.address_hash = ""
        participant.save(update_fields=["user", "address_hash"])
    if pending:
        audit_log(
            actor=user,
            action="sharing.share.claimed",
            obj=user,
            data={"count": len(pending)},
        )
    return len(pending)
