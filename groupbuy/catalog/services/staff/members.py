"""A merchant's staff members: removing one and changing their role; the
rules both keep (a role's branch, a shop never without an owner)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.catalog.selectors import branch_name_lazy, merchant_name_lazy
from groupbuy.core.audit import audit_log
from groupbuy.notify.services import notification_enqueue

Role = MerchantMembership.Role


def _check_role_and_branch(merchant: Merchant, role: str, branch: Branch | None):
    if role not in Role.values:
        raise CatalogError(
            "invalid", _("Not a staff role."), fields={"role": [_("Not a staff role.")]}
        )
    if branch is not None and branch.merchant_id != merchant.pk:
        message = _("That branch belongs to another merchant.")
        raise CatalogError("invalid", message, fields={"branch": [message]})
    if branch is not None and role == Role.OWNER:
        # Refused rather than dropped: the owner meant something by the branch,
        # and an owner listed "at" a branch would still run every branch.
        message = _(
            "An owner runs every branch: a branch is for a cashier only. "
            "Choose All branches, or the cashier role."
        )
        raise CatalogError("invalid", message, fields={"branch": [message]})


def _check_branch_open(branch: Branch | None) -> None:
    if branch is not None and not branch.is_active:
        message = _("That branch is closed: choose an open branch.")
        raise CatalogError("invalid", message, fields={"branch": [message]})


def _keep_an_owner(merchant: Merchant, user) -> None:
    """Refuse to demote or remove ``user`` when no other owner who can sign
    in would be left, whoever asks: a merchant without an owner has nobody to
    run its staff, branches and deals, and an owner whose account is switched
    off (or erased) runs nothing. Locks the owners' rows, so two owners cannot
    demote each other at once."""
    owners = (
        MerchantMembership.objects.select_for_update(of=("self",))
        .filter(merchant=merchant, role=Role.OWNER)
        .order_by("pk")
        .values_list("user_id", "user__is_active")
    )
    if not any(active for user_id, active in owners if user_id != user.pk):
        message = _(
            "This is the merchant's only owner: make someone else an owner first."
        )
        raise CatalogError(
            "last_owner", message, status=409, fields={"role": [message]}
        )


def staff_remove(*, actor, membership: MerchantMembership) -> None:
    """Take someone off a merchant's staff (owners and operators); an owner
    cannot remove themselves, and nobody removes a merchant's only owner."""
    merchant = membership.merchant
    require_merchant_owner(actor, merchant)
    if membership.user_id == getattr(actor, "pk", None):
        raise CatalogError(
            "invalid", _("You cannot remove yourself from the staff."), status=409
        )
    with transaction.atomic():
        if membership.role == Role.OWNER:
            _keep_an_owner(merchant, membership.user)
        audit_log(
            actor=actor,
            action="accounts.membership.removed",
            obj=membership,
            data={"user": membership.user.public_id, "role": membership.role},
        )
        MerchantMembership.objects.filter(pk=membership.pk).delete()


def staff_role_change(
    *, actor, membership: MerchantMembership, role: str, branch: Branch | None = None
) -> MerchantMembership:
    """Make a member of a merchant's staff an owner (of every branch) or a
    cashier (at one open branch, or all of them); return the membership.

    Owners and operators only; the only owner stays an owner (409
    ``last_owner``). The person is told. The same role and branch again changes
    and tells nothing.
    """
    merchant = membership.merchant
    require_merchant_owner(actor, merchant)
    _check_role_and_branch(merchant, role, branch)
    with transaction.atomic():
        membership = _locked_with_owners(membership)
        before = (membership.role, membership.branch)
        if before == (role, branch):
            return membership
        if branch != before[1]:
            # Staying at a branch that has closed is no move to it.
            _check_branch_open(branch)
        if membership.role == Role.OWNER and role != Role.OWNER:
            _keep_an_owner(merchant, membership.user)
        membership.role, membership.branch = role, branch
        membership.save(update_fields=["role", "branch"])
        entry = audit_log(
            actor=actor,
            action="accounts.membership.role_changed",
            obj=membership,
            data={
                "user": membership.user.public_id,
                "merchant": merchant.public_id,
                "role": role,
                "branch": branch.public_id if branch else None,
                "previous_role": before[0],
                "previous_branch": before[1].public_id if before[1] else None,
            },
        )
        _tell_the_member(membership, change_id=entry.pk)
    return membership


def _locked_with_owners(membership: MerchantMembership) -> MerchantMembership:
    """Lock the merchant's owners and ``membership`` in primary-key order (two
    owners demoting each other wait for one another) and re-read it; 404 if it
    is gone."""
    locked = {
        row.pk: row
        for row in MerchantMembership.objects.select_for_update(of=("self",))
        .filter(merchant_id=membership.merchant_id)
        .filter(Q(role=Role.OWNER) | Q(pk=membership.pk))
        .select_related("user", "merchant", "branch")
        .order_by("pk")
    }
    if membership.pk not in locked:
        raise CatalogError("not_found", _("There is no such staff member."), status=404)
    return locked[membership.pk]


def _tell_the_member(membership: MerchantMembership, *, change_id: int) -> None:
    merchant = membership.merchant
    if membership.role == Role.OWNER:
        body = gettext_lazy("You run every branch and the shop's staff.")
    elif membership.branch is not None:
        body = format_lazy(
            gettext_lazy("At the branch {branch}."),
            branch=branch_name_lazy(membership.branch),
        )
    else:
        body = gettext_lazy("At every branch.")
    notification_enqueue(
        recipient=membership.user,
        kind="catalog.staff.role_changed",
        title=format_lazy(
            gettext_lazy("Your role at {merchant} is now {role}"),
            merchant=merchant_name_lazy(merchant),
            role=Role(membership.role).label,
        ),
        body=body,
        url=reverse("web:merchant_dashboard", args=[merchant.public_id]),
        data={"merchant": merchant.public_id, "role": membership.role},
        idempotency_key=f"catalog.staff.role_changed:{change_id}",
    )
