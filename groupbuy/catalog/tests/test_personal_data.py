"""A person's staff invitations in their export and their erasure: those sent
to them (by account, or to a number of theirs while it was theirs) and those
they sent as an owner."""

import io
import json
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership, PreviousPhone
from groupbuy.catalog.models import StaffInvitation
from groupbuy.catalog.services.staff import staff_invite
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_phone,
    make_user,
)
from groupbuy.ops.personal_data import export_zip
from groupbuy.ops.services import erasure_perform, erasure_request

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role

OLD = "+8613800138051"
NEW = "+8613900139052"


def _invite(phone: str, owner=None, branch=None) -> StaffInvitation:
    owner = owner or make_merchant_member(role=Role.OWNER)
    return staff_invite(
        actor=owner.user,
        merchant=owner.merchant,
        phone=phone,
        role=Role.CASHIER,
        branch=branch,
    )


@pytest.fixture
def person():
    """Someone invited to OLD before they signed up with it (never attached: no
    code verified it), who moved to NEW and was invited there by account; OLD,
    theirs no more, was invited again for its next holder. They own a shop and
    invited a cashier to it."""
    before = _invite(OLD)
    person = make_user(phone=OLD, preferred_language="en")
    moved_at = timezone.now()
    PreviousPhone.objects.create(user=person, phone=OLD, held_until=moved_at)
    person.phone = NEW
    person.save(update_fields=["phone"])
    after = _invite(OLD)
    StaffInvitation.objects.filter(pk=after.pk).update(
        created_at=moved_at + timedelta(minutes=1)
    )
    shop = make_merchant_member(role=Role.OWNER)
    to_account = _invite(NEW, owner=shop, branch=make_branch(merchant=shop.merchant))
    own_shop = make_merchant_member(user=person, role=Role.OWNER)
    sent = _invite(make_phone(), owner=own_shop)
    return SimpleNamespace(
        user=person, before=before, after=after, to_account=to_account, sent=sent
    )


def _export(user) -> dict:
    with export_zip(user, site_name="groupbuy") as spool:
        archive = zipfile.ZipFile(io.BytesIO(spool.read()))
        return {
            name.removesuffix(".json"): json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith(".json")
        }


def test_the_export_holds_the_staff_invitations_to_them_and_from_them(person):
    # when the person exports their data
    export = _export(person.user)
    # then the invitations to OLD while it was theirs and to their account are
    # theirs, the one to OLD after they moved is not
    received = export["catalog"]["staff_invitations"]
    assert [i["id"] for i in received] == [
        person.before.public_id,
        person.to_account.public_id,
    ]
    assert [i["sent_to"] for i in received] == ["+86138****8051", "+86139****9052"]
    assert received[0]["merchant"] == person.before.merchant.public_id
    assert received[0]["role"] == "cashier"
    branch = person.to_account.branch
    assert [i["branch"] for i in received] == [
        None,
        {"id": branch.public_id, "name": branch.name},
    ]
    # and the one they sent, without the number it went to
    [sent] = export["catalog"]["staff_invitations_sent"]
    assert sent == {
        "id": person.sent.public_id,
        "merchant": person.sent.merchant.public_id,
        "role": "cashier",
        "invited_at": sent["invited_at"],
        "accepted_at": None,
    }


def test_the_erasure_deletes_invitations_to_them_and_unties_those_they_sent(
    person, django_capture_on_commit_callbacks
):
    # when the person's account is erased
    request = erasure_request(actor=person.user)
    with django_capture_on_commit_callbacks(execute=True):
        erasure_perform(actor=None, request=request)
    # then the invitations to them are gone, OLD's next holder's is kept
    assert list(StaffInvitation.objects.order_by("pk")) == [person.after, person.sent]
    # and the one they sent stays the shop's, tied to nobody
    person.sent.refresh_from_db()
    assert person.sent.invited_by is None
    assert person.sent.phone_masked.startswith("+86139****")


def test_the_export_names_the_branch_of_a_membership():
    # given a cashier at one branch
    branch = make_branch()
    cashier = make_user(preferred_language="en")
    make_merchant_member(
        user=cashier, merchant=branch.merchant, role=Role.CASHIER, branch=branch
    )
    # when they export their data
    [membership] = _export(cashier)["accounts"]["merchant_memberships"]
    # then the membership says where they work
    assert membership["role"] == "cashier"
    assert membership["branch"] == {"id": branch.public_id, "name": branch.name}
