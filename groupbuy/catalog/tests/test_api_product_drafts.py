"""Who learns that a shop's draft product exists through the product's own
endpoints (PATCH /api/catalog/products/{id} and its aliases): only the shop's
staff and operators; everyone else is answered 404, as for its photos."""

import pytest

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import ProductAlias
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db

DRAFT_NAME = "秘密新品"


def _patch(client, product):
    return client.patch(
        f"/api/catalog/products/{product.public_id}",
        {"name_zh": "改名"},
        content_type="application/json",
    )


def _add_alias(client, product):
    return client.post(
        f"/api/catalog/products/{product.public_id}/aliases",
        {"text": "别名", "language": "zh"},
        content_type="application/json",
    )


def _remove_alias(client, product):
    return client.delete(
        f"/api/catalog/products/{product.public_id}/aliases?text={DRAFT_NAME}"
    )


ENDPOINTS = [
    pytest.param(_patch, id="patch"),
    pytest.param(_add_alias, id="alias add"),
    pytest.param(_remove_alias, id="alias remove"),
]


@pytest.fixture
def draft():
    owner = make_merchant_member()
    product = make_product(
        added_by_merchant=owner.merchant,
        is_active=False,
        name_zh=DRAFT_NAME,
        aliases=[DRAFT_NAME],
    )
    return owner, product


@pytest.mark.parametrize("call", ENDPOINTS)
def test_another_shop_and_shoppers_do_not_find_a_shops_draft(client, draft, call):
    # Until 2026-12-07 another shop's owner got a 403 "You may not change
    # “秘密新品”.": the draft existed, and its name.
    # given a product the shop has not put on sale
    owner, product = draft
    cashier = make_merchant_member(
        merchant=owner.merchant, role=MerchantMembership.Role.CASHIER
    )
    answers = {}
    # when each tries to change it
    for name, user in [
        ("other owner", make_merchant_member().user),
        ("shopper", make_user()),
        ("cashier", cashier.user),
    ]:
        client.force_login(user)
        response = call(client, product)
        answers[name] = (response.status_code, response.json()["code"])
        assert DRAFT_NAME not in response.content.decode() or name == "cashier"
    # then only the shop's own staff learn it exists; nothing changed
    assert answers == {
        "other owner": (404, "not_found"),
        "shopper": (404, "not_found"),
        "cashier": (403, "forbidden"),
    }
    product.refresh_from_db()
    assert product.name_zh == DRAFT_NAME
    assert list(product.aliases.values_list("text", flat=True)) == [DRAFT_NAME]


@pytest.mark.parametrize("call", ENDPOINTS)
def test_the_shops_owner_and_operators_still_change_its_draft(client, draft, call):
    # given
    owner, product = draft
    for user in (owner.user, make_operator()):
        client.force_login(user)
        # when
        response = call(client, product)
        # then
        assert response.status_code in (200, 201, 204)


def test_a_platform_product_off_sale_is_not_found_by_a_shop(client):
    # given a product of the platform's catalog an operator stopped selling
    product = make_product(name_zh=DRAFT_NAME, is_active=False)
    client.force_login(make_merchant_member().user)
    # when
    response = _patch(client, product)
    # then
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_another_shops_product_on_sale_is_still_refused_by_name(client):
    # given a product on sale, which everyone sees in the catalogue
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant, name_en="Green tea")
    other = make_merchant_member(user=make_user(preferred_language="en")).user
    client.force_login(other)
    # when
    response = _add_alias(client, product)
    # then the refusal may name it: it tells them nothing new
    assert response.status_code == 403
    assert "Green tea" in response.json()["message"]
    assert not ProductAlias.objects.filter(product=product).exists()
