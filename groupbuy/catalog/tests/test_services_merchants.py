from decimal import Decimal

import pytest
from django.db import IntegrityError

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Branch, Category, Merchant
from groupbuy.catalog.tests.factories import (
    make_branch,
    make_category,
    make_merchant_member,
    make_operator,
    make_user,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_operator_creates_a_merchant_with_its_owner():
    # given
    operator, owner = make_operator(), make_user()
    # when
    merchant = services.merchant_create(
        actor=operator, name=" 鲜邻超市 ", name_en="FreshNeighbour", owner=owner
    )
    # then
    assert merchant.name == "鲜邻超市"
    membership = MerchantMembership.objects.get(merchant=merchant)
    assert (membership.user, membership.role) == (owner, "owner")
    assert AuditEntry.objects.filter(
        action="catalog.merchant.created", object_id=merchant.public_id
    ).exists()


def test_only_operators_create_merchants():
    with pytest.raises(CatalogError) as caught:
        services.merchant_create(actor=make_user(), name="黑店")
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    assert Merchant.objects.count() == 0


def test_owner_renames_merchant_but_may_not_switch_it_off():
    # given
    membership = make_merchant_member()
    merchant = membership.merchant
    # when
    services.merchant_update(actor=membership.user, merchant=merchant, name="新名")
    with pytest.raises(CatalogError) as caught:
        services.merchant_update(
            actor=membership.user, merchant=merchant, is_active=False
        )
    # then
    merchant.refresh_from_db()
    assert merchant.name == "新名"
    assert merchant.is_active is True
    assert caught.value.status == 403


def test_an_operator_may_not_switch_a_shop_off_or_on_by_updating_it():
    # given an open shop and a closed one
    operator = make_operator()
    open_shop = make_merchant_member().merchant
    closed_shop = make_merchant_member().merchant
    Merchant.objects.filter(pk=closed_shop.pk).update(is_active=False)
    closed_shop.refresh_from_db()
    for merchant, is_active in ((open_shop, False), (closed_shop, True)):
        # when an operator switches it through the catalog's update
        with pytest.raises(CatalogError) as caught:
            services.merchant_update(
                actor=operator, merchant=merchant, is_active=is_active
            )
        # then it is refused, pointing to the operators' switch, and nothing
        # changed
        assert (caught.value.status, caught.value.code) == (400, "switch_elsewhere")
        assert f"/api/operator/merchants/{merchant.public_id}/switch-off" in (
            caught.value.message
        )
        merchant.refresh_from_db()
        assert merchant.is_active is not is_active
    assert not AuditEntry.objects.filter(action="catalog.merchant.updated").exists()


def test_a_shops_own_state_sent_back_with_a_rename_is_accepted():
    # given
    membership = make_merchant_member()
    # when the owner sends the shop back whole, its state unchanged
    merchant = services.merchant_update(
        actor=membership.user, merchant=membership.merchant, name="新名", is_active=True
    )
    # then the rename is saved
    merchant.refresh_from_db()
    assert (merchant.name, merchant.is_active) == ("新名", True)


def test_cashier_may_not_change_the_merchant():
    membership = make_merchant_member(role=MerchantMembership.Role.CASHIER)
    with pytest.raises(CatalogError):
        services.merchant_update(
            actor=membership.user, merchant=membership.merchant, name="x"
        )


def test_owner_opens_a_branch_with_location_and_phone():
    # given
    membership = make_merchant_member()
    # when
    branch = services.branch_create(
        actor=membership.user,
        merchant=membership.merchant,
        name="静安店",
        address="上海市静安区南京西路1601号",
        latitude=31.2243571,
        longitude="121.4469",
        phone="021 6288 1234",
    )
    # then
    branch.refresh_from_db()
    assert branch.latitude == Decimal("31.224357")
    assert branch.longitude == Decimal("121.446900")
    assert branch.phone == "+862162881234"


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        (31.2, None, "longitude", "Give both latitude and longitude, or neither."),
        (
            91,
            121,
            "latitude",
            "Latitude must be within ±90 and longitude within ±180 degrees.",
        ),
        ("north", 121, "latitude", "The latitude must be a number."),
    ],
)
def test_bad_locations_are_refused(latitude, longitude, field, message):
    membership = make_merchant_member()
    with pytest.raises(CatalogError) as caught:
        services.branch_create(
            actor=membership.user,
            merchant=membership.merchant,
            name="店",
            address="地址",
            latitude=latitude,
            longitude=longitude,
        )
    assert caught.value.fields == {field: [message]}
    assert Branch.objects.count() == 0


