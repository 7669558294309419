"""sharing's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import phone_verified
from groupbuy.sharing.contacts import member_hash_save
from groupbuy.sharing.services import shares_claim


@receiver(phone_verified, dispatch_uid="sharing.shares_claim")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Give the new member the shares sent to their number before they joined."""
    member_hash_save(user)
    shares_claim(user=user, phone_e164=phone_e164)
