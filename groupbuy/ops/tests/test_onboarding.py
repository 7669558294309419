import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.signals import phone_verified
from groupbuy.catalog.models import Merchant
from groupbuy.escrow.tests.factories import make_user
from groupbuy.notify.models import Notification
from groupbuy.ops.errors import OpsError
from groupbuy.ops.models import MerchantOwnerInvitation
from groupbuy.ops.onboarding import (
    OWNER_ADDED_KIND,
    OWNER_INVITED_KIND,
    merchant_onboard,
    owner_invitations_accept,
)

pytestmark = pytest.mark.django_db
PHONE = "+8613700001234"


def test_an_unknown_phone_gets_an_sms_invitation_and_no_owner_yet():
    # given
    operator = make_user(is_staff=True)
    # when
    merchant, invitation = merchant_onboard(
        actor=operator, name="新店", owner_phone="137 0000 1234"
    )
    # then
    assert invitation.phone == PHONE
    assert not MerchantMembership.objects.filter(merchant=merchant).exists()
    sent = Notification.objects.get(kind=OWNER_INVITED_KIND)
    assert sent.recipient is None
    assert sent.invitation.address_kind == "phone"


def test_signing_up_with_the_number_makes_the_person_owner_once():
    # given
    operator = make_user(is_staff=True)
    merchant, _invitation = merchant_onboard(
        actor=operator, name="新店", owner_phone=PHONE
    )
    person = User.objects.create_user(PHONE, "long-enough-pw")
    # when
    phone_verified.send(sender=User, user=person, phone_e164=PHONE)
    again = owner_invitations_accept(user=person, phone_e164=PHONE)
    # then
    membership = MerchantMembership.objects.get(merchant=merchant)
    assert (membership.user, membership.role) == (person, "owner")
    assert again == 0
    invitation = MerchantOwnerInvitation.objects.get()
    assert invitation.accepted_by == person


def test_a_member_becomes_owner_at_once_and_is_told():
    operator = make_user(is_staff=True)
    member = User.objects.create_user(PHONE, "long-enough-pw")
    merchant, invitation = merchant_onboard(
        actor=operator, name="新店", owner_phone=PHONE
    )
    assert invitation is None
    assert MerchantMembership.objects.get(merchant=merchant).user == member
    assert Notification.objects.get(kind=OWNER_ADDED_KIND).recipient == member


def test_only_operators_onboard_merchants():
    with pytest.raises(OpsError) as refused:
        merchant_onboard(actor=make_user(), name="新店", owner_phone=PHONE)
    assert refused.value.status == 403
    assert not Merchant.objects.exists()


def test_an_erased_person_leaves_no_number_on_owner_invitations():
    from groupbuy.ops.personal_data import OpsPersonalData

    # given an invitation accepted by the person
    operator = make_user(is_staff=True)
    merchant_onboard(actor=operator, name="新店", owner_phone=PHONE)
    person = User.objects.create_user(PHONE, "long-enough-pw")
    owner_invitations_accept(user=person, phone_e164=PHONE)
    exported = OpsPersonalData().export(person).records
    # when
    OpsPersonalData().erase(person)
    # then
    assert exported["merchant_owner_invitations"][0]["merchant"] == "新店"
    assert MerchantOwnerInvitation.objects.get().phone == ""


def test_the_new_owners_message_names_the_shop_in_their_language():
    # It named the shop as the operator's language had it: "You are the owner
    # of 鲜邻超市" in an English inbox.
    operator = make_user(is_staff=True)
    member = User.objects.create_user(PHONE, "long-enough-pw")
    with translation.override("zh-hans"):
        merchant_onboard(
            actor=operator,
            name="鲜邻超市",
            name_en="FreshNeighbour Market",
            owner_phone=PHONE,
        )
    notice = Notification.objects.get(kind=OWNER_ADDED_KIND, recipient=member)
    assert "FreshNeighbour Market" in notice.text_in("en")[1]
    assert "鲜邻超市" in notice.text_in("zh-hans")[1]
