"""A share sent again: the same request (its one-time key), or the same share
sent with another key within ``duplicate_window`` (the compose page shown
again from the history). ``share_send`` answers either with the share sent."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.errors import Conflict
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Participant, Share
from groupbuy.sharing.services.limits import duplicate_window


def share_sent_with(*, actor, idempotency_key: str) -> Share | None:
    """Return the share ``actor`` sent with ``idempotency_key``, None if none
    (what ``share_send`` would answer again)."""
    if not idempotency_key or not getattr(actor, "pk", None):
        return None
    return Share.objects.filter(sender=actor, idempotency_key=idempotency_key).first()


def share_sent_alike_recently(
    *, actor, product, deal, recipients: list[tuple[Contact, object]], comment: str
) -> Share | None:
    """Return the latest share ``actor`` sent within ``duplicate_window`` of
    ``product`` (and ``deal``) to exactly ``recipients`` with ``comment``, None
    if none."""
    candidates = Share.objects.filter(
        sender=actor,
        product=product,
        deal=deal,
        comment=comment,
        created_at__gte=timezone.now() - duplicate_window(),
    ).order_by("-created_at", "-pk")[:20]
    asked = _recipient_keys(recipients)
    for candidate in candidates:
        if _sent_to(candidate) == asked:
            return candidate
    return None


def _sent_to(share: Share) -> set[tuple]:
    return {
        ("member", user_id) if user_id else ("address", address_hash)
        for user_id, address_hash in share.participants.filter(
            role=Participant.Role.RECIPIENT
        ).values_list("user_id", "address_hash")
    }


def _recipient_keys(recipients: list[tuple[Contact, object]]) -> set[tuple]:
    return {
        ("member", member.pk) if member else ("address", contact.address_hash)
        for contact, member in recipients
    }


def share_if_same_request(
    earlier: Share, *, product, deal, recipients, comment: str, voice_note
) -> Share:
    """Return ``earlier``, the share a key sent, if it is what this request
    asks for; refuse the key sent again with another product, group buy,
    recipients, comment or voice note (they would otherwise silently not be
    sent)."""
    same = (
        earlier.product_id == product.pk
        and earlier.deal_id == (deal.pk if deal is not None else None)
        and _sent_to(earlier) == _recipient_keys(recipients)
        and earlier.comment == comment
        and _same_voice_note(earlier, voice_note)
    )
    if not same:
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already sent another share; send a new key "
                "for a new one."
            ),
        )
    earlier.is_repeat = True
    earlier.is_duplicate = False
    return earlier


def _same_voice_note(earlier: Share, voice_note) -> bool:
    """Whether ``voice_note`` (an upload or None) is the one ``earlier`` kept,
    byte for byte."""
    if not earlier.voice_note or voice_note is None:
        return not earlier.voice_note and voice_note is None
    if earlier.voice_note.size != voice_note.size:
        return False
    with earlier.voice_note.open("rb") as kept:
        kept_digest = _digest(kept)
    sent_digest = _digest(voice_note)
    voice_note.seek(0)
    return kept_digest == sent_digest


def _digest(file) -> bytes:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    return digest.digest()
