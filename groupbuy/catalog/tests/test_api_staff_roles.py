"""PATCH /api/catalog/merchants/{id}/staff/{user id}: an owner changes a
member's role and branch; cashiers and other merchants' owners cannot."""

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _patch(client, membership, body, *, actor, merchant=None):
    merchant = merchant or membership.merchant
    return client.patch(
        f"/api/catalog/merchants/{merchant.public_id}/staff/"
        f"{membership.user.public_id}",
        body,
        content_type="application/json",
        headers=_auth(actor),
    )


def _shop():
    owner = make_merchant_member(role=Role.OWNER)
    east = make_branch(merchant=owner.merchant, name="East")
    west = make_branch(merchant=owner.merchant, name="West")
    cashier = make_merchant_member(
        merchant=owner.merchant, role=Role.CASHIER, branch=east
    )
    return owner, cashier, east, west


def test_an_owner_moves_a_cashier_and_makes_them_an_owner_by_api(client):
    # given a cashier at East
    owner, cashier, _east, west = _shop()
    # when the owner moves them to West
    moved = _patch(
        client,
        cashier,
        {"role": "cashier", "branch_id": west.public_id},
        actor=owner.user,
    )
    # then the answer is the member as listed, and they are told
    assert moved.status_code == 200
    assert {key: moved.json()[key] for key in ("id", "status", "role")} == {
        "id": cashier.user.public_id,
        "status": "member",
        "role": "cashier",
    }
    assert moved.json()["branch_id"] == west.public_id
    # when the owner makes them an owner, who makes the first a cashier
    promoted = _patch(client, cashier, {"role": "owner"}, actor=owner.user)
    demoted = _patch(
        client,
        owner,
        {"role": "cashier", "branch_id": west.public_id},
        actor=cashier.user,
    )
    # then both changed, and each was told of each change to them
    assert (promoted.status_code, promoted.json()["branch_id"]) == (200, None)
    assert demoted.status_code == 200
    assert sorted(
        MerchantMembership.objects.filter(merchant=owner.merchant).values_list(
            "user", "role", "branch"
        )
    ) == sorted([(owner.user.pk, "cashier", west.pk), (cashier.user.pk, "owner", None)])
    assert (
        Notification.objects.filter(
            recipient=cashier.user, kind="catalog.staff.role_changed"
        ).count()
        == 2
    )
    assert (
        Notification.objects.filter(
            recipient=owner.user, kind="catalog.staff.role_changed"
        ).count()
        == 1
    )


def test_the_only_owner_cannot_be_made_a_cashier_by_api(client):
    owner, _cashier, east, _west = _shop()
    response = _patch(
        client,
        owner,
        {"role": "cashier", "branch_id": east.public_id},
        actor=owner.user,
    )
    assert (response.status_code, response.json()["code"]) == (409, "last_owner")
    assert list(response.json()["fields"]) == ["role"]
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_cashiers_outsiders_and_other_merchants_owners_are_refused_by_api(client):
    # given a shop, its cashier, and another shop's owner with their cashier
    owner, cashier, _east, _west = _shop()
    other = make_merchant_member(role=Role.OWNER)
    other_cashier = make_merchant_member(merchant=other.merchant, role=Role.CASHIER)
    # when the cashier, the other owner and a shopper promote the cashier: 403
    for actor in (cashier.user, other.user, make_user()):
        response = _patch(client, cashier, {"role": "owner"}, actor=actor)
        assert response.status_code == 403
    # when the other owner names this shop's cashier under their own shop: 404,
    # and this shop's owner names the other's cashier under this shop: 404
    assert (
        _patch(
            client,
            cashier,
            {"role": "owner"},
            actor=other.user,
            merchant=other.merchant,
        ).status_code
        == 404
    )
    assert (
        _patch(
            client,
            other_cashier,
            {"role": "owner"},
            actor=owner.user,
            merchant=owner.merchant,
        ).status_code
        == 404
    )
    # then nothing changed and nobody was told
    assert MerchantMembership.objects.filter(role=Role.CASHIER).count() == 2
    assert not Notification.objects.filter(kind="catalog.staff.role_changed").exists()


def test_another_merchants_branch_or_a_closed_one_is_refused_on_its_field(client):
    owner, cashier, east, _west = _shop()
    owner.user.preferred_language = "en"  # the API speaks it; we compare English
    owner.user.save(update_fields=["preferred_language"])
    elsewhere = make_branch(name="Elsewhere")
    closed = make_branch(merchant=owner.merchant, name="Closed", is_active=False)
    for branch, message in (
        (elsewhere, "That branch belongs to another merchant."),
        (closed, "That branch is closed: choose an open branch."),
    ):
        response = _patch(
            client,
            cashier,
            {"role": "cashier", "branch_id": branch.public_id},
            actor=owner.user,
        )
        assert response.status_code == 400
        assert response.json()["fields"] == {"branch_id": [message]}
    bad_role = _patch(client, cashier, {"role": "boss"}, actor=owner.user)
    assert (bad_role.status_code, list(bad_role.json()["fields"])) == (400, ["role"])
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.CASHIER, east)
