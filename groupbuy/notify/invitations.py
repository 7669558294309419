"""Notifications to people who are not members yet (invitations).

``notification_invite`` addresses a notification to a phone number or an email
address. A member with that (verified) phone number simply gets a notification;
anyone else gets an invitation: the notification has no recipient yet and one
delivery, by SMS or email. When someone later signs up and verifies that number
(``accounts.signals.phone_verified``), ``invitations_attach`` hands them every
invitation sent to it, which then shows in their inbox.

Privacy: see ``notify.models.Invitation`` (keyed hash kept for matching, the raw
address only until the delivery ends, unclaimed invitations deleted after
GROUPBUY_INVITATION_RETENTION_DAYS).

Texts and e-mails to one address: at most GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY
(3) in any 24 hours, whoever sends them. Sending a share or a staff invitation
costs nothing, so without it one account could text a stranger's number all day
(a share with a new comment each time, a staff invitation withdrawn and sent
again). Invitations beyond it are kept, unsent and without the raw address, and
reach the inbox of whoever signs up with that number.

An invitation the caller held back (``may_send=False``: a sharer's invitations
a day) keeps the raw address, so that ``invitation_send_held`` can send it once
the caller's limit allows; it is erased as any other once the delivery ends,
the invitation is claimed or it expires.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.core.locks import transaction_lock
from groupbuy.core.transactions import after_commit
from groupbuy.notify.addresses import contact_hash, parse_address
from groupbuy.notify.models import Channel, Invitation, Notification
from groupbuy.notify.senders import recipient_language
from groupbuy.notify.services import (
    delivery_add,
    notification_enqueue,
    notification_write,
    push_unread_count,
)

CHANNEL_FOR = {Invitation.Kind.PHONE: Channel.SMS, Invitation.Kind.EMAIL: Channel.EMAIL}


def retention() -> timedelta:
    return timedelta(
        days=int(getattr(settings, "GROUPBUY_INVITATION_RETENTION_DAYS", 90))
    )


def invitations_per_address_per_day() -> int:
    return int(getattr(settings, "GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY", 3))


def _address_texted_enough(
    address_kind: str, address_hash: str, now, *, besides: Invitation | None = None
) -> bool:
    """Whether the address got as many invitations as a day allows (``besides``
    the one about to be sent)."""
    limit = invitations_per_address_per_day()
    recent = Invitation.objects.filter(
        address_kind=address_kind,
        address_hash=address_hash,
        attached_at__isnull=True,
        created_at__gt=now - timedelta(days=1),
    )
    if besides is not None:
        recent = recent.exclude(pk=besides.pk)
    return recent[:limit].count() >= limit


def notification_invite(
    *,
    actor,
    address: str,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    data: dict | None = None,
    language: str = "",
    idempotency_key: str | None = None,
    may_send: bool = True,
) -> Notification | None:
    """Notify whoever holds ``address`` (a phone number or email), member or not.

    Raise ValidationError for an address that is neither. Returns None when the
    ``idempotency_key`` was used before, as ``notification_enqueue`` does.
    ``may_send=False`` keeps an invitation unsent (the caller's own limit, such
    as a sharer's invitations a day); it still reaches the inbox on sign-up.
    """
    address_kind, normalized = parse_address(address)
    if address_kind == Invitation.Kind.PHONE:
        member = (
            get_user_model().objects.filter(phone=normalized, is_active=True).first()
        )
        if member is not None:
            return notification_enqueue(
                recipient=member,
                kind=kind,
                title=title,
                body=body,
                url=url,
                data=data,
                idempotency_key=idempotency_key,
            )
    # Not a member yet, so no language of their own: the inviter's is the best
    # guess (a Chinese shopper's contacts read Chinese), then the site's.
    language = language or recipient_language(actor)
    address_hash = contact_hash(address_kind, normalized)
    with transaction.atomic():
        # Count, then write, with no other invitation to the address in between:
        # shares sent to one number at once all counted the same two earlier
        # texts and all sent theirs (SQLite's BEGIN IMMEDIATE already queues
        # writers; PostgreSQL needs the lock).
        transaction_lock(f"notify.invitation:{address_kind}:{address_hash}")
        return _invitation_write(
            actor=actor,
            address_kind=address_kind,
            normalized=normalized,
            address_hash=address_hash,
            may_send=may_send,
            kind=kind,
            title=title,
            body=body,
            url=url,
            data=data,
            language=language,
            idempotency_key=idempotency_key,
        )


def _invitation_write(
    *,
    actor,
    address_kind: str,
    normalized: str,
    address_hash: str,
    may_send: bool,
    kind: str,
    title: str,
    body: str,
    url: str,
    data: dict | None,
    language: str,
    idempotency_key: str | None,
) -> Notification | None:
    now = timezone.now()
    is_capped = _address_texted_enough(address_kind, address_hash, now)
    is_held = not may_send or is_capped
    notification = notification_write(
        recipient=None,
        kind=kind,
        title=title,
        body=body,
        url=url,
        data=data,
        channels=[] if is_held else [CHANNEL_FOR[address_kind]],
        idempotency_key=idempotency_key,
        language=language,
        invitation={
            "address_kind": address_kind,
            "address_hash": address_hash,
            # Kept only for the delivery, or for the one the caller may send
            # later (invitation_send_held); one held by the address's cap has none.
            "address": "" if is_capped else normalized,
            "language": language,
            "created_at": now,
            "expires_at": now + retention(),
        },
    )
    if notification is not None:
        audit_log(
            actor=actor,
            action="notify.invitation.created",
            obj=notification,
            data={"kind": kind, "address_kind": address_kind, "held": is_held},
        )
    return notification


class HeldSendOutcome:
    SENT = "sent"
    ADDRESS_LIMIT = "address_limit"
    GONE = "gone"


def invitations_forget_held_addresses(*, idempotency_keys: list[str]) -> int:
    """Forget the raw address kept for invitations their caller held back, once
    the caller can no longer send them (a sharer who erased their account):
    the address came from the caller's address book. Each still reaches the
    inbox of whoever signs up with the address, as one held by the address's
    cap does. One already being delivered keeps its address until then."""
    return (
        Invitation.objects.filter(notification__idempotency_key__in=idempotency_keys)
        .exclude(address="")
        .filter(notification__deliveries__isnull=True)
        .update(address="")
    )


def invitation_send_held(*, actor, idempotency_key: str) -> str:
    """Send the invitation written with ``idempotency_key`` that its caller held
    back (``may_send=False``), now that the caller's own limit allows: at most
    GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY to the address still. Return a
    ``HeldSendOutcome``: ``gone`` for one already sent, claimed or expired
    (sending it again sends nothing)."""
    invitation = (
        Invitation.objects.filter(notification__idempotency_key=idempotency_key)
        .only("address_kind", "address_hash")
        .first()
    )
    if invitation is None:
        return HeldSendOutcome.GONE
    with transaction.atomic():
        transaction_lock(
            f"notify.invitation:{invitation.address_kind}:{invitation.address_hash}"
        )
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("notification")
            .get(pk=invitation.pk)
        )
        now = timezone.now()
        notification = invitation.notification
        if (
            not invitation.address
            or invitation.attached_at is not None
            or invitation.expires_at <= now
            or notification.recipient_id is not None
            or notification.deliveries.exists()
        ):
            return HeldSendOutcome.GONE
        if _address_texted_enough(
            invitation.address_kind, invitation.address_hash, now, besides=invitation
        ):
            return HeldSendOutcome.ADDRESS_LIMIT
        delivery_add(notification, channel=CHANNEL_FOR[invitation.address_kind])
        audit_log(
            actor=actor,
            action="notify.invitation.sent_later",
            obj=notification,
            data={"address_kind": invitation.address_kind},
        )
    return HeldSendOutcome.SENT


@transaction.atomic
def invitations_attach(
    *,
    user,
    phone_e164: str = "",
    email: str = "",
    now: datetime | None = None,
) -> int:
    """Give ``user`` the unexpired invitations sent to the number or e-mail
    address they verified; return how many. Attaching again finds none and
    changes nothing."""
    if bool(phone_e164) == bool(email):
        raise ValueError("pass exactly one of phone_e164 and email")
    now = now or timezone.now()
    if phone_e164:
        kind, normalized = Invitation.Kind.PHONE, phone_e164
    else:
        kind, normalized = parse_address(email)
        if kind != Invitation.Kind.EMAIL:
            raise ValueError(f"not an e-mail address: {email!r}")
    pending = list(
        Invitation.objects.select_for_update(of=("self",))
        .filter(
            address_kind=kind,
            address_hash=contact_hash(kind, normalized),
            attached_at__isnull=True,
            expires_at__gt=now,
            notification__recipient__isnull=True,
        )
        .order_by("pk")
    )
    if not pending:
        return 0
    notification_ids = [invitation.notification_id for invitation in pending]
    Notification.objects.filter(pk__in=notification_ids).update(recipient=user)
    # The account holds the address now; the raw copy is no longer needed.
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(
        attached_at=now, address=""
    )
    audit_log(
        actor=user,
        action="notify.invitation.attached",
        obj=user,
        data={"count": len(pending)},
    )
    after_commit(push_unread_count, user)
    return len(pending)


@transaction.atomic
def invitations_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the invitations nobody claimed in time, with their notifications."""
    now = now or timezone.now()
    expired = Notification.objects.filter(
        recipient__isnull=True,
        invitation__attached_at__isnull=True,
        invitation__expires_at__lte=now,
    )
    count = expired.count()
    if count:
        expired.delete()
    return count
