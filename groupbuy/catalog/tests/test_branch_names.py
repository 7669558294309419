"""Words about the staff name a branch in the reader's language: its English
name in English when it has one, else its Chinese name."""

import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services.staff import staff_invite, staff_role_change
from groupbuy.catalog.services.staff.invitations import branch_closed_message
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role

LANGUAGES = pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "East Gate", "东门店"), ("zh-hans", "东门店", "East Gate")],
)


def _shop_with_east_gate():
    owner = make_merchant_member(role=Role.OWNER)
    east = make_branch(merchant=owner.merchant, name="东门店", name_en="East Gate")
    return owner, east


@LANGUAGES
def test_a_closed_branchs_invitation_names_the_branch_as_read(language, shown, hidden):
    # given an invitation to East Gate
    owner, east = _shop_with_east_gate()
    invitation = staff_invite(
        actor=owner.user,
        merchant=owner.merchant,
        phone=make_user().phone,
        role=Role.CASHIER,
        branch=east,
    )
    # when the invitee reads why it cannot be accepted, in the language
    with translation.override(language):
        message = branch_closed_message(invitation)
    # then
    assert shown in message
    assert hidden not in message


@LANGUAGES
def test_inviting_a_cashier_again_names_their_branch_as_read(language, shown, hidden):
    # given a cashier at East Gate
    owner, east = _shop_with_east_gate()
    cashier = make_merchant_member(
        merchant=owner.merchant, role=Role.CASHIER, branch=east
    )
    # when the owner invites them again, reading the language
    with translation.override(language), pytest.raises(CatalogError) as refused:
        staff_invite(
            actor=owner.user,
            merchant=owner.merchant,
            phone=cashier.user.phone,
            role=Role.CASHIER,
        )
    # then the refusal names their branch as the owner reads it
    assert refused.value.code == "already_staff"
    assert shown in refused.value.message
    assert hidden not in refused.value.message


def test_a_cashier_moved_to_a_branch_is_told_its_name_in_their_language():
    # given a cashier at every branch
    owner, east = _shop_with_east_gate()
    cashier = make_merchant_member(merchant=owner.merchant, role=Role.CASHIER)
    # when the owner moves them to East Gate
    staff_role_change(
        actor=owner.user, membership=cashier, role=Role.CASHIER, branch=east
    )
    # then the notice names the branch in each reader's language
    notice = Notification.objects.get(recipient=cashier.user)
    assert notice.text_in("en")[1] == "At the branch East Gate."
    assert "东门店" in notice.text_in("zh-hans")[1]
    assert "East Gate" not in notice.text_in("zh-hans")[1]
