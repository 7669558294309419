"""A merchant's staff: owners invite people by phone number, with a role.

Nobody joins a staff without saying yes. An invitation (``StaffInvitation``)
goes to the number: its holder, if it has an account, finds it in their inbox
and on their staff invitations page; any other number gets an SMS invitation
(``notify.invitations.notification_invite``), and whoever signs up and
verifies that number (``accounts.signals.phone_verified``) becomes the
invitee. The invitee accepts (``staff_invitation_accept``: a membership with
the role offered) or declines before it expires; owners may withdraw it. An
invitation to a branch that has closed since is not accepted (it may still be
declined, and becomes acceptable again if the branch reopens).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import mask_phone, normalize_phone
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, Merchant, StaffInvitation
from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.catalog.selectors import merchant_name_lazy
from groupbuy.catalog.services.staff.members import (
    _check_branch_open,
    _check_role_and_branch,
)
from groupbuy.core.audit import audit_log
from groupbuy.notify.addresses import contact_hash
from groupbuy.notify.invitations import notification_invite
from groupbuy.notify.models import Invitation
from groupbuy.notify.services import notification_enqueue

Role = MerchantMembership.Role


def _phone_hash(phone_e164: str) -> str:
    return contact_hash(Invitation.Kind.PHONE, phone_e164)


def _member_with(phone: str):
    # As notify.invitations does: phone numbers are unique, so an account that
    # holds the number is its holder (nobody else could sign up with it).
    return get_user_model().objects.filter(phone=phone, is_active=True).first()


def invitation_days() -> int:
    return int(getattr(settings, "GROUPBUY_STAFF_INVITATION_DAYS", 14))


def staff_invite(
    *, actor, merchant: Merchant, phone: str, role: str, branch: Branch | None = None
) -> StaffInvitation:
    """Invite the holder of ``phone`` to ``merchant``'s staff; return the (new or
    renewed) invitation.

    Owners and operators only. Inviting the same number again updates the role
    and branch and notifies nobody twice; inviting someone already on the staff
    is refused (409 ``already_staff``), and so is a closed branch.
    """
    require_merchant_owner(actor, merchant)
    phone = normalize_phone(phone)
    _check_role_and_branch(merchant, role, branch)
    # A cashier invited to a closed branch could redeem nowhere.
    _check_branch_open(branch)
    with transaction.atomic():
        member = _member_with(phone)
        if member is not None:
            _refuse_a_member(merchant, member)
        return _invite(actor, merchant, phone, role, branch, invitee=member)


def _refuse_a_member(merchant: Merchant, member) -> None:
    """Refuse to invite someone already on the staff, and change nothing: an
    invitation is no way to change a member's role or branch."""
    membership = (
        MerchantMembership.objects.filter(merchant=merchant, user=member)
        .select_related("branch")
        .first()
    )
    if membership is None:
        return
    role = Role(membership.role).label
    if membership.branch is not None:
        role = f"{role} · {membership.branch.display_name}"
    message = _(
        "%(name)s is already on your staff (%(role)s). Nothing was changed."
    ) % {
        "name": member.display_name or mask_phone(member.phone),
        "role": role,
    }
    raise CatalogError(
        "already_staff", message, status=409, fields={"phone": [message]}
    )


def _invite(actor, merchant, phone, role, branch, *, invitee) -> StaffInvitation:
    now = timezone.now()
    invitation, created = StaffInvitation.objects.update_or_create(
        merchant=merchant,
        phone_hash=_phone_hash(phone),
        accepted_at=None,
        defaults={
            "phone_masked": mask_phone(phone),
            "role": role,
            "branch": branch,
            "invited_by": actor,
            "invitee": invitee,
            "expires_at": now + timedelta(days=invitation_days()),
        },
    )
    audit_log(
        actor=actor,
        action="catalog.staff.invited",
        obj=invitation,
        data={"merchant": merchant.public_id, "role": role, "renewed": not created},
    )
    answer_url = reverse("web:staff_invitations")
    if invitee is not None:
        body = gettext_lazy("Role: {role}. Accept or decline it within {days} days.")
        url = answer_url
    else:
        body = gettext_lazy("Sign up with this number to accept. Role: {role}.")
        url = f"{reverse('web:signup')}?{urlencode({'next': answer_url})}"
    notification_invite(
        actor=actor,
        address=phone,
        kind="catalog.staff.invited",
        title=format_lazy(
            gettext_lazy("{merchant} invites you to join its staff"),
            merchant=merchant_name_lazy(merchant),
        ),
        body=format_lazy(body, role=Role(role).label, days=invitation_days()),
        url=url,
        data={"merchant": merchant.public_id, "role": role},
        idempotency_key=f"catalog.staff.invite:{invitation.public_id}",
    )
    return invitation


