"""notify's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import email_verified, phone_verified
from groupbuy.notify.invitations import invitations_attach


@receiver(phone_verified, dispatch_uid="notify.invitations_attach")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Hand the new member the invitations sent to their number."""
    invitations_attach(user=user, phone_e164=phone_e164)


@receiver(email_verified, dispatch_uid="notify.invitations_attach_email")
def on_email_verified(sender, *, user, email, **kwargs) -> None:
    """Hand a member the invitations e-mailed to the address they just proved."""
    invitations_attach(user=user, email=email)
