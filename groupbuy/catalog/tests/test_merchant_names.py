"""One active shop per name, case and spacing aside: the catalog's
``merchant_create`` and ``merchant_update`` refuse a taken one (409
``merchant_exists``), locked so two at once cannot both pass."""

from collections import Counter

import pytest
from django.test import Client
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Merchant
from groupbuy.catalog.tests.factories import (
    make_merchant,
    make_merchant_member,
    make_operator,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _rename(client, merchant, user, name):
    return client.patch(
        f"/api/catalog/merchants/{merchant.public_id}",
        {"name": name},
        content_type="application/json",
        headers=_auth(user),
    )


def test_an_owner_renaming_their_shop_to_another_shops_name_is_a_409(client):
    # given two shops, the second's owner reading English
    taken = make_merchant(name="Fresh Mart")
    membership = make_merchant_member()
    membership.user.preferred_language = "en"
    membership.user.save(update_fields=["preferred_language"])
    mine = membership.merchant
    before = mine.name
    # when its owner renames it to the first's name, in any case or spacing
    for name in ("Fresh Mart", "  fresh   MART "):
        response = _rename(client, mine, membership.user, name)
        # then it is refused, naming the shop that has it
        assert response.status_code == 409
        message = f"A merchant named “Fresh Mart” already exists ({taken.public_id})."
        assert response.json() == {
            "code": "merchant_exists",
            "message": message,
            "fields": {"name": [message]},
            "merchant_id": taken.public_id,
            "merchant_name": "Fresh Mart",
        }
    # and nothing changed
    mine.refresh_from_db()
    assert mine.name == before
    assert not AuditEntry.objects.filter(action="catalog.merchant.updated").exists()


def test_an_owner_may_change_the_case_of_their_own_name_or_take_a_closed_shops():
    # given a shop, and a closed shop named "Old Mart"
    membership = make_merchant_member()
    make_merchant(name="Old Mart", is_active=False)
    services.merchant_update(
        actor=membership.user, merchant=membership.merchant, name="New mart"
    )
    # when / then
    for name in ("NEW MART", "Old Mart"):
        merchant = services.merchant_update(
            actor=membership.user, merchant=membership.merchant, name=name
        )
        assert merchant.name == name


def test_another_shops_owner_and_a_shopper_may_not_rename_a_shop(client):
    # given a shop, another shop's owner and a shopper
    merchant = make_merchant(name="Fresh Mart")
    outsider = make_merchant_member().user
    for user in (outsider, make_user()):
        # when they rename it
        response = _rename(client, merchant, user, "Mine now")
        # then they are refused
        assert response.status_code == 403
    merchant.refresh_from_db()
    assert merchant.name == "Fresh Mart"


def test_creating_a_merchant_with_a_taken_name_is_refused_unless_confirmed():
    # given an active shop
    taken = make_merchant(name="Fresh Mart")
    operator = make_operator()
    # when an operator creates another of that name
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        services.merchant_create(actor=operator, name=" FRESH  mart")
    # then it is refused as merchant_exists, nothing made
    assert (caught.value.status, caught.value.code) == (409, "merchant_exists")
    assert caught.value.extra["merchant_id"] == taken.public_id
    assert Merchant.objects.count() == 1
    # and confirmed, it is made
    again = services.merchant_create(
        actor=operator, name="Fresh Mart", allow_same_name=True
    )
    assert Merchant.objects.filter(name="Fresh Mart").count() == 2
    assert again.pk != taken.pk


def test_the_ownerless_merchant_create_endpoint_is_gone(client):
    # when an operator posts a new merchant to the catalog
    response = client.post(
        "/api/catalog/merchants",
        {"name": "No owner"},
        content_type="application/json",
        headers=_auth(make_operator()),
    )
    # then there is no such endpoint (POST /api/operator/merchants names an owner)
    assert response.status_code == 405
    assert not Merchant.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_operators_creating_one_name_at_once_make_one_shop(
    file_database,  # noqa: F811
):
    # given two operators
    operators = [make_operator(), make_operator()]
    # when each creates "Fresh Mart" at the same moment
    outcomes = race(
        [
            lambda operator=operator: services.merchant_create(
                actor=operator, name="Fresh Mart"
            )
            for operator in operators
        ]
    )
    # then one is made and the other refused
    assert outcomes == Counter({"ok": 1, "merchant_exists": 1})
    assert Merchant.objects.filter(name="Fresh Mart").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_owners_renaming_their_shops_to_one_name_at_once_leave_one(
    file_database,  # noqa: F811
):
    # given two shops with their owners
    members = [make_merchant_member(), make_merchant_member()]
    # when both owners rename their shop to "Fresh Mart" at the same moment
    outcomes = race(
        [
            lambda member=member: services.merchant_update(
                actor=member.user, merchant=member.merchant, name="Fresh Mart"
            )
            for member in members
        ]
    )
    # then one is renamed and the other refused
    assert outcomes == Counter({"ok": 1, "merchant_exists": 1})
    assert Merchant.objects.filter(name="Fresh Mart").count() == 1


def _patch(client, merchant, user, body):
    return client.patch(
        f"/api/catalog/merchants/{merchant.public_id}",
        body,
        content_type="application/json",
        headers=_auth(user),
    )


def test_an_operator_cannot_switch_a_shop_by_patch_and_is_sent_to_the_switch():
    # given a closed shop and an open one, and an operator in English
    client = Client()
    closed = make_merchant(name="Fresh Mart", is_active=False)
    open_shop = make_merchant(name="Green Grocer")
    operator = make_operator(preferred_language="en")
    for merchant, value in ((closed, True), (open_shop, False)):
        # when they change is_active through the catalog PATCH
        response = _patch(client, merchant, operator, {"is_active": value})
        # then it is a 400 on is_active naming the operator's switch
        assert response.status_code == 400, response.json()
        message = (
            "A shop is switched off or on only through "
            f"/api/operator/merchants/{merchant.public_id}/switch-off or "
            f"/api/operator/merchants/{merchant.public_id}/switch-on, "
            "which tell its owners and record why."
        )
        assert response.json() == {
            "code": "switch_elsewhere",
            "message": message,
            "fields": {"is_active": [message]},
        }
        # and nothing changed or was recorded
        merchant.refresh_from_db()
        assert merchant.is_active is (not value)
    assert not AuditEntry.objects.filter(action="catalog.merchant.updated").exists()


def test_the_whole_shop_sent_back_with_is_active_unchanged_is_accepted():
    # given an owner of an open shop, and an operator
    membership = make_merchant_member()
    shop = membership.merchant
    for user in (membership.user, make_operator()):
        # when they send the whole shop back, renamed, is_active as it is
        response = _patch(
            client=Client(),
            merchant=shop,
            user=user,
            body={"name": f"Renamed by {user.pk}", "is_active": True},
        )
        # then the rename is taken and the shop stays open
        assert response.status_code == 200, response.json()
        assert response.json()["name"] == f"Renamed by {user.pk}"
        assert response.json()["is_active"] is True


def test_an_owner_cannot_switch_their_shop_back_on_by_patch(client):
    # given a shop an operator switched off, with its owner and cashier, another
    # shop's owner and a shopper
    membership = make_merchant_member()
    closed = membership.merchant
    services.merchant_active_set(
        actor=make_operator(), merchant=closed, is_active=False
    )
    cashier = make_merchant_member(
        merchant=closed, role=MerchantMembership.Role.CASHIER
    ).user
    outsider = make_merchant_member().user
    for user, status in (
        (membership.user, 403),
        (cashier, 403),
        (outsider, 403),
        (make_user(), 403),
    ):
        # when they switch it on by PATCH, or confirm a same name
        for body in ({"is_active": True}, {"is_active": True, "allow_same_name": True}):
            response = _patch(client, closed, user, body)
            # then they are refused as before: not allowed, not told to go elsewhere
            assert response.status_code == status, (user, response.json())
            assert response.json()["code"] == "forbidden"
    renamed = _rename_confirmed(client, closed, membership.user, closed.name + "!")
    assert renamed.status_code == 403
    closed.refresh_from_db()
    assert closed.is_active is False


def _rename_confirmed(client, merchant, user, name):
    return client.patch(
        f"/api/catalog/merchants/{merchant.public_id}",
        {"name": name, "allow_same_name": True},
        content_type="application/json",
        headers=_auth(user),
    )


def _admin_form(merchant, **changes) -> dict:
    form = {
        "name": merchant.name,
        "name_en": merchant.name_en,
        "description": merchant.description,
        "is_active": "on" if merchant.is_active else "",
        "branches-TOTAL_FORMS": "0",
        "branches-INITIAL_FORMS": "0",
    }
    form.update(changes)
    return form


def test_the_admin_adds_no_merchant_without_an_owner(client):
    # given an operator in the admin
    client.force_login(make_operator(is_superuser=True, preferred_language="en"))
    form = _admin_form(Merchant(name="No owner"), is_active="on")
    # when they open the admin's Add merchant, or post it
    opened = client.get("/admin/catalog/merchant/add/")
    posted = client.post("/admin/catalog/merchant/add/", form)
    # then both lead to the New merchant page, which names the owner
    assert (opened.status_code, opened["Location"]) == (
        302,
        "/operator/merchants/new/",
    )
    assert (posted.status_code, posted["Location"]) == (
        302,
        "/operator/merchants/new/",
    )
    page = client.get(opened["Location"]).content.decode()
    assert "A merchant is created with its owner, on this page." in page
    assert 'name="owner_phone"' in page
    # and no merchant is made
    assert not Merchant.objects.exists()
