import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Product, ProductAlias
from groupbuy.catalog.tests.factories import (
    make_category,
    make_merchant_member,
    make_operator,
    make_product,
    make_user,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_operator_creates_a_product_with_gtin_and_aliases():
    # given
    operator = make_operator()
    category = make_category()
    # when
    product = services.product_create(
        actor=operator,
        name_zh="  可口可乐汽水 ",
        gtin="6901939 691601",
        name_en="Coca-Cola",
        brand="可口可乐",
        spec="330 ml",
        category=category,
        aliases=["可乐", "Coke", "可乐"],
    )
    # then
    product.refresh_from_db()
    assert product.name_zh == "可口可乐汽水"
    assert product.gtin == "6901939691601"
    assert product.gtin14 == "06901939691601"
    assert product.category == category
    assert product.added_by_merchant is None
    assert sorted(product.aliases.values_list("text", flat=True)) == ["Coke", "可乐"]
    entry = AuditEntry.objects.get(action="catalog.product.created")
    assert entry.actor == operator
    assert entry.object_id == product.public_id
    assert entry.data == {"gtin": "6901939691601", "aliases": ["可乐", "Coke"]}


def test_wrong_check_digit_names_the_expected_one_and_creates_nothing():
    # when
    with pytest.raises(CatalogError) as caught:
        services.product_create(
            actor=make_operator(), name_zh="可乐", gtin="6901939691609"
        )
    # then
    error = caught.value
    assert (error.status, error.code) == (400, "invalid_gtin")
    assert error.message == "“6901939691609” has a wrong check digit (expected 1)."
    assert error.fields == {"gtin": [error.message]}
    assert Product.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_duplicate_gtin_in_another_length_is_a_conflict_naming_the_product():
    # given: a UPC-A product; the same code read as EAN-13 has a leading zero
    existing = make_product(gtin="036000291452", name_zh="牙膏", name_en="Toothpaste")
    # when
    with pytest.raises(CatalogError) as caught:
        services.product_create(
            actor=make_operator(), name_zh="另一个", gtin="0036000291452"
        )
    # then
    assert caught.value.status == 409
    assert caught.value.code == "gtin_taken"
    assert caught.value.message == (
        f"GTIN 036000291452 already belongs to “Toothpaste” ({existing.public_id})."
    )
    assert Product.objects.count() == 1


def test_product_without_gtin_is_allowed_and_many_may_lack_one():
    operator = make_operator()
    first = services.product_create(actor=operator, name_zh="散装鸡蛋")
    second = services.product_create(actor=operator, name_zh="散装大米")
    assert (first.gtin, first.gtin14, second.gtin14) == ("", "", "")


def test_missing_chinese_name_is_refused():
    with pytest.raises(CatalogError) as caught:
        services.product_create(actor=make_operator(), name_zh="   ")
    assert caught.value.fields == {"name_zh": ["Enter the Chinese name."]}
    assert Product.objects.count() == 0


def test_shopper_may_not_add_products():
    with pytest.raises(CatalogError) as caught:
        services.product_create(actor=make_user(), name_zh="可乐")
    assert caught.value.status == 403
    assert Product.objects.count() == 0


def test_merchant_owner_adds_a_product_for_their_merchant():
    # given
    membership = make_merchant_member()
    # when
    product = services.product_create(
        actor=membership.user, name_zh="自制辣酱", merchant=membership.merchant
    )
    # then
    assert product.added_by_merchant == membership.merchant


def test_the_same_product_added_twice_without_a_barcode_is_refused_naming_the_first():
    # given a shop that added 自制豆浆 1 L, with no barcode
    membership = make_merchant_member(user=make_user(preferred_language="en"))
    first = services.product_create(
        actor=membership.user,
        name_zh="自制豆浆",
        spec="1 L",
        merchant=membership.merchant,
    )
    # when the same form is sent again (a retry, reload and resend)
    with translation.override("en"), pytest.raises(CatalogError) as caught:
        services.product_create(
            actor=membership.user,
            name_zh=" 自制豆浆 ",
            spec="1 l",
            merchant=membership.merchant,
        )
    # then it is refused on the name, naming the product already there
    message = (
        f"Your shop already has “自制豆浆” ({first.public_id}) with this brand and "
        "specification: edit that one under Our products instead of adding it again."
    )
    assert (caught.value.code, caught.value.status) == ("product_exists", 409)
    assert caught.value.fields == {"name_zh": [message]}
    assert Product.objects.count() == 1
    # and another specification, or another shop's, is a product of its own
    services.product_create(
        actor=membership.user,
        name_zh="自制豆浆",
        spec="2 L",
        merchant=membership.merchant,
    )
    other = make_merchant_member()
    services.product_create(
        actor=other.user, name_zh="自制豆浆", spec="1 L", merchant=other.merchant
    )
    assert Product.objects.count() == 3


def test_cashier_and_other_owners_may_not_add_products_for_a_merchant():
    cashier = make_merchant_member(role=MerchantMembership.Role.CASHIER)
    outsider = make_merchant_member()
    for actor in (cashier.user, outsider.user):
        with pytest.raises(CatalogError) as caught:
            services.product_create(
                actor=actor, name_zh="辣酱", merchant=cashier.merchant
            )
        assert caught.value.status == 403
    assert Product.objects.count() == 0


def test_owner_without_naming_a_merchant_is_refused():
    membership = make_merchant_member()
    with pytest.raises(CatalogError) as caught:
        services.product_create(actor=membership.user, name_zh="辣酱")
    assert caught.value.status == 403


def test_owner_edits_own_product_but_not_the_platform_catalog():
    # given
    membership = make_merchant_member()
    own = make_product(added_by_merchant=membership.merchant)
    platform = make_product(name_zh="平台商品")
    # when
    services.product_update(actor=membership.user, product=own, spec="500 g")
    with pytest.raises(CatalogError) as caught:
        services.product_update(actor=membership.user, product=platform, name_zh="改")
    # then
    own.refresh_from_db()
    platform.refresh_from_db()
    assert own.spec == "500 g"
    assert caught.value.status == 403
    assert platform.name_zh == "平台商品"


def test_update_to_a_taken_gtin_is_a_conflict_and_changes_nothing():
    # given
    operator = make_operator()
    taken = make_product(gtin="6901939691601")
    product = make_product(gtin="96385074", name_zh="原名")
    # when
    with pytest.raises(CatalogError) as caught:
        services.product_update(
            actor=operator, product=product, gtin="6901939691601", name_zh="新名"
        )
    # then
    assert caught.value.status == 409
    assert taken.public_id in caught.value.message
    product.refresh_from_db()
    assert (product.gtin, product.name_zh) == ("96385074", "原名")
    assert not AuditEntry.objects.filter(action="catalog.product.updated").exists()


def test_update_records_what_changed_and_keeps_gtin14_in_step():
    # given
    operator = make_operator()
    product = make_product(gtin="96385074")
    # when
    services.product_update(
        actor=operator, product=product, gtin="036000291452", category=None
    )
    # then
    product.refresh_from_db()
    assert product.gtin14 == "00036000291452"
    entry = AuditEntry.objects.get(action="catalog.product.updated")
    assert entry.data == {
        "changed": ["gtin"],
        "gtin": {"from": "96385074", "to": "036000291452"},
    }


def test_update_without_changes_writes_no_audit_row():
    product = make_product(name_zh="同名")
    services.product_update(actor=make_operator(), product=product, name_zh="同名")
    assert not AuditEntry.objects.exists()


def test_alias_add_and_remove_are_safe_to_repeat():
    # given
    operator = make_operator()
    product = make_product()
    # when
    first = services.product_alias_add(actor=operator, product=product, text=" 可乐 ")
    again = services.product_alias_add(actor=operator, product=product, text="可乐")
    services.product_alias_remove(actor=operator, product=product, text="可乐")
    services.product_alias_remove(actor=operator, product=product, text="可乐")
    # then
    assert first.pk == again.pk
    assert not ProductAlias.objects.exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "catalog.product.alias_added",
        "catalog.product.alias_removed",
    ]


def test_empty_alias_is_refused():
    with pytest.raises(CatalogError) as caught:
        services.product_alias_add(
            actor=make_operator(), product=make_product(), text=" "
        )
    assert caught.value.fields == {"text": ["Enter the alias."]}


def test_a_duplicate_that_slips_past_the_check_still_becomes_a_409(monkeypatch):
    # given: another request inserted the GTIN between our check and our insert
    from groupbuy.catalog.services import products as product_services

    existing = make_product(gtin="6901939691601")
    monkeypatch.setattr(product_services, "_check_gtin_free", lambda *a, **k: None)
    # when
    with pytest.raises(CatalogError) as caught:
        services.product_create(
            actor=make_operator(), name_zh="并发", gtin="6901939691601", aliases=["x"]
        )
    # then
    assert (caught.value.status, caught.value.code) == (409, "gtin_taken")
    assert existing.public_id in caught.value.message
    assert Product.objects.count() == 1
    assert not ProductAlias.objects.exists()
    assert not AuditEntry.objects.exists()
