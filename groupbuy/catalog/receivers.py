"""The catalog's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import phone_verified
from groupbuy.catalog.services.staff import staff_invitations_attach


@receiver(phone_verified, dispatch_uid="catalog.staff_invitations_attach")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Hand the new member the staff invitations sent to their number."""
    staff_invitations_attach(user=user, phone_e164=phone_e164)
