"""The catalog's refusals name the shop as the person refused reads it."""

import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.permissions import require_merchant_owner, require_merchant_staff
from groupbuy.catalog.tests.factories import (
    make_merchant,
    make_merchant_member,
    make_user,
)

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)


@LANGUAGES
def test_an_owners_only_refusal_names_the_shop_as_read(language, shown, hidden):
    # given a cashier of a shop with an English name
    merchant = make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    cashier = make_merchant_member(
        merchant=merchant, role=MerchantMembership.Role.CASHIER
    ).user
    # when they do what only its owners may, reading the language
    with translation.override(language), pytest.raises(CatalogError) as refused:
        require_merchant_owner(cashier, merchant)
    # then
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert shown in refused.value.message
    assert hidden not in refused.value.message


@LANGUAGES
def test_a_staff_only_refusal_names_the_shop_as_read(language, shown, hidden):
    # given a shop with an English name and someone not on its staff
    merchant = make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    # when they do what only its staff may, reading the language
    with translation.override(language), pytest.raises(CatalogError) as refused:
        require_merchant_staff(make_user(), merchant)
    # then
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert shown in refused.value.message
    assert hidden not in refused.value.message
