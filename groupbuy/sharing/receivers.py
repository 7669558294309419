"""sharing's listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import email_verified, phone_verified
from groupbuy.sharing.contacts import member_hash_save
from groupbuy.sharing.services import shares_claim


@receiver(phone_verified, dispatch_uid="sharing.shares_claim")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Give the new member the shares sent to their number before they joined."""
    member_hash_save(user)
    shares_claim(user=user, phone_e164=phone_e164)


@receiver(email_verified, dispatch_uid="sharing.shares_claim_email")
def on_email_verified(sender, *, user, email, **kwargs) -> None:
    """Give a member the shares e-mailed to the address they just proved."""
    shares_claim(user=user, email=email)
