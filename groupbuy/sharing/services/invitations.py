"""Invitations a share held back at the sender's daily limit, sent later."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.notify.invitations import HeldSendOutcome, invitation_send_held
from groupbuy.sharing.errors import SharingError
from groupbuy.sharing.models import Participant, Share
from groupbuy.sharing.services.limits import invitation_texts_left
from groupbuy.sharing.services.shares import invitation_key


@dataclass(frozen=True)
class HeldInvitationsSent:
    sent: int
    # held still: the sender's limit reached again, or the number's own cap
    held_by_daily_limit: int
    held_by_address_limit: int


def share_invitations_send_held(*, actor, share: Share) -> HeldInvitationsSent:
    """Send the invitations ``share`` held back because its sender's shares had
    sent as many as a day allows, as many as the limit allows now (the sender
    only). Each number or address still gets at most its own daily cap; an
    invitation claimed (its person signed up) or expired is not sent. Sending
    again sends none twice."""
    if share.sender_id != actor.pk:
        raise SharingError(
            "forbidden",
            _("Only the person who shared this can send its invitations."),
            status=403,
        )
    sent = held_by_address = 0
    with transaction.atomic():
        now = timezone.now()
        left = invitation_texts_left(actor=actor, now=now)
        held = list(
            share.participants.select_for_update()
            .filter(invitation=Participant.Invitation.OVER_DAILY_LIMIT)
            .filter(user__isnull=True)
            .order_by("pk")
        )
        for participant in held[:left]:
            outcome = invitation_send_held(
                actor=actor,
                idempotency_key=invitation_key(share, participant.address_hash),
            )
            if outcome == HeldSendOutcome.ADDRESS_LIMIT:
                held_by_address += 1
                continue
            # Held no longer. One expired meanwhile went nowhere: it keeps no
            # time, so the sender's limit does not count it.
            participant.invitation = Participant.Invitation.SENT
            is_sent = outcome == HeldSendOutcome.SENT
            participant.invited_at = now if is_sent else None
            participant.save(update_fields=["invitation", "invited_at"])
            sent += is_sent
        if sent:
            audit_log(
                actor=actor,
                action="sharing.share.invitations_sent",
                obj=share,
                data={"sent": sent},
            )
    return HeldInvitationsSent(
        sent=sent,
        held_by_daily_limit=max(0, len(held) - left),
        held_by_address_limit=held_by_address,
    )
