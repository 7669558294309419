"""Owners invite staff by phone number; a number without an account joins when
its holder signs up and verifies it."""

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.signals import phone_verified
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, StaffInvitation
from groupbuy.catalog.services.staff import (
    staff_invitations_accept,
    staff_invite,
    staff_remove,
)
from groupbuy.catalog.tests.factories import (
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


def test_a_number_with_an_account_joins_the_staff_at_once_and_is_told():
    # given an owner, a branch and a verified shopper
    owner, merchant = _owner()
    branch = Branch.objects.create(merchant=merchant, name="East", address="1 Rd")
    shopper = make_user(phone_verified_at=timezone.now())
    # when
    membership = staff_invite(
        actor=owner,
        merchant=merchant,
        phone=shopper.phone,
        role=Role.CASHIER,
        branch=branch,
    )
    # then
    assert (membership.user, membership.role, membership.branch) == (
        shopper,
        Role.CASHIER,
        branch,
    )
    notice = Notification.objects.get(recipient=shopper)
    assert notice.kind == "catalog.staff.added"
    assert not StaffInvitation.objects.exists()


def test_a_number_without_an_account_is_invited_by_sms_and_joins_on_sign_up():
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
    assert Notification.objects.get().kind == "catalog.staff.invited"
    assert AuditEntry.objects.filter(action="catalog.staff.invited").count() == 2
    # when someone signs up with that number and verifies it
    newcomer = make_user(phone=phone)
    phone_verified.send(sender=type(newcomer), user=newcomer, phone_e164=phone)
    # then they are staff and the invitation is used up
    membership = MerchantMembership.objects.get(user=newcomer)
    assert (membership.merchant, membership.role) == (merchant, Role.CASHIER)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert phone not in str(vars(invitation))  # only a hash and the masked form
    assert staff_invitations_accept(user=newcomer, phone_e164=phone) == 0


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
