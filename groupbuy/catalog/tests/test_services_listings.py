import pytest
from django.utils import translation

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Listing
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant,
    make_merchant_member,
    make_operator,
    make_product,
)
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_cashier_lists_a_product_at_an_everyday_price():
    # given
    membership = make_merchant_member(role=MerchantMembership.Role.CASHIER)
    product = make_product()
    # when
    listing = services.listing_create(
        actor=membership.user,
        merchant=membership.merchant,
        product=product,
        price_fen=350,
    )
    # then
    assert (listing.merchant, listing.product, listing.price_fen) == (
        membership.merchant,
        product,
        350,
    )
    entry = AuditEntry.objects.get(action="catalog.listing.created")
    assert entry.data == {"price_fen": 350, "reactivated": False}


def test_staff_of_another_merchant_may_not_list():
    # given
    outsider = make_merchant_member()
    other = make_merchant_member()
    # when
    with pytest.raises(CatalogError) as caught:
        services.listing_create(
            actor=outsider.user,
            merchant=other.merchant,
            product=make_product(),
            price_fen=100,
        )
    # then
    assert caught.value.status == 403
    assert Listing.objects.count() == 0


@pytest.mark.parametrize(
    ("price", "message"),
    [
        (0, "The price must be more than 0."),
        (-5, "The price must be more than 0."),
        (3.5, "The price is a whole number of fen (分)."),
        ("350", "The price is a whole number of fen (分)."),
        (True, "The price is a whole number of fen (分)."),
        (100_000_000, "The price may be at most ¥999,999.99."),
    ],
)
def test_bad_prices_are_refused(price, message):
    operator = make_operator()
    with pytest.raises(CatalogError) as caught:
        services.listing_create(
            actor=operator,
            merchant=make_merchant_member().merchant,
            product=make_product(),
            price_fen=price,
        )
    assert caught.value.fields == {"price_fen": [message]}
    assert Listing.objects.count() == 0


def test_listing_the_same_product_twice_is_a_conflict():
    # given
    listing = make_listing(price_fen=1290)
    # when
    with pytest.raises(CatalogError) as caught:
        services.listing_create(
            actor=make_operator(),
            merchant=listing.merchant,
            product=listing.product,
            price_fen=990,
        )
    # then
    assert caught.value.status == 409
    assert "at ¥12.90" in caught.value.message
    listing.refresh_from_db()
    assert listing.price_fen == 1290


def test_listing_a_deactivated_listing_again_brings_it_back():
    # given
    listing = make_listing(price_fen=1290, is_active=False)
    # when
    again = services.listing_create(
        actor=make_operator(),
        merchant=listing.merchant,
        product=listing.product,
        price_fen=990,
    )
    # then
    assert again.pk == listing.pk
    listing.refresh_from_db()
    assert (listing.is_active, listing.price_fen) == (True, 990)
    assert Listing.objects.count() == 1


def test_inactive_products_cannot_be_listed():
    with pytest.raises(CatalogError) as caught:
        services.listing_create(
            actor=make_operator(),
            merchant=make_merchant_member().merchant,
            product=make_product(is_active=False),
            price_fen=100,
        )
    assert caught.value.code == "product_inactive"


def test_price_change_is_audited_with_before_and_after():
    # given
    membership = make_merchant_member()
    listing = make_listing(merchant=membership.merchant, price_fen=500)
    # when
    services.listing_update(actor=membership.user, listing=listing, price_fen=450)
    # then
    listing.refresh_from_db()
    assert listing.price_fen == 450
    entry = AuditEntry.objects.get(action="catalog.listing.updated")
    assert entry.data == {"price_fen": {"from": 500, "to": 450}}


def test_deactivate_is_safe_to_repeat():
    # given
    membership = make_merchant_member()
    listing = make_listing(merchant=membership.merchant)
    # when
    services.listing_deactivate(actor=membership.user, listing=listing)
    services.listing_deactivate(actor=membership.user, listing=listing)
    # then
    listing.refresh_from_db()
    assert listing.is_active is False
    assert AuditEntry.objects.filter(action="catalog.listing.deactivated").count() == 1


def test_outsider_cannot_change_a_listing():
    listing = make_listing(price_fen=500)
    with pytest.raises(CatalogError):
        services.listing_update(
            actor=make_merchant_member().user, listing=listing, price_fen=1
        )
    listing.refresh_from_db()
    assert listing.price_fen == 500


def test_a_concurrent_listing_of_the_same_product_becomes_a_409(monkeypatch):
    # given: our lookup ran before another request's insert committed
    listing = make_listing(price_fen=800)
    real_filter = Listing.objects.filter
    calls = []

    def stale_first_lookup(*args, **kwargs):
        calls.append(kwargs)
        queryset = real_filter(*args, **kwargs)
        return queryset.none() if len(calls) == 1 else queryset

    monkeypatch.setattr(Listing.objects, "filter", stale_first_lookup)
    # when
    with pytest.raises(CatalogError) as caught:
        services.listing_create(
            actor=make_operator(),
            merchant=listing.merchant,
            product=listing.product,
            price_fen=700,
        )
    # then
    assert caught.value.status == 409
    listing.refresh_from_db()
    assert listing.price_fen == 800
    assert Listing.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_a_product_listed_twice_is_refused_naming_the_shop_as_read(
    language, shown, hidden
):
    # given a shop with an English name that lists a product
    merchant = make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    membership = make_merchant_member(merchant=merchant)
    listing = make_listing(merchant=merchant)
    # when its owner lists the product again, reading the language
    with translation.override(language), pytest.raises(CatalogError) as refused:
        services.listing_create(
            actor=membership.user,
            merchant=merchant,
            product=listing.product,
            price_fen=350,
        )
    # then the refusal names the shop as they read it
    assert refused.value.code == "already_listed"
    assert shown in refused.value.message
    assert hidden not in refused.value.message
