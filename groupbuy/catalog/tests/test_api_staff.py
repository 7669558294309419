"""The staff API: owners list and invite; cashiers and outsiders are refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Branch, StaffInvitation
from groupbuy.catalog.tests.factories import make_merchant_member, make_phone, make_user

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_an_owner_invites_by_api_and_sees_the_invitation_masked(client):
    owner = make_merchant_member(role="owner")
    merchant = owner.merchant
    url = f"/api/catalog/merchants/{merchant.public_id}/staff"
    phone = make_phone()
    response = client.post(
        url,
        {"phone": phone, "role": "cashier"},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    assert response.status_code == 201
    assert response.json()["status"] == "invited"
    assert response.json()["phone"] == phone[:-8] + "****" + phone[-4:]
    listed = client.get(url, headers=_auth(owner.user)).json()
    assert {item["status"] for item in listed["items"]} == {"member", "invited"}
    assert (listed["total"], listed["page"], listed["pages"]) == (2, 1, 1)
    bad = client.post(
        url,
        {"phone": "12", "role": "cashier"},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    assert bad.status_code == 400
    assert StaffInvitation.objects.count() == 1


def test_a_member_answers_an_invitation_by_api(client):
    # given an owner inviting a shopper, who has an account, twice over
    owner = make_merchant_member(role="owner")
    merchant = owner.merchant
    shopper, declining = make_user(), make_user()
    url = f"/api/catalog/merchants/{merchant.public_id}/staff"
    for person in (shopper, declining):
        invited = client.post(
            url,
            {"phone": person.phone, "role": "cashier"},
            content_type="application/json",
            headers=_auth(owner.user),
        )
        # then each is an invitation, not a member
        assert invited.status_code == 201
        assert (invited.json()["status"], invited.json()["name"]) == ("invited", "")
        assert invited.json()["expires_at"].endswith("Z")
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    mine = client.get("/api/catalog/staff-invitations", headers=_auth(shopper)).json()[
        "items"
    ]
    assert [
        (item["merchant_id"], item["role"], item["is_acceptable"], item["reason"])
        for item in mine
    ] == [(merchant.public_id, "cashier", True, "")]
    invitation_id = mine[0]["id"]
    accept = f"/api/catalog/staff-invitations/{invitation_id}/accept"
    # when someone else (the other invitee, the owner) accepts it: not found
    for intruder in (declining, owner.user):
        assert client.post(accept, headers=_auth(intruder)).status_code == 404
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    # when the shopper accepts it
    accepted = client.post(accept, headers=_auth(shopper))
    assert accepted.status_code == 200
    assert accepted.json() == {
        "merchant_id": merchant.public_id,
        "role": "cashier",
        "branch_id": None,
    }
    assert MerchantMembership.objects.get(user=shopper).role == "cashier"
    # and the other declines theirs
    (theirs,) = client.get(
        "/api/catalog/staff-invitations", headers=_auth(declining)
    ).json()["items"]
    declined = client.post(
        f"/api/catalog/staff-invitations/{theirs['id']}/decline",
        headers=_auth(declining),
    )
    assert declined.status_code == 204
    assert not MerchantMembership.objects.filter(user=declining).exists()
    assert not StaffInvitation.objects.filter(accepted_at=None).exists()


def test_an_expired_invitation_is_a_409_by_api(client):
    owner = make_merchant_member(role="owner")
    shopper = make_user()
    client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
        {"phone": shopper.phone, "role": "cashier"},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    invitation = StaffInvitation.objects.get()
    StaffInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(
        f"/api/catalog/staff-invitations/{invitation.public_id}/accept",
        headers=_auth(shopper),
    )
    assert (response.status_code, response.json()["code"]) == (409, "expired")
    listed = client.get("/api/catalog/staff-invitations", headers=_auth(shopper))
    assert (listed.json()["items"], listed.json()["total"]) == ([], 0)
    assert not MerchantMembership.objects.filter(user=shopper).exists()


def test_an_invitation_to_a_branch_closed_since_is_a_409_by_api(client):
    # given a shopper invited as a cashier at a branch that has closed since
    owner = make_merchant_member(role="owner")
    branch = Branch.objects.create(merchant=owner.merchant, name="人民广场店")
    shopper = make_user(preferred_language="en")
    client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
        {"phone": shopper.phone, "role": "cashier", "branch_id": branch.public_id},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    invitation = StaffInvitation.objects.get()
    Branch.objects.filter(pk=branch.pk).update(is_active=False)
    words = (
        "The branch 人民广场店 has closed since this invitation was sent: "
        "ask the shop for a new invitation."
    )
    # then their list shows it as not acceptable, and why
    (mine,) = client.get(
        "/api/catalog/staff-invitations", headers=_auth(shopper)
    ).json()["items"]
    assert (mine["is_acceptable"], mine["reason"]) == (False, words)
    # when they accept it anyway: a 409 in words, and nothing written
    response = client.post(
        f"/api/catalog/staff-invitations/{invitation.public_id}/accept",
        headers=_auth(shopper),
    )
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["message"]) == (
        "branch_closed",
        words,
    )
    assert not MerchantMembership.objects.filter(user=shopper).exists()
    assert StaffInvitation.objects.get().accepted_at is None
    # another person still finds nothing to accept
    other = client.post(
        f"/api/catalog/staff-invitations/{invitation.public_id}/accept",
        headers=_auth(owner.user),
    )
    assert other.status_code == 404
    # and they may still decline it
    declined = client.post(
        f"/api/catalog/staff-invitations/{invitation.public_id}/decline",
        headers=_auth(shopper),
    )
    assert declined.status_code == 204
    assert not StaffInvitation.objects.exists()


def test_only_the_merchants_owners_withdraw_an_invitation_by_api(client):
    # given an owner's invitation, the shop's cashier and another shop's owner
    owner = make_merchant_member(role="owner")
    merchant = owner.merchant
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    other_owner = make_merchant_member(role="owner").user
    created = client.post(
        f"/api/catalog/merchants/{merchant.public_id}/staff",
        {"phone": make_user().phone, "role": "cashier"},
        content_type="application/json",
        headers=_auth(owner.user),
    ).json()
    url = (
        f"/api/catalog/merchants/{merchant.public_id}/staff/invitations/{created['id']}"
    )
    # when they withdraw it, then the others are refused and the owner is not
    for intruder in (cashier, other_owner, make_user()):
        assert client.delete(url, headers=_auth(intruder)).status_code == 403
    assert StaffInvitation.objects.exists()
    assert client.delete(url, headers=_auth(owner.user)).status_code == 204
    assert not StaffInvitation.objects.exists()


def test_cashiers_and_outsiders_cannot_see_or_invite_staff(client):
    owner = make_merchant_member(role="owner")
    merchant = owner.merchant
    cashier = make_merchant_member(merchant=merchant, role="cashier").user
    other_owner = make_merchant_member(role="owner").user
    url = f"/api/catalog/merchants/{merchant.public_id}/staff"
    for actor in (cashier, other_owner, make_user()):
        assert client.get(url, headers=_auth(actor)).status_code == 403
        response = client.post(
            url,
            {"phone": make_phone(), "role": "owner"},
            content_type="application/json",
            headers=_auth(actor),
        )
        assert response.status_code == 403
    assert not StaffInvitation.objects.exists()
    assert MerchantMembership.objects.filter(merchant=merchant).count() == 2


def test_inviting_a_member_again_by_api_is_a_409_that_changes_nothing(client):
    owner = make_merchant_member(role="owner")
    cashier = make_merchant_member(merchant=owner.merchant, role="cashier")
    for member, role in ((owner, "cashier"), (cashier, "owner")):
        response = client.post(
            f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
            {"phone": member.user.phone, "role": role},
            content_type="application/json",
            headers=_auth(owner.user),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "already_staff"
        member.refresh_from_db()
        assert member.role != role


def test_an_owner_at_one_branch_is_refused_by_api(client):
    owner = make_merchant_member(role="owner")
    branch = Branch.objects.create(
        merchant=owner.merchant, name="人民广场店", address="1 Rd"
    )
    response = client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
        {"phone": make_phone(), "role": "owner", "branch_id": branch.public_id},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["branch_id"]
    assert not StaffInvitation.objects.exists()


def test_inviting_to_a_closed_branch_is_refused_on_its_field(client):
    # given an owner who reads English and a branch of theirs that has closed
    owner = make_merchant_member(role="owner")
    owner.user.preferred_language = "en"
    owner.user.save(update_fields=["preferred_language"])
    closed = Branch.objects.create(
        merchant=owner.merchant, name="Closed", address="1 Rd", is_active=False
    )
    # when they invite a cashier there
    response = client.post(
        f"/api/catalog/merchants/{owner.merchant.public_id}/staff",
        {"phone": make_phone(), "role": "cashier", "branch_id": closed.public_id},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    # then it is a 400 on the branch, and nobody is invited
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {
        "branch_id": ["That branch is closed: choose an open branch."]
    }
    assert not StaffInvitation.objects.exists()


def test_the_staff_and_my_invitations_come_a_page_at_a_time(client):
    # given a shop with an owner, 2 cashiers and 2 open invitations, one of
    # them to a shopper invited by 3 shops
    owner = make_merchant_member(role="owner")
    merchant = owner.merchant
    for _ in range(2):
        make_merchant_member(merchant=merchant, role="cashier")
    shopper = make_user()
    others = [make_merchant_member(role="owner") for _ in range(2)]
    for inviter in (owner, *others):
        client.post(
            f"/api/catalog/merchants/{inviter.merchant.public_id}/staff",
            {"phone": shopper.phone, "role": "cashier"},
            content_type="application/json",
            headers=_auth(inviter.user),
        )
    client.post(
        f"/api/catalog/merchants/{merchant.public_id}/staff",
        {"phone": make_phone(), "role": "cashier"},
        content_type="application/json",
        headers=_auth(owner.user),
    )
    url = f"/api/catalog/merchants/{merchant.public_id}/staff"
    # when each is read 2 at a time
    staff = [
        client.get(f"{url}?page={page}&page_size=2", headers=_auth(owner.user)).json()
        for page in (1, 2, 3, 4)
    ]
    invitations = client.get(
        "/api/catalog/staff-invitations?page_size=2", headers=_auth(shopper)
    ).json()
    # then the staff come members first, then invitations, in the lists' envelope
    assert [[item["status"] for item in page["items"]] for page in staff] == [
        ["member", "member"],
        ["member", "invited"],
        ["invited"],
        [],
    ]
    assert {(page["total"], page["pages"]) for page in staff} == {(5, 3)}
    assert staff[3]["page"] == 4  # past the last: empty, the page asked for
    assert (invitations["total"], invitations["pages"]) == (3, 2)
    assert len(invitations["items"]) == 2
    assert {item["merchant_id"] for item in invitations["items"]} <= {
        merchant.public_id,
        *(other.merchant.public_id for other in others),
    }


def test_the_api_document_declares_the_staff_pages(client):
    document = client.get("/api/openapi.json").json()
    for path, name in (
        ("/api/catalog/merchants/{merchant_id}/staff", "StaffPageOut"),
        ("/api/catalog/staff-invitations", "MyStaffInvitationPageOut"),
    ):
        operation = document["paths"][path]["get"]
        answer = operation["responses"]["200"]["content"]["application/json"]
        assert answer["schema"] == {"$ref": f"#/components/schemas/{name}"}
        assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"]}
        page = document["components"]["schemas"][name]
        assert {"items", "page", "page_size", "total", "pages"} == set(
            page["properties"]
        )
