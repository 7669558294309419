"""ops' listeners on documented extension points of other apps."""

from __future__ import annotations

from django.dispatch import receiver

from groupbuy.accounts.signals import phone_verified


@receiver(phone_verified, dispatch_uid="ops.owner_invitations_accept")
def on_phone_verified(sender, *, user, phone_e164, **kwargs) -> None:
    """Make the new member the owner of the merchants an operator made for them."""
    from groupbuy.ops.onboarding import owner_invitations_accept

    owner_invitations_accept(user=user, phone_e164=phone_e164)
