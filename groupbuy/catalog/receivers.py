"""The catalog's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import phone_verified
from groupbuy.catalog.services.staff import staff_invitations_accept


@receiver(phone_verified, dispatch_uid="catalog.staff_invitations_accept")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Make the new member staff of the merchants that invited their number."""
    staff_invitations_accept(user=user, phone_e164=phone_e164)
