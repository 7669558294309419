import pytest

from groupbuy.catalog.gtin import is_valid_gtin
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_listing,
    make_merchant_member,
    make_product,
)

pytestmark = pytest.mark.django_db


def test_factories_build_valid_distinct_rows():
    # when
    first, second = make_product(aliases=["别名"]), make_product()
    listing = make_listing(product=first)
    branch = make_branch(merchant=listing.merchant)
    membership = make_merchant_member(merchant=listing.merchant)
    # then
    assert is_valid_gtin(first.gtin) and is_valid_gtin(second.gtin)
    assert first.gtin != second.gtin
    assert list(first.aliases.values_list("text", flat=True)) == ["别名"]
    assert branch.merchant == membership.merchant == listing.merchant
    assert membership.user.check_password("test-password-1")
