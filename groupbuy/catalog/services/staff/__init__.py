"""A merchant's staff: invitations a person accepts (``invitations``), and the
members' roles and removal (``members``)."""

from groupbuy.catalog.services.staff.invitations import (
    branch_closed_message,
    invitation_days,
    staff_invitation_accept,
    staff_invitation_cancel,
    staff_invitation_decline,
    staff_invitations_attach,
    staff_invite,
)
from groupbuy.catalog.services.staff.members import staff_remove, staff_role_change

__all__ = [
    "branch_closed_message",
    "invitation_days",
    "staff_invitation_accept",
    "staff_invitation_cancel",
    "staff_invitation_decline",
    "staff_invitations_attach",
    "staff_invite",
    "staff_remove",
    "staff_role_change",
]
