"""The owner's staff page: change a member's role and branch on their row."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_merchant_member,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
Role = MerchantMembership.Role


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _person(name=""):
    return make_user(preferred_language="en", display_name=name)


def _shop():
    """An owner, open branches East and West, and a cashier at East."""
    owner = make_merchant_member(role=Role.OWNER, user=_person("店主"))
    east = make_branch(merchant=owner.merchant, name="East")
    west = make_branch(merchant=owner.merchant, name="West")
    cashier = make_merchant_member(
        merchant=owner.merchant, role=Role.CASHIER, branch=east, user=_person("小王")
    )
    return owner, cashier, east, west


def _role_url(membership, merchant=None) -> str:
    merchant = merchant or membership.merchant
    return reverse(
        "web:merchant_staff_role",
        args=[merchant.public_id, membership.user.public_id],
    )


def _fields(membership, role, branch="") -> dict:
    prefix = f"role-{membership.user.public_id}"
    return {f"{prefix}-role": role, f"{prefix}-branch": branch}


def _staff(merchant):
    return sorted(
        MerchantMembership.objects.filter(merchant=merchant).values_list(
            "user", "role", "branch"
        )
    )


def test_each_row_has_a_role_form_showing_the_members_role_and_branch():
    owner, cashier, east, _west = _shop()
    page = _login(owner.user).get(
        reverse("web:merchant_staff", args=[owner.merchant.public_id])
    )
    html = page.content.decode()
    for member in (owner, cashier):
        assert f'id="staff-role-form-{member.user.public_id}"' in html
    prefix = f"role-{cashier.user.public_id}"
    assert f'<option value="{east.public_id}" selected>East</option>' in html
    assert f'name="{prefix}-role"' in html


def test_an_owner_moves_a_cashier_to_another_branch_on_the_page():
    # given a cashier at East
    owner, cashier, _east, west = _shop()
    # when the owner saves West on the cashier's row
    response = _login(owner.user).post(
        _role_url(cashier),
        _fields(cashier, "cashier", west.public_id),
        follow=True,
    )
    # then the page says so and lists them at West; the cashier is told
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "web:merchant_staff", args=[owner.merchant.public_id]
    )
    assert "The role is saved. They have been told." in html
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.CASHIER, west)
    notice = Notification.objects.get(recipient=cashier.user)
    assert notice.kind == "catalog.staff.role_changed"


def test_a_cashier_becomes_an_owner_and_the_first_owner_a_cashier_on_the_page():
    owner, cashier, east, _west = _shop()
    # when the owner makes the cashier an owner (the branch field left as it was)
    promoted = _login(owner.user).post(
        _role_url(cashier), _fields(cashier, "owner", "")
    )
    # and the new owner makes the first owner a cashier at East
    demoted = _login(cashier.user).post(
        _role_url(owner), _fields(owner, "cashier", east.public_id)
    )
    # then both are saved
    assert (promoted.status_code, demoted.status_code) == (302, 302)
    assert _staff(owner.merchant) == sorted(
        [(owner.user.pk, Role.CASHIER, east.pk), (cashier.user.pk, Role.OWNER, None)]
    )


def test_an_owner_who_makes_themselves_a_cashier_goes_to_the_dashboard():
    owner, cashier, east, _west = _shop()
    cashier.role, cashier.branch = Role.OWNER, None
    cashier.save()
    response = _login(owner.user).post(
        _role_url(owner), _fields(owner, "cashier", east.public_id)
    )
    assert response.url == reverse(
        "web:merchant_dashboard", args=[owner.merchant.public_id]
    )
    owner.refresh_from_db()
    assert owner.role == Role.CASHIER


def test_the_only_owner_is_refused_on_the_role_field_of_their_row():
    owner, _cashier, east, _west = _shop()
    before = _staff(owner.merchant)
    response = _login(owner.user).post(
        _role_url(owner), _fields(owner, "cashier", east.public_id)
    )
    assert response.status_code == 200
    form = dict(response.context["staff_rows"])[owner]
    assert form.errors == {
        "role": ["This is the merchant's only owner: make someone else an owner first."]
    }
    # and their row's form stays open to show it
    assert response.content.decode().count('<details class="confirm" open>') == 1
    assert _staff(owner.merchant) == before
    assert not Notification.objects.exists()


def test_another_merchants_branch_is_refused_on_the_branch_field():
    owner, cashier, east, _west = _shop()
    elsewhere = make_branch(name="Elsewhere")
    closed = make_branch(merchant=owner.merchant, name="Closed", is_active=False)
    for branch in (elsewhere, closed):
        response = _login(owner.user).post(
            _role_url(cashier), _fields(cashier, "cashier", branch.public_id)
        )
        assert response.status_code == 200
        form = dict(response.context["staff_rows"])[cashier]
        assert list(form.errors) == ["branch"]
    response = _login(owner.user).post(
        _role_url(cashier), _fields(cashier, "owner", east.public_id)
    )
    form = dict(response.context["staff_rows"])[cashier]
    assert "a branch is for a cashier only" in form.errors["branch"][0]
    cashier.refresh_from_db()
    assert (cashier.role, cashier.branch) == (Role.CASHIER, east)


def test_a_cashier_at_a_closed_branch_keeps_it_when_made_to_stay_there():
    owner, cashier, east, _west = _shop()
    east.is_active = False
    east.save()
    response = _login(owner.user).post(
        _role_url(cashier), _fields(cashier, "cashier", east.public_id)
    )
    assert response.status_code == 302
    cashier.refresh_from_db()
    assert cashier.branch == east
    assert not Notification.objects.exists()


def test_cashiers_and_other_merchants_owners_cannot_change_roles_on_the_page():
    owner, cashier, _east, _west = _shop()
    other = make_merchant_member(role=Role.OWNER)
    other_cashier = make_merchant_member(merchant=other.merchant, role=Role.CASHIER)
    before = _staff(owner.merchant)
    # the shop's cashier, the other shop's owner and a shopper: 403
    for actor in (cashier.user, other.user, _person()):
        response = _login(actor).post(_role_url(cashier), _fields(cashier, "owner", ""))
        assert response.status_code == 403
    # this shop's member under the other shop's page, and back: 404
    assert (
        _login(other.user)
        .post(_role_url(cashier, other.merchant), _fields(cashier, "owner"))
        .status_code
        == 404
    )
    assert (
        _login(owner.user)
        .post(_role_url(other_cashier, owner.merchant), _fields(other_cashier, "owner"))
        .status_code
        == 404
    )
    # a GET changes nothing either
    assert _login(owner.user).get(_role_url(cashier)).status_code == 405
    assert _staff(owner.merchant) == before
    assert not Notification.objects.exists()
