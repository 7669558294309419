"""A merchant's staff: list, invite by phone number, withdraw an invitation,
change a member's role, remove (owners only); and the invitations waiting for
my answer."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog import selectors
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch
from groupbuy.catalog.selectors import staff as staff_selectors
from groupbuy.catalog.services.staff import (
    branch_closed_message,
    staff_invitation_accept,
    staff_invitation_cancel,
    staff_invitation_decline,
    staff_invite,
    staff_remove,
    staff_role_change,
)
from groupbuy.core.api_types import answer_choices
from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate

router = Router(tags=["catalog"])


# The roles a client may give, in the document (others: 400 invalid).
ROLES = {"enum": list(MerchantMembership.Role.values)}


class StaffInviteIn(Schema):
    phone: str = Field(max_length=20)
    role: str = Field(max_length=10, json_schema_extra=ROLES)
    branch_id: str | None = Field(
        None, description="A cashier's branch (`br_…`); none: every branch."
    )


class StaffRoleIn(Schema):
    role: str = Field(max_length=10, json_schema_extra=ROLES)
    # a cashier's branch; none: every branch
    branch_id: str | None = Field(
        None, description="A cashier's branch (`br_…`); none: every branch."
    )


class StaffOut(Schema):
    id: str
    status: str = answer_choices(["member", "invited"])
    name: str
    phone: str  # masked
    role: str = answer_choices(MerchantMembership.Role)
    branch_id: str | None
    expires_at: datetime | None = None  # an invitation's


class MyStaffInvitationOut(Schema):
    id: str
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    role: str = answer_choices(MerchantMembership.Role)
    branch_id: str | None
    branch_name: str = Field(
        description="The branch's name in the reader's language, \"\" for every branch."
    )
    expires_at: datetime
    is_acceptable: bool  # false while its branch is closed (it may be declined)
    reason: str  # why not, in the reader's language; "" when acceptable


class StaffPageOut(PageOut):
    items: list[StaffOut]


class MyStaffInvitationPageOut(PageOut):
    items: list[MyStaffInvitationOut]


class StaffInvitationAcceptedOut(Schema):
    merchant_id: str
    role: str = answer_choices(MerchantMembership.Role)
    branch_id: str | None


# The services name the branch they take; these requests send its id.
_REQUEST_NAMES = {"branch": "branch_id"}


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
        "expires_at": invitation.expires_at,
    }


@router.get("/merchants/{merchant_id}/staff", response=StaffPageOut)
def staff_list(request, merchant_id: str, paging: Query[PageIn]):
    """The staff, then the open invitations (phones masked), paged."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    members = staff_selectors.merchant_staff(user=request.auth, merchant=merchant)
    invitations = staff_selectors.merchant_staff_invitations(
        user=request.auth, merchant=merchant
    )
    # Short by nature (a shop's staff): paged as one list, members first.
    rows = [_member_out(m) for m in members] + [_invitation_out(i) for i in invitations]
    return page_payload(paginate(rows, page=paging.page, page_size=paging.page_size))


@router.post("/merchants/{merchant_id}/staff", response={201: StaffOut})
def staff_invite_endpoint(request, merchant_id: str, payload: StaffInviteIn):
    """Invite a number's holder to the staff (in their inbox, or by SMS); they
    join once they accept."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    branch = None
    if payload.branch_id:
        with id_in_request("branch_id"):
            branch = get_object_or_404(Branch, public_id=payload.branch_id)
    try:
        with fields_renamed(_REQUEST_NAMES):
            invitation = staff_invite(
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
    return Status(201, _invitation_out(invitation))


@router.delete("/merchants/{merchant_id}/staff/{user_id}", response={204: None})
def staff_remove_endpoint(request, merchant_id: str, user_id: str):
    """Remove someone from the shop's staff (owners)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    membership = staff_selectors.membership_get_for_owner(
        user=request.auth, merchant=merchant, user_public_id=user_id
    )
    staff_remove(actor=request.auth, membership=membership)
    return Status(204, None)


@router.patch("/merchants/{merchant_id}/staff/{user_id}", response=StaffOut)
def staff_role_change_endpoint(
    request, merchant_id: str, user_id: str, payload: StaffRoleIn
):
    """Make a member an owner or a cashier (at one branch, or all); they are
    told."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    membership = staff_selectors.membership_get_for_owner(
        user=request.auth, merchant=merchant, user_public_id=user_id
    )
    branch = None
    if payload.branch_id:
        with id_in_request("branch_id"):
            branch = get_object_or_404(Branch, public_id=payload.branch_id)
    with fields_renamed(_REQUEST_NAMES):
        membership = staff_role_change(
            actor=request.auth, membership=membership, role=payload.role, branch=branch
        )
    return _member_out(membership)


@router.delete(
    "/merchants/{merchant_id}/staff/invitations/{invitation_id}",
    response={204: None},
)
def staff_invitation_withdraw(request, merchant_id: str, invitation_id: str):
    """Withdraw an invitation nobody accepted yet (owners)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    invitation = staff_selectors.staff_invitation_get_for_owner(
        user=request.auth, merchant=merchant, public_id=invitation_id
    )
    staff_invitation_cancel(actor=request.auth, invitation=invitation)
    return Status(204, None)


def _my_invitation_out(invitation) -> dict:
    branch = invitation.branch
    return {
        "id": invitation.public_id,
        "merchant_id": invitation.merchant.public_id,
        "merchant_name": invitation.merchant.display_name,
        "role": invitation.role,
        "branch_id": branch.public_id if branch else None,
        "branch_name": branch.display_name if branch else "",
        "expires_at": invitation.expires_at,
        "is_acceptable": not invitation.branch_has_closed,
        "reason": (
            branch_closed_message(invitation) if invitation.branch_has_closed else ""
        ),
    }


@router.get("/staff-invitations", response=MyStaffInvitationPageOut)
def my_staff_invitations(request, paging: Query[PageIn]):
    """The invitations to join a merchant's staff waiting for my answer, the
    soonest to expire first (paged)."""
    invitations = staff_selectors.staff_invitations_for_user(user=request.auth)
    result = paginate(invitations, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [_my_invitation_out(i) for i in result.items])


@router.post(
    "/staff-invitations/{invitation_id}/accept", response=StaffInvitationAcceptedOut
)
def my_staff_invitation_accept(request, invitation_id: str):
    """Join the shop's staff with the role and branch I was offered."""
    invitation = staff_selectors.staff_invitation_get_for_invitee(
        user=request.auth, public_id=invitation_id
    )
    membership = staff_invitation_accept(actor=request.auth, invitation=invitation)
    return {
        "merchant_id": invitation.merchant.public_id,
        "role": membership.role,
        "branch_id": membership.branch.public_id if membership.branch else None,
    }


@router.post("/staff-invitations/{invitation_id}/decline", response={204: None})
def my_staff_invitation_decline(request, invitation_id: str):
    """Decline an invitation to a shop's staff; the owner who sent it is told."""
    invitation = staff_selectors.staff_invitation_get_for_invitee(
        user=request.auth, public_id=invitation_id
    )
    staff_invitation_decline(actor=request.auth, invitation=invitation)
    return Status(204, None)
