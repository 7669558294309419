"""Reads of the invitations a share held back at its sender's daily limit."""

from __future__ import annotations

from groupbuy.sharing.models import Participant, Share


def share_recipients_not_texted(*, share: Share, user) -> int:
    """How many of the share's recipients without an account were sent no
    invitation because its sender's shares had sent as many as a day allows:
    the sender's to know (0 for anyone else)."""
    return len(share_recipients_held(share=share, user=user))


def share_recipients_held(*, share: Share, user) -> list[Participant]:
    """The share's recipients without an account whose invitation is held back
    at its sender's daily limit (and who have not signed up since): the
    sender's to know ([] for anyone else)."""
    if share.sender_id != getattr(user, "pk", None):
        return []
    return list(
        share.participants.filter(
            invitation=Participant.Invitation.OVER_DAILY_LIMIT, user__isnull=True
        ).order_by("pk")
    )
