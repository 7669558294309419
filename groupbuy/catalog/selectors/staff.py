"""Reads of a merchant's staff and branches for its owners."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, Merchant, StaffInvitation
from groupbuy.catalog.permissions import require_merchant_owner


def merchant_staff(*, user, merchant: Merchant) -> QuerySet[MerchantMembership]:
    """Return the merchant's staff, owners first (owners and operators only)."""
    require_merchant_owner(user, merchant)
    return (
        MerchantMembership.objects.filter(merchant=merchant)
        .select_related("user", "branch")
        .order_by("role", "user__display_name", "pk")
    )


def merchant_staff_invitations(
    *, user, merchant: Merchant
) -> QuerySet[StaffInvitation]:
    """Return the invitations nobody has accepted yet and that still hold,
    newest first."""
    require_merchant_owner(user, merchant)
    return (
        StaffInvitation.objects.filter(
            merchant=merchant, accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("branch")
        .order_by("-created_at", "-pk")
    )


def merchant_all_branches(*, user, merchant: Merchant) -> QuerySet[Branch]:
    """Return every branch, closed ones too (owners and operators only)."""
    require_merchant_owner(user, merchant)
    return merchant.branches.order_by("-is_active", "name", "id")


def membership_get_for_owner(
    *, user, merchant: Merchant, user_public_id: str
) -> MerchantMembership:
    require_merchant_owner(user, merchant)
    membership = (
        MerchantMembership.objects.filter(
            merchant=merchant, user__public_id=user_public_id
        )
        .select_related("user", "merchant")
        .first()
    )
    if membership is None:
        raise CatalogError("not_found", _("There is no such staff member."), status=404)
    return membership


def staff_invitation_get_for_owner(
    *, user, merchant: Merchant, public_id: str
) -> StaffInvitation:
    require_merchant_owner(user, merchant)
    invitation = StaffInvitation.objects.filter(
        merchant=merchant, public_id=public_id, accepted_at__isnull=True
    ).first()
    if invitation is None:
        raise CatalogError("not_found", _("There is no such invitation."), status=404)
    return invitation


def staff_invitations_for_user(*, user) -> QuerySet[StaffInvitation]:
    """Return the invitations to join a staff waiting for ``user``'s answer."""
    return (
        StaffInvitation.objects.filter(
            invitee_id=getattr(user, "pk", None),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("merchant", "branch")
        .order_by("expires_at", "pk")
    )


def staff_invitation_get_for_invitee(*, user, public_id: str) -> StaffInvitation:
    """Return ``user``'s own unanswered invitation (expired ones too, so that
    accepting one says it expired); 404 for anyone else's."""
    invitation = (
        StaffInvitation.objects.filter(
            public_id=public_id,
            invitee_id=getattr(user, "pk", None),
            accepted_at__isnull=True,
        )
        .select_related("merchant", "branch")
        .first()
    )
    if invitation is None:
        raise CatalogError("not_found", _("There is no such invitation."), status=404)
    return invitation
