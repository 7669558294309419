"""A product several merchants sell: only operators may change it."""

import pytest

from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Product
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant,
    make_merchant_member,
    make_operator,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_and_product():
    membership = make_merchant_member(role="owner")
    product = services.product_create(
        actor=membership.user,
        name_zh="自家酱油",
        name_en="House soy sauce",
        merchant=membership.merchant,
    )
    make_listing(merchant=membership.merchant, product=product)
    return membership.user, product


def test_the_adding_merchant_may_change_its_product_while_only_it_sells_it(
    owner_and_product,
):
    # given
    owner, product = owner_and_product
    # when
    services.product_update(actor=owner, product=product, name_en="Soy sauce")
    # then
    assert Product.objects.get(pk=product.pk).name_en == "Soy sauce"


def test_once_another_merchant_sells_it_only_operators_may_change_it(
    owner_and_product,
):
    # given
    owner, product = owner_and_product
    make_listing(merchant=make_merchant(), product=product)
    audits_before = AuditEntry.objects.count()
    # when
    with pytest.raises(CatalogError) as refused:
        services.product_update(actor=owner, product=product, name_en="Mine")
    with pytest.raises(CatalogError):
        services.product_alias_add(actor=owner, product=product, text="酱油")
    services.product_update(actor=make_operator(), product=product, name_en="Soy")
    # then
    assert (refused.value.code, refused.value.status) == ("shared_product", 403)
    assert refused.value.message == (
        "Other merchants also sell “House soy sauce”, so only operators may "
        "change it now. Please ask an operator."
    )
    assert Product.objects.get(pk=product.pk).name_en == "Soy"
    assert AuditEntry.objects.count() == audits_before + 1


def test_a_deactivated_listing_of_another_merchant_does_not_count(owner_and_product):
    # given
    owner, product = owner_and_product
    listing = make_listing(merchant=make_merchant(), product=product)
    services.listing_deactivate(actor=make_operator(), listing=listing)
    # when
    services.product_update(actor=owner, product=product, spec="500 ml")
    # then
    assert Product.objects.get(pk=product.pk).spec == "500 ml"


def test_the_api_answers_the_shared_product_refusal(client, owner_and_product):
    # given
    owner, product = owner_and_product
    make_listing(merchant=make_merchant(), product=product)
    client.force_login(owner)
    # when
    response = client.patch(
        f"/api/catalog/products/{product.public_id}",
        {"name_en": "Mine"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "shared_product"
    assert Product.objects.get(pk=product.pk).name_en == "House soy sauce"
