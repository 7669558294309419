import csv

import pytest

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog.gtin import is_valid_gtin
from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
)
from groupbuy.core.models import AuditEntry
from groupbuy.demo_data import ATTRIBUTION, FIXTURE, load_demo

pytestmark = pytest.mark.django_db

DEMO_MODELS = (
    User,
    MerchantMembership,
    Merchant,
    Branch,
    Category,
    Product,
    ProductAlias,
    Listing,
    AuditEntry,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


def test_fixture_rows_all_have_valid_gtins_names_and_prices():
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 40 <= len(rows) <= 60
    assert [row["gtin"] for row in rows if not is_valid_gtin(row["gtin"])] == []
    assert len({row["gtin"] for row in rows}) == len(rows)
    assert all(row["name_zh"].strip() and int(row["price_fen"]) > 0 for row in rows)


def test_load_demo_twice_gives_the_same_rows():
    # given
    first_logins = load_demo()
    counts = row_counts()
    # when
    second_logins = load_demo()
    # then
    assert second_logins == first_logins
    assert row_counts() == counts
    assert counts["Merchant"] == 1
    assert counts["Branch"] == 3
    assert counts["Product"] == counts["Listing"] >= 40
    assert counts["User"] == 5


def test_logins_work_and_have_their_roles(client):
    # when
    logins = load_demo()
    # then
    assert [role for role, _phone, _password in logins] == [
        "shopper",
        "shopper",
        "owner",
        "cashier",
        "operator",
    ]
    for _role, phone, password in logins:
        assert client.login(phone=phone, password=password), phone
        client.logout()
    merchant = Merchant.objects.get()
    roles = dict(
        MerchantMembership.objects.filter(merchant=merchant).values_list(
            "user__phone", "role"
        )
    )
    assert roles == {"+8613800000003": "owner", "+8613800000004": "cashier"}
    operator = User.objects.get(phone="+8613800000005")
    assert operator.is_staff and operator.is_superuser
    shopper = User.objects.get(phone="+8613800000001")
    assert not shopper.is_staff and not shopper.memberships.exists()


def test_a_changed_demo_password_is_restored():
    load_demo()
    user = User.objects.get(phone="+8613800000001")
    user.set_password("something-else-9")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("demo-shopper-1")


def test_every_demo_product_has_a_valid_gtin_attribution_category_and_price():
    load_demo()
    merchant = Merchant.objects.get()
    for product in Product.objects.all():
        assert is_valid_gtin(product.gtin), product.gtin
        assert product.source == ATTRIBUTION
        assert product.category is not None
        assert product.listings.get(merchant=merchant).price_fen > 0
    assert "Open Food Facts contributors" in ATTRIBUTION
    assert "https://opendatacommons.org/licenses/odbl/1-0/" in ATTRIBUTION


def test_branches_are_in_shanghai():
    load_demo()
    for branch in Branch.objects.all():
        assert branch.address.startswith("上海市")
        assert 30.9 < float(branch.latitude) < 31.5
        assert 121.1 < float(branch.longitude) < 121.9


def test_category_tree_has_food_and_drinks_at_the_root():
    load_demo()
    root = Category.objects.get(slug="food-drink")
    assert root.parent is None
    assert set(root.children.values_list("slug", flat=True)) >= {
        "snacks",
        "beverages",
        "condiments",
        "dairy",
    }
