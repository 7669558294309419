"""Owners invite staff by phone number; the number's holder (now, or once they
sign up and verify it) joins only by accepting."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.signals import phone_verified
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, StaffInvitation
from groupbuy.catalog.permissions import is_merchant_staff
from groupbuy.catalog.selectors.staff import (
    merchant_staff_invitations,
    staff_invitations_for_user,
)
from groupbuy.catalog.services.staff import (
    staff_invitation_accept,
    staff_invitation_cancel,
    staff_invitation_decline,
    staff_invitations_attach,
    staff_invite,
    staff_remove,
)
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant,
    make_merchant_member,
    make_phone,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Invitation, Notification

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _owner():
    membership = make_merchant_member(role=Role.OWNER)
    return membership.user, membership.merchant


def test_a_member_is_invited_and_joins_only_when_they_accept():
    # given an owner, a branch and a verified shopper 小王
    owner, merchant = _owner()
    branch = Branch.objects.create(merchant=merchant, name="East", address="1 Rd")
    shopper = make_user(phone_verified_at=timezone.now(), display_name="小王")
    # when the owner invites 小王 as a cashier at East
    invitation = staff_invite(
        actor=owner,
        merchant=merchant,
        phone=shopper.phone,
        role=Role.CASHIER,
        branch=branch,
    )
    # then 小王 is not on the staff yet, and finds the invitation in their inbox
    assert (invitation.invitee, invitation.role, invitation.branch) == (
        shopper,
        Role.CASHIER,
        branch,
    )
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    assert not is_merchant_staff(shopper, merchant)
    notice = Notification.objects.get(recipient=shopper)
    assert (notice.kind, notice.url) == (
        "catalog.staff.invited",
        "/me/staff-invitations/",
    )
    assert not Invitation.objects.exists()  # no SMS invitation: they have an account
    assert list(staff_invitations_for_user(user=shopper)) == [invitation]
    # when 小王 accepts (twice)
    membership = staff_invitation_accept(actor=shopper, invitation=invitation)
    again = staff_invitation_accept(actor=shopper, invitation=invitation)
    # then they are a cashier at East, once, and the owner is told
    assert again.pk == membership.pk
    assert (membership.user, membership.role, membership.branch) == (
        shopper,
        Role.CASHIER,
        branch,
    )
    assert is_merchant_staff(shopper, merchant)
    told = Notification.objects.get(recipient=owner)
    assert (told.kind, told.url) == (
        "catalog.staff.answered",
        f"/merchant/{merchant.public_id}/staff/",
    )
    assert (
        AuditEntry.objects.filter(action="catalog.staff.invitation_accepted").count()
        == 1
    )
    assert list(staff_invitations_for_user(user=shopper)) == []


@override_settings(GROUPBUY_STAFF_INVITATION_DAYS=3)
def test_an_invitation_lasts_the_configured_days():
    owner, merchant = _owner()
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=make_phone(), role=Role.CASHIER
    )
    lifetime = invitation.expires_at - invitation.created_at
    assert timedelta(days=3) - timedelta(seconds=5) < lifetime <= timedelta(days=3)


def test_a_number_without_an_account_is_invited_by_sms_and_answers_after_sign_up():
    # given an owner inviting a number nobody has signed up with
    owner, merchant = _owner()
    phone = make_phone()
    # when
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=phone, role=Role.OWNER
    )
    again = staff_invite(actor=owner, merchant=merchant, phone=phone, role="cashier")
    # then one invitation (renewed with the new role) and one SMS
    assert isinstance(invitation, StaffInvitation)
    assert again.pk == invitation.pk
    assert again.role == Role.CASHIER
    assert Invitation.objects.count() == 1
    sms = Notification.objects.get()
    assert sms.kind == "catalog.staff.invited"
    assert sms.url == "/signup/?next=%2Fme%2Fstaff-invitations%2F"
    assert AuditEntry.objects.filter(action="catalog.staff.invited").count() == 2
    # when someone signs up with that number and verifies it
    newcomer = make_user(phone=phone)
    phone_verified.send(sender=type(newcomer), user=newcomer, phone_e164=phone)
    # then the invitation is theirs to answer, and they are not staff yet
    invitation.refresh_from_db()
    assert (invitation.invitee, invitation.accepted_at) == (newcomer, None)
    assert not MerchantMembership.objects.filter(user=newcomer).exists()
    assert phone not in str(vars(invitation))  # only a hash and the masked form
    assert staff_invitations_attach(user=newcomer, phone_e164=phone) == 0
    # when they accept, they join with the role offered last
    staff_invitation_accept(actor=newcomer, invitation=invitation)
    membership = MerchantMembership.objects.get(user=newcomer)
    assert (membership.merchant, membership.role) == (merchant, Role.CASHIER)


def test_declining_deletes_the_invitation_and_tells_the_owner():
    # given an invitation to a shopper
    owner, merchant = _owner()
    shopper = make_user(display_name="小王")
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=shopper.phone, role=Role.CASHIER
    )
    # when they decline it
    staff_invitation_decline(actor=shopper, invitation=invitation)
    # then it is gone, they are not staff, and the owner reads who declined
    assert not StaffInvitation.objects.exists()
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    told = Notification.objects.get(recipient=owner)
    assert told.kind == "catalog.staff.answered"
    assert "小王 declined" in str(told.shown_title)
    assert AuditEntry.objects.filter(
        action="catalog.staff.invitation_declined"
    ).exists()
    with pytest.raises(CatalogError) as refused:
        staff_invitation_accept(actor=shopper, invitation=invitation)
    assert refused.value.status == 404


def test_an_expired_invitation_cannot_be_accepted():
    # given an invitation that expired a minute ago
    owner, merchant = _owner()
    shopper = make_user()
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=shopper.phone, role=Role.CASHIER
    )
    StaffInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # when the shopper accepts it
    with pytest.raises(CatalogError) as refused:
        staff_invitation_accept(actor=shopper, invitation=invitation)
    # then it is refused, and neither side lists it any more
    assert (refused.value.code, refused.value.status) == ("expired", 409)
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    assert list(staff_invitations_for_user(user=shopper)) == []
    assert list(merchant_staff_invitations(user=owner, merchant=merchant)) == []
    assert not Notification.objects.filter(recipient=owner).exists()


def test_an_invitation_to_a_branch_closed_since_cannot_be_accepted():
    # given a shopper invited as a cashier at 人民广场店, which then closes
    owner, merchant = _owner()
    branch = make_branch(merchant=merchant, name="人民广场店")
    shopper = make_user(preferred_language="en")
    invitation = staff_invite(
        actor=owner,
        merchant=merchant,
        phone=shopper.phone,
        role=Role.CASHIER,
        branch=branch,
    )
    Branch.objects.filter(pk=branch.pk).update(is_active=False)
    # when the shopper accepts it
    with translation.override("en"), pytest.raises(CatalogError) as refused:
        staff_invitation_accept(actor=shopper, invitation=invitation)
    # then it is refused in plain words, and nothing is written
    assert (refused.value.code, refused.value.status) == ("branch_closed", 409)
    assert refused.value.message == (
        "The branch 人民广场店 has closed since this invitation was sent: "
        "ask the shop for a new invitation."
    )
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    assert StaffInvitation.objects.get().accepted_at is None
    assert not AuditEntry.objects.filter(
        action="catalog.staff.invitation_accepted"
    ).exists()
    assert not Notification.objects.filter(recipient=owner).exists()
    # and it is still theirs to decline (or to accept if the branch reopens)
    (listed,) = staff_invitations_for_user(user=shopper)
    assert listed.branch_has_closed
    Branch.objects.filter(pk=branch.pk).update(is_active=True)
    membership = staff_invitation_accept(actor=shopper, invitation=invitation)
    assert (membership.role, membership.branch) == (Role.CASHIER, branch)


def test_nobody_else_answers_someone_elses_invitation():
    # given an invitation to a shopper
    owner, merchant = _owner()
    shopper = make_user()
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=shopper.phone, role=Role.OWNER
    )
    cashier = make_merchant_member(merchant=merchant, role=Role.CASHIER).user
    # when another shopper, the shop's cashier or its owner answers it
    for intruder in (make_user(), cashier, owner, make_user(is_staff=True)):
        for answer in (staff_invitation_accept, staff_invitation_decline):
            with pytest.raises(CatalogError) as refused:
                answer(actor=intruder, invitation=invitation)
            # then it is not found for them and nothing changes
            assert refused.value.status == 404
    assert StaffInvitation.objects.get().accepted_at is None
    assert MerchantMembership.objects.filter(merchant=merchant).count() == 2
    assert not is_merchant_staff(shopper, merchant)


def test_an_owner_withdraws_an_invitation_and_a_cashier_cannot():
    # given an invitation to a shopper, and the shop's cashier
    owner, merchant = _owner()
    shopper = make_user()
    cashier = make_merchant_member(merchant=merchant, role=Role.CASHIER).user
    invitation = staff_invite(
        actor=owner, merchant=merchant, phone=shopper.phone, role=Role.CASHIER
    )
    # when the cashier withdraws it, then it is refused
    with pytest.raises(CatalogError) as refused:
        staff_invitation_cancel(actor=cashier, invitation=invitation)
    assert refused.value.status == 403
    # when the owner withdraws it, then the shopper can no longer accept it
    staff_invitation_cancel(actor=owner, invitation=invitation)
    assert not StaffInvitation.objects.exists()
    with pytest.raises(CatalogError) as gone:
        staff_invitation_accept(actor=shopper, invitation=invitation)
    assert gone.value.status == 404
    assert not MerchantMembership.objects.filter(user=shopper).exists()


def test_only_owners_invite_and_only_to_their_own_branches():
    owner, merchant = _owner()
    cashier = make_merchant_member(merchant=merchant, role=Role.CASHIER).user
    other_owner = make_merchant_member(role=Role.OWNER).user
    for actor in (cashier, other_owner, make_user()):
        with pytest.raises(CatalogError) as refused:
            staff_invite(
                actor=actor, merchant=merchant, phone=make_phone(), role="cashier"
            )
        assert refused.value.status == 403
    elsewhere = Branch.objects.create(
        merchant=make_merchant(), name="West", address="2 Rd"
    )
    with pytest.raises(CatalogError) as refused:
        staff_invite(
            actor=owner,
            merchant=merchant,
            phone=make_phone(),
            role="cashier",
            branch=elsewhere,
        )
    assert refused.value.fields == {
        "branch": ["That branch belongs to another merchant."]
    }
    with pytest.raises(CatalogError):
        staff_invite(actor=owner, merchant=merchant, phone=make_phone(), role="boss")
    assert not StaffInvitation.objects.exists()
    assert not Invitation.objects.exists()


def test_an_owner_removes_staff_but_not_themselves():
    owner, merchant = _owner()
    owner_membership = MerchantMembership.objects.get(user=owner)
    cashier = make_merchant_member(merchant=merchant, role=Role.CASHIER)
    staff_remove(actor=owner, membership=cashier)
    assert not MerchantMembership.objects.filter(pk=cashier.pk).exists()
    assert AuditEntry.objects.filter(action="accounts.membership.removed").exists()
    with pytest.raises(CatalogError):
        staff_remove(actor=owner, membership=owner_membership)
    assert MerchantMembership.objects.filter(pk=owner_membership.pk).exists()


def test_inviting_someone_already_on_the_staff_says_so_and_changes_nothing():
    # given a shop with its owner and a cashier 鲜邻收银员 at 人民广场店
    owner, merchant = _owner()
    branch = Branch.objects.create(merchant=merchant, name="人民广场店", address="1 Rd")
    cashier = make_merchant_member(
        merchant=merchant,
        role=Role.CASHIER,
        branch=branch,
        user=make_user(display_name="鲜邻收银员"),
    )
    audited = AuditEntry.objects.count()
    # when the owner invites the cashier again (as owner) and their own number
    with pytest.raises(CatalogError) as again:
        staff_invite(
            actor=owner, merchant=merchant, phone=cashier.user.phone, role=Role.OWNER
        )
    with pytest.raises(CatalogError) as themselves:
        staff_invite(
            actor=owner, merchant=merchant, phone=owner.phone, role=Role.CASHIER
        )
    # then both are refused, naming the role they have, and nothing changes
    assert (again.value.code, again.value.status) == ("already_staff", 409)
    assert again.value.fields == {
        "phone": [
            "鲜邻收银员 is already on your staff (Cashier · 人民广场店). "
            "Nothing was changed."
        ]
    }
    assert themselves.value.code == "already_staff"
    assert "(Owner)" in themselves.value.message
    assert sorted(
        MerchantMembership.objects.filter(merchant=merchant).values_list(
            "user", "role", "branch"
        )
    ) == sorted(
        [(owner.pk, Role.OWNER, None), (cashier.user.pk, Role.CASHIER, branch.pk)]
    )
    assert AuditEntry.objects.count() == audited
    assert not Notification.objects.exists()
    assert not StaffInvitation.objects.exists()


def test_an_operator_cannot_remove_a_merchants_only_owner():
    owner, merchant = _owner()
    operator = make_user(is_staff=True)
    with pytest.raises(CatalogError) as refused:
        staff_remove(
            actor=operator, membership=MerchantMembership.objects.get(user=owner)
        )
    assert refused.value.code == "last_owner"
    assert MerchantMembership.objects.filter(user=owner, role=Role.OWNER).exists()
    # one of two owners may go
    second = make_merchant_member(merchant=merchant, role=Role.OWNER)
    staff_remove(actor=operator, membership=second)
    assert not MerchantMembership.objects.filter(pk=second.pk).exists()


def test_an_owner_is_not_invited_to_one_branch():
    # given an owner and one of their branches
    owner, merchant = _owner()
    branch = Branch.objects.create(merchant=merchant, name="人民广场店", address="1 Rd")
    shopper = make_user(phone_verified_at=timezone.now())
    # when they invite someone as owner at that branch
    for phone in (shopper.phone, make_phone()):
        with pytest.raises(CatalogError) as refused:
            staff_invite(
                actor=owner,
                merchant=merchant,
                phone=phone,
                role=Role.OWNER,
                branch=branch,
            )
        # then it is refused on the branch and nobody is added or invited
        assert refused.value.fields == {
            "branch": [
                "An owner runs every branch: a branch is for a cashier only. "
                "Choose All branches, or the cashier role."
            ]
        }
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    assert not StaffInvitation.objects.exists()
    assert not Invitation.objects.exists()


def test_nobody_is_invited_to_a_closed_branch():
    # given an owner and one of their branches, closed
    owner, merchant = _owner()
    closed = Branch.objects.create(
        merchant=merchant, name="人民广场店", address="1 Rd", is_active=False
    )
    shopper = make_user(phone_verified_at=timezone.now())
    audited = AuditEntry.objects.count()
    # when they invite a shopper and a number without an account there
    for phone in (shopper.phone, make_phone()):
        with pytest.raises(CatalogError) as refused:
            staff_invite(
                actor=owner,
                merchant=merchant,
                phone=phone,
                role=Role.CASHIER,
                branch=closed,
            )
        # then it is refused on the branch, as the role change refuses it
        assert (refused.value.code, refused.value.status) == ("invalid", 400)
        assert refused.value.fields == {
            "branch": ["That branch is closed: choose an open branch."]
        }
    # and nobody is invited, told or audited
    assert not StaffInvitation.objects.exists()
    assert not Invitation.objects.exists()
    assert not Notification.objects.exists()
    assert AuditEntry.objects.count() == audited


def test_staff_messages_name_the_shop_in_each_readers_language():
    # They named it as the owner's language had it when sent: "鲜邻超市
    # invites you to join its staff" in an English inbox.
    owner, merchant = _owner()
    merchant.name, merchant.name_en = "鲜邻超市", "FreshNeighbour Market"
    merchant.save(update_fields=["name", "name_en"])
    shopper = make_user(phone_verified_at=timezone.now(), display_name="Lan")
    with translation.override("zh-hans"):
        invitation = staff_invite(
            actor=owner, merchant=merchant, phone=shopper.phone, role=Role.CASHIER
        )
        staff_invitation_accept(actor=shopper, invitation=invitation)
    for recipient, kind in (
        (shopper, "catalog.staff.invited"),
        (owner, "catalog.staff.answered"),
    ):
        notice = Notification.objects.get(recipient=recipient, kind=kind)
        assert "FreshNeighbour Market" in notice.text_in("en")[0]
        assert "鲜邻超市" in notice.text_in("zh-hans")[0]


def test_inviting_and_withdrawing_again_and_again_texts_a_number_a_few_times_only(
    django_capture_on_commit_callbacks, settings
):
    from groupbuy.notify.models import Delivery

    # given an owner and a number that has no account
    settings.GROUPBUY_INVITATIONS_PER_ADDRESS_PER_DAY = 3
    owner, merchant = _owner()
    phone = make_phone()
    # when the owner invites it and withdraws the invitation ten times
    with django_capture_on_commit_callbacks(execute=False):
        for _round in range(10):
            invitation = staff_invite(
                actor=owner, merchant=merchant, phone=phone, role=Role.CASHIER
            )
            staff_invitation_cancel(actor=owner, invitation=invitation)
    # then the number is texted three times, not ten
    assert Delivery.objects.filter(channel="sms").count() == 3
