"""Owners change a staff member's role and branch; the shop keeps an owner."""

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.services.staff import staff_role_change
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _shop():
    """An owner, two open branches and a cashier at the first."""
    owner = make_merchant_member(role=Role.OWNER)
    merchant = owner.merchant
    east = make_branch(merchant=merchant, name="East")
    west = make_branch(merchant=merchant, name="West")
    cashier = make_merchant_member(
        merchant=merchant,
        role=Role.CASHIER,
        branch=east,
        user=make_user(preferred_language="en"),
    )
    return owner, cashier, east, west


def _roles(merchant):
    return sorted(
        MerchantMembership.objects.filter(merchant=merchant).values_list(
            "user", "role", "branch"
        )
    )


def test_an_owner_moves_a_cashier_to_another_branch_and_the_cashier_is_told():
    # given a cashier at East
    owner, cashier, east, west = _shop()
    # when the owner moves them to West (twice)
    changed = staff_role_change(
        actor=owner.user, membership=cashier, role=Role.CASHIER, branch=west
    )
    again = staff_role_change(
        actor=owner.user, membership=cashier, role=Role.CASHIER, branch=west
    )
    # then they are a cashier at West, audited and told once
    assert (changed.pk, changed.role, changed.branch) == (cashier.pk, "cashier", west)
    assert again.pk == cashier.pk
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.CASHIER, west)
    entry = AuditEntry.objects.get(action="accounts.membership.role_changed")
    assert entry.actor == owner.user
    assert {key: entry.data[key] for key in ("role", "branch", "previous_branch")} == {
        "role": "cashier",
        "branch": west.public_id,
        "previous_branch": east.public_id,
    }
    notice = Notification.objects.get(recipient=cashier.user)
    assert (notice.kind, notice.url) == (
        "catalog.staff.role_changed",
        f"/merchant/{owner.merchant.public_id}/",
    )
    # the shop named in each reader's language (its English name here)
    assert owner.merchant.name_en and owner.merchant.name_en != owner.merchant.name
    assert notice.text_in("en") == (
        f"Your role at {owner.merchant.name_en} is now Cashier",
        "At the branch West.",
    )


def test_a_cashier_becomes_an_owner_and_an_owner_a_cashier_if_another_owner_remains():
    owner, cashier, east, _west = _shop()
    # when the owner makes the cashier an owner
    staff_role_change(actor=owner.user, membership=cashier, role=Role.OWNER)
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.OWNER, None)
    # then the new owner may make the first a cashier at East
    staff_role_change(
        actor=cashier.user, membership=owner, role=Role.CASHIER, branch=east
    )
    assert _roles(owner.merchant) == sorted(
        [(owner.user.pk, Role.CASHIER, east.pk), (cashier.user.pk, Role.OWNER, None)]
    )
    assert (
        AuditEntry.objects.filter(action="accounts.membership.role_changed").count()
        == 2
    )
    assert Notification.objects.filter(kind="catalog.staff.role_changed").count() == 2


def test_the_only_owner_stays_an_owner_whoever_asks():
    owner, _cashier, east, _west = _shop()
    before = _roles(owner.merchant)
    for actor in (owner.user, make_user(is_staff=True)):
        with pytest.raises(CatalogError) as refused:
            staff_role_change(
                actor=actor, membership=owner, role=Role.CASHIER, branch=east
            )
        assert (refused.value.code, refused.value.status) == ("last_owner", 409)
        assert refused.value.fields == {
            "role": [
                "This is the merchant's only owner: make someone else an owner first."
            ]
        }
    assert _roles(owner.merchant) == before
    assert not AuditEntry.objects.filter(
        action="accounts.membership.role_changed"
    ).exists()
    assert not Notification.objects.filter(kind="catalog.staff.role_changed").exists()


def test_an_owner_whose_account_is_off_does_not_count_as_the_other_owner():
    # given a shop whose second owner's account is switched off
    owner, _cashier, east, _west = _shop()
    switched_off = make_merchant_member(
        merchant=owner.merchant, role=Role.OWNER, user=make_user(is_active=False)
    )
    assert switched_off.user.is_active is False
    # when the active owner is made a cashier
    with pytest.raises(CatalogError) as refused:
        staff_role_change(
            actor=owner.user, membership=owner, role=Role.CASHIER, branch=east
        )
    # then it is refused: nobody who can sign in would run the shop
    assert (refused.value.code, refused.value.status) == ("last_owner", 409)
    owner.refresh_from_db()
    assert owner.role == Role.OWNER


def test_cashiers_and_other_merchants_owners_cannot_change_roles():
    owner, cashier, _east, _west = _shop()
    other_owner = make_merchant_member(role=Role.OWNER).user
    before = _roles(owner.merchant)
    for actor in (cashier.user, other_owner, make_user()):
        with pytest.raises(CatalogError) as refused:
            staff_role_change(
                actor=actor, membership=cashier, role=Role.OWNER, branch=None
            )
        assert refused.value.status == 403
    assert _roles(owner.merchant) == before
    assert not Notification.objects.filter(kind="catalog.staff.role_changed").exists()


def test_another_merchants_or_a_closed_branch_or_an_owner_at_a_branch_is_refused():
    owner, cashier, east, _west = _shop()
    elsewhere = make_branch(name="Elsewhere")
    closed = make_branch(merchant=owner.merchant, name="Closed", is_active=False)
    refusals = {
        (Role.CASHIER, elsewhere): "That branch belongs to another merchant.",
        (Role.CASHIER, closed): "That branch is closed: choose an open branch.",
        (Role.OWNER, east): (
            "An owner runs every branch: a branch is for a cashier only. "
            "Choose All branches, or the cashier role."
        ),
    }
    for (role, branch), message in refusals.items():
        with pytest.raises(CatalogError) as refused:
            staff_role_change(
                actor=owner.user, membership=cashier, role=role, branch=branch
            )
        assert refused.value.fields == {"branch": [message]}
    with pytest.raises(CatalogError) as refused:
        staff_role_change(actor=owner.user, membership=cashier, role="boss")
    assert refused.value.fields == {"role": ["Not a staff role."]}
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.CASHIER, east)
