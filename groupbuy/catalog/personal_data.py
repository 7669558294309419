"""What the catalog holds about a person: staff invitations.

An owner's invitation to join a staff is kept under the keyed hash of the
number it was sent to (``StaffInvitation.phone_hash``) and names its invitee
once an account holds that number. Those addressed to the person, by account
or by a number of theirs while it was theirs (``accounts.selectors.
phones_held``), are exported and go with their erasure; those they sent as an
owner stay with the shop, no longer tied to them. Their memberships are the
accounts app's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import PersonalDataExport, PersonalDataProvider


def _invitations_to(user):
    """Return the invitations to ``user``: those naming them as invitee, and
    those sent to a number of theirs while it was theirs that no account
    claimed (one sent to a number they had, after it went, is its next
    holder's)."""
    from django.db.models import Q

    from groupbuy.accounts.personal_data import held_before
    from groupbuy.accounts.selectors import phones_held
    from groupbuy.catalog.models import StaffInvitation
    from groupbuy.notify.addresses import contact_hash
    from groupbuy.notify.models import Invitation

    sent_to = Q(pk__in=[])
    for held in phones_held(user=user):
        sent_to |= Q(
            phone_hash=contact_hash(Invitation.Kind.PHONE, held.phone),
            invitee__isnull=True,
            **held_before(held, "created_at"),
        )
    return StaffInvitation.objects.filter(sent_to | Q(invitee=user))


def _invitations_received(user) -> list[dict]:
    invitations = _invitations_to(user).select_related("merchant", "branch")
    return [
        {
            "id": invitation.public_id,
            "merchant": invitation.merchant.public_id,
            "merchant_name": invitation.merchant.name,
            "role": invitation.role,
            "branch": (
                {"id": invitation.branch.public_id, "name": invitation.branch.name}
                if invitation.branch
                else None
            ),
            # The masked number it was sent to, as the shop's owners see it.
            "sent_to": invitation.phone_masked,
            "invited_at": invitation.created_at,
            "expires_at": invitation.expires_at,
            "accepted_at": invitation.accepted_at,
        }
        for invitation in invitations.order_by("created_at", "pk")
    ]


def _invitations_sent(user) -> list[dict]:
    from groupbuy.catalog.models import StaffInvitation

    invitations = StaffInvitation.objects.filter(invited_by=user)
    return [
        {
            # Not the number it went to: that is the invitee's.
            "id": invitation.public_id,
            "merchant": invitation.merchant.public_id,
            "role": invitation.role,
            "invited_at": invitation.created_at,
            "accepted_at": invitation.accepted_at,
        }
        for invitation in invitations.select_related("merchant").order_by(
            "created_at", "pk"
        )
    ]


class CatalogPersonalData(PersonalDataProvider):
    holds = gettext_lazy(
        "the invitations to join a shop's staff sent to you, and those you sent"
    )

    def export(self, user) -> PersonalDataExport:
        return PersonalDataExport(
            records={
                "staff_invitations": _invitations_received(user),
                "staff_invitations_sent": _invitations_sent(user),
            }
        )

    def erase(self, user) -> None:
        from groupbuy.catalog.models import StaffInvitation

        # Before accounts' erasure, which forgets the numbers they had.
        _invitations_to(user).delete()
        # Those they sent stay the shop's (its owners see them on the staff
        # page), tied to nobody: their invitee's answer is told to no one.
        StaffInvitation.objects.filter(invited_by=user).update(invited_by=None)
