"""One active shop per name, case and spacing aside: the catalog's
``merchant_create`` and ``merchant_update`` refuse a taken one (409
``merchant_exists``), locked so two at once cannot both pass."""

from collections import Counter

import pytest
from django.utils import translation

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


def _switch_on(client, merchant, user, **extra):
    return client.patch(
        f"/api/catalog/merchants/{merchant.public_id}",
        {"is_active": True, **extra},
        content_type="application/json",
        headers=_auth(user),
    )


def test_switching_a_shop_on_whose_name_was_taken_meanwhile_is_a_409(client):
    # given a closed "Fresh Mart", and another shop that took the name since
    closed = make_merchant(name="Fresh Mart", is_active=False)
    taken = make_merchant(name="FRESH MART")
    operator = make_operator(preferred_language="en")
    # when an operator switches the closed one on again
    response = _switch_on(client, closed, operator)
    # then it is refused as a rename to that name is, and it stays closed
    assert response.status_code == 409
    message = f"A merchant named “FRESH MART” already exists ({taken.public_id})."
    assert response.json() == {
        "code": "merchant_exists",
        "message": message,
        "fields": {"name": [message]},
        "merchant_id": taken.public_id,
        "merchant_name": "FRESH MART",
    }
    closed.refresh_from_db()
    assert closed.is_active is False
    assert not AuditEntry.objects.filter(action="catalog.merchant.updated").exists()
    # and switched on with a free name, or confirmed, it is accepted
    renamed = _switch_on(client, closed, operator, name="Fresh Mart Old Town")
    assert (renamed.status_code, renamed.json()["name"]) == (
        200,
        "Fresh Mart Old Town",
    )
    Merchant.objects.filter(pk=closed.pk).update(name="Fresh Mart", is_active=False)
    confirmed = _switch_on(client, closed, operator, allow_same_name=True)
    assert confirmed.status_code == 200, confirmed.json()
    active = Merchant.objects.filter(is_active=True, name__iexact="fresh mart")
    assert active.count() == 2


def test_only_an_operator_switches_a_shop_on_or_confirms_a_same_name(client):
    # given a closed shop with its owner, another shop's owner and a shopper
    membership = make_merchant_member()
    closed = membership.merchant
    services.merchant_update(actor=make_operator(), merchant=closed, is_active=False)
    make_merchant(name=closed.name)
    outsider = make_merchant_member().user
    for user in (membership.user, outsider, make_user()):
        # when they switch it on, or rename it confirming a same name
        for extra in ({}, {"allow_same_name": True}):
            response = _switch_on(client, closed, user, **extra)
            # then they are refused
            assert response.status_code == 403
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


def test_the_admin_switches_a_shop_on_under_a_taken_name_only_when_confirmed(client):
    # given a closed "Fresh Mart", and another shop that took the name since
    closed = make_merchant(name="Fresh Mart", is_active=False)
    taken = make_merchant(name="FRESH MART")
    client.force_login(make_operator(is_superuser=True, preferred_language="en"))
    url = f"/admin/catalog/merchant/{closed.pk}/change/"
    # when an operator ticks it active in the admin
    response = client.post(url, _admin_form(closed, is_active="on"), follow=True)
    # then the admin says the name is taken, and it stays closed
    assert response.status_code == 200
    assert (
        f"A merchant named “FRESH MART” already exists ({taken.public_id})."
        in response.content.decode()
    )
    closed.refresh_from_db()
    assert closed.is_active is False
    # and with the same name allowed, it is switched on
    response = client.post(
        url, _admin_form(closed, is_active="on", allow_same_name="on"), follow=True
    )
    assert response.status_code == 200
    closed.refresh_from_db()
    assert closed.is_active is True


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
