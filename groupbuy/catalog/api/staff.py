"""A merchant's staff: list, invite by phone number, remove (owners only)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from pydantic import Field

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog import selectors
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.selectors import staff as staff_selectors
from groupbuy.catalog.services.staff import staff_invite, staff_remove

router = Router(tags=["catalog"])


class StaffInviteIn(Schema):
    phone: str = Field(max_length=20)
    role: str = Field(max_length=10)
    branch_id: str | None = None


class StaffOut(Schema):
    id: str
    status: str  # "member" or "invited"
    name: str
    phone: str  # masked
    role: str
    branch_id: str | None


def _member_out(membership: MerchantMembership) -> dict:
    return {
        "id": membership.user.public_id,
        "status": "member",
        "name": membership.user.display_name,
        "phone": mask_phone(membership.user.phone),
        "role": membership.role,
        "branch_id": membership.branch.public_id if membership.branch else None,
    }


def _invitation_out(invitation) -> dict:
    return {
        "id": invitation.public_id,
        "status": "invited",
        "name": "",
        "phone": invitation.phone_masked,
        "role": invitation.role,
        "branch_id": invitation.branch.public_id if invitation.branch else None,
    }


@router.get("/merchants/{merchant_id}/staff", response=list[StaffOut])
def staff_list(request, merchant_id: str):
    """The staff and the open invitations (phones masked)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    members = staff_selectors.merchant_staff(user=request.auth, merchant=merchant)
    invitations = staff_selectors.merchant_staff_invitations(
        user=request.auth, merchant=merchant
    )
    return [_member_out(m) for m in members] + [_invitation_out(i) for i in invitations]


@router.post("/merchants/{merchant_id}/staff", response={201: StaffOut})
def staff_invite_endpoint(request, merchant_id: str, payload: StaffInviteIn):
    """Add a number's holder to the staff, or invite the number by SMS."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    branch = None
    if payload.branch_id:
        branch = get_object_or_404(Branch, public_id=payload.branch_id)
    try:
        result = staff_invite(
            actor=request.auth,
            merchant=merchant,
            phone=payload.phone,
            role=payload.role,
            branch=branch,
        )
    except ValidationError as error:
        raise CatalogError(
            "invalid", error.messages[0], fields={"phone": error.messages}
        ) from error
    if isinstance(result, MerchantMembership):
        return Status(201, _member_out(result))
    return Status(201, _invitation_out(result))


@router.delete("/merchants/{merchant_id}/staff/{user_id}", response={204: None})
def staff_remove_endpoint(request, merchant_id: str, user_id: str):
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    membership = staff_selectors.membership_get_for_owner(
        user=request.auth, merchant=merchant, user_public_id=user_id
    )
    staff_remove(actor=request.auth, membership=membership)
    return Status(204, None)