def test_branch_of_another_merchant_is_out_of_reach():
    membership = make_merchant_member()
    branch = make_branch()
    with pytest.raises(CatalogError) as caught:
        services.branch_update(actor=membership.user, branch=branch, name="占领")
    assert caught.value.status == 403
    branch.refresh_from_db()
    assert branch.name != "占领"


def test_branch_update_moves_one_coordinate_and_can_clear_both():
    # given
    membership = make_merchant_member()
    branch = make_branch(merchant=membership.merchant)
    # when
    services.branch_update(actor=membership.user, branch=branch, latitude=31.1)
    # then
    branch.refresh_from_db()
    assert (branch.latitude, branch.longitude) == (
        Decimal("31.100000"),
        Decimal("121.480000"),
    )
    services.branch_update(
        actor=membership.user, branch=branch, latitude=None, longitude=None
    )
    branch.refresh_from_db()
    assert (branch.latitude, branch.longitude) == (None, None)


def test_operator_creates_categories_and_duplicate_slug_conflicts():
    # given
    operator = make_operator()
    food = services.category_create(
        actor=operator, slug="Food", name_zh="食品", name_en="Food"
    )
    # when
    snacks = services.category_create(
        actor=operator,
        slug="snacks",
        name_zh="零食",
        name_en="Snacks",
        parent=food,
        demand_threshold=3,
    )
    with pytest.raises(CatalogError) as caught:
        services.category_create(
            actor=operator, slug="snacks", name_zh="重复", name_en="Dup"
        )
    # then
    assert food.slug == "food"
    assert (snacks.parent, snacks.demand_threshold) == (food, 3)
    assert caught.value.status == 409
    assert Category.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "零食"}, "slug"),
        ({"demand_threshold": 0}, "demand_threshold"),
        ({"name_en": ""}, "name_en"),
    ],
)
def test_bad_category_input_is_refused(overrides, field):
    arguments = {"slug": "snacks", "name_zh": "零食", "name_en": "Snacks", **overrides}
    with pytest.raises(CatalogError) as caught:
        services.category_create(actor=make_operator(), **arguments)
    assert list(caught.value.fields) == [field]
    assert Category.objects.count() == 0


def test_category_cannot_move_under_its_own_child():
    # given
    operator = make_operator()
    parent = make_category()
    child = make_category(parent=parent)
    # when
    with pytest.raises(CatalogError) as caught:
        services.category_update(actor=operator, category=parent, parent=child)
    # then
    assert caught.value.fields == {
        "parent": ["A category cannot be placed under itself or its own child."]
    }
    parent.refresh_from_db()
    assert parent.parent is None


def test_only_operators_manage_categories():
    with pytest.raises(CatalogError):
        services.category_create(
            actor=make_merchant_member().user, slug="x", name_zh="x", name_en="x"
        )
    category = make_category(demand_threshold=4)
    with pytest.raises(CatalogError):
        services.category_update(actor=make_user(), category=category, name_en="y")
    category.refresh_from_db()
    assert category.name_en != "y"


def test_a_branch_name_is_taken_whatever_its_case_and_spacing():
    # given a merchant with 人民广场店 (closed) and East Gate, and another merchant
    membership = make_merchant_member()
    owner, merchant = membership.user, membership.merchant
    make_branch(merchant=merchant, name="人民广场店", is_active=False)
    east = make_branch(merchant=merchant, name="East Gate")
    elsewhere = make_branch(name="人民广场店")
    # when an owner adds or renames a branch to one of those names
    for name, taken in ((" 人民广场店 ", "人民广场店"), ("east  gate", "East Gate")):
        with pytest.raises(CatalogError) as refused:
            services.branch_create(
                actor=owner, merchant=merchant, name=name, address="1 Rd"
            )
        # then it is refused on the name, naming the branch as it is saved,
        # and nothing is added
        assert refused.value.code == "duplicate"
        assert refused.value.fields == {
            "name": [f"There is already a branch named {taken}."]
        }
    with pytest.raises(CatalogError):
        services.branch_update(actor=owner, branch=east, name="人民广场店")
    east.refresh_from_db()
    assert east.name == "East Gate"
    assert Branch.objects.filter(merchant=merchant).count() == 2
    assert not AuditEntry.objects.filter(action="catalog.branch.created").exists()
    # a branch keeps (or re-cases) its own name; another merchant's is no matter
    services.branch_update(actor=owner, branch=east, name="EAST GATE")
    east.refresh_from_db()
    assert east.name == "EAST GATE"
    assert elsewhere.name == "人民广场店"


def test_the_database_refuses_a_second_branch_of_the_same_name():
    branch = make_branch(name="East")
    with pytest.raises(IntegrityError):
        make_branch(merchant=branch.merchant, name="east")
