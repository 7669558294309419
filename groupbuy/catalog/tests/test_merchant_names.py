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
