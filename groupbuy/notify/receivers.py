"""notify's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import phone_verified
from groupbuy.notify.invitations import invitations_attach


@receiver(phone_verified, dispatch_uid="notify.invitations_attach")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Hand the new member the invitations sent to their number."""
    invitations_attach(user=user, phone_e164=phone_e164)