@transaction.atomic
def staff_invitations_attach(
    *, user, phone_e164: str, now: datetime | None = None
) -> int:
    """Make ``user``, who just verified ``phone_e164``, the invitee of the
    unexpired invitations sent to that number before it had an account; return
    how many. They still accept or decline each. Again changes nothing."""
    now = now or timezone.now()
    pending = list(
        StaffInvitation.objects.select_for_update()
        .filter(
            phone_hash=_phone_hash(phone_e164),
            invitee__isnull=True,
            accepted_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("pk")
    )
    for invitation in pending:
        invitation.invitee = user
        invitation.save(update_fields=["invitee"])
        audit_log(
            actor=user,
            action="catalog.staff.invitation_attached",
            obj=invitation,
            data={"merchant": invitation.merchant.public_id},
        )
    return len(pending)


def _locked_for_invitee(actor, invitation: StaffInvitation) -> StaffInvitation:
    """Lock and re-read ``invitation``; 404 unless ``actor`` is its invitee
    (someone else's invitation is none of their business)."""
    locked = (
        StaffInvitation.objects.select_for_update(of=("self",))
        .select_related("merchant", "branch", "invited_by")
        .filter(pk=invitation.pk, invitee_id=getattr(actor, "pk", None))
        .first()
    )
    if locked is None:
        raise CatalogError("not_found", _("There is no such invitation."), status=404)
    return locked


def staff_invitation_accept(
    *, actor, invitation: StaffInvitation, now: datetime | None = None
) -> MerchantMembership:
    """Join the staff ``invitation`` offers ``actor`` (its invitee only), with
    its role and branch, before it expires and while its branch is open (409
    ``expired``, ``branch_closed``). Accepting again returns the same
    membership and changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = _locked_for_invitee(actor, invitation)
        merchant = invitation.merchant
        membership = MerchantMembership.objects.filter(
            merchant=merchant, user=actor
        ).first()
        if invitation.accepted_at is not None and membership is not None:
            return membership
        if invitation.expires_at <= now:
            raise CatalogError(
                "expired",
                _("This invitation has expired. Ask the shop to invite you again."),
                status=409,
            )
        # Read with the invitation, inside the lock: a branch closed since it
        # was sent would make a cashier who can redeem nowhere.
        if invitation.branch_has_closed:
            raise CatalogError(
                "branch_closed", branch_closed_message(invitation), status=409
            )
        if membership is None:  # else they joined meanwhile: keep their role
            membership = merchant_membership_add(
                actor=actor,
                user=actor,
                merchant=merchant,
                role=invitation.role,
                branch=invitation.branch,
            )
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        audit_log(
            actor=actor,
            action="catalog.staff.invitation_accepted",
            obj=invitation,
            data={"merchant": merchant.public_id, "role": invitation.role},
        )
        _tell_the_inviter(invitation, actor, accepted=True)
    return membership


def branch_closed_message(invitation: StaffInvitation) -> str:
    """Tell the invitee why ``invitation`` (to a branch that has closed) cannot
    be accepted; the invitations page says the same (one msgid)."""
    return _(
        "The branch %(branch)s has closed since this invitation was sent: "
        "ask the shop for a new invitation."
    ) % {"branch": invitation.branch.display_name}


def staff_invitation_decline(*, actor, invitation: StaffInvitation) -> None:
    """Say no to ``invitation`` (its invitee only): it is deleted, and the owner
    who sent it is told. Declining again finds nothing (404)."""
    with transaction.atomic():
        invitation = _locked_for_invitee(actor, invitation)
        if invitation.accepted_at is not None:
            raise CatalogError(
                "already_accepted",
                _("You accepted this invitation already."),
                status=409,
            )
        audit_log(
            actor=actor,
            action="catalog.staff.invitation_declined",
            obj=invitation,
            data={"merchant": invitation.merchant.public_id},
        )
        _tell_the_inviter(invitation, actor, accepted=False)
        invitation.delete()


def _tell_the_inviter(invitation: StaffInvitation, invitee, *, accepted: bool):
    inviter = invitation.invited_by
    if inviter is None:
        return
    merchant = invitation.merchant
    title = (
        gettext_lazy("{name} joined the staff of {merchant}")
        if accepted
        else gettext_lazy("{name} declined to join the staff of {merchant}")
    )
    notification_enqueue(
        recipient=inviter,
        kind="catalog.staff.answered",
        title=format_lazy(
            title,
            name=invitee.display_name or invitation.phone_masked,
            merchant=merchant_name_lazy(merchant),
        ),
        body=format_lazy(
            gettext_lazy("Role: {role}."), role=Role(invitation.role).label
        ),
        url=reverse("web:merchant_staff", args=[merchant.public_id]),
        channels=["in_app"],
        idempotency_key=f"catalog.staff.answered:{invitation.public_id}",
    )


def staff_invitation_cancel(*, actor, invitation: StaffInvitation) -> None:
    """Withdraw an invitation nobody accepted yet (owners and operators)."""
    require_merchant_owner(actor, invitation.merchant)
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="catalog.staff.invitation_cancelled",
            obj=invitation,
            data={"merchant": invitation.merchant.public_id},
        )
        StaffInvitation.objects.filter(pk=invitation.pk, accepted_at=None).delete()
