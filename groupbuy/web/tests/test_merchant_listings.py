from django.test import Client
from django.urls import reverse

from groupbuy.catalog.models import Listing
from groupbuy.catalog.services.staff import staff_invite
from groupbuy.catalog.tests.factories import (
    make_listing,
    make_merchant,
    make_merchant_member,
    make_product,
    make_user,
)


def make_member(**overrides):
    overrides.setdefault("user", make_user(preferred_language="en"))
    return make_merchant_member(**overrides)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_console_home_forbidden_for_shopper(shopper_client):
    response = shopper_client.get(reverse("web:merchant_home"))
    assert response.status_code == 403
    assert 'id="error-403"' in response.content.decode()


def test_console_home_shows_a_shopper_the_ways_in(db):
    # given a shopper on no shop's staff, and one invited to a shop's staff
    shopper = make_user(preferred_language="en")
    invited = make_user(preferred_language="en")
    owner = make_member(role="owner")
    staff_invite(
        actor=owner.user, merchant=owner.merchant, phone=invited.phone, role="cashier"
    )
    # when each opens the console
    page = _client_for(shopper).get(reverse("web:merchant_home"))
    invited_page = _client_for(invited).get(reverse("web:merchant_home"))
    # then both are refused, and told how to get a console: apply for a shop,
    # and, for the invited one, answer the invitation
    assert page.status_code == invited_page.status_code == 403
    apply_link = f'href="{reverse("ops:shop_apply")}" id="no-console-apply-link"'
    assert apply_link in page.content.decode()
    assert 'id="no-console-invitations"' not in page.content.decode()
    invited_html = invited_page.content.decode()
    assert apply_link in invited_html
    assert (
        f'href="{reverse("web:staff_invitations")}" id="no-console-invitations"'
        in invited_html
    )
    assert (
        "A shop has invited you to its staff: accept the invitation to open its "
        "console." in invited_html
    )


def test_console_home_redirects_visitor_to_login(db):
    response = Client().get(reverse("web:merchant_home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_console_home_goes_straight_to_the_only_merchant(db):
    membership = make_member()
    response = _client_for(membership.user).get(reverse("web:merchant_home"))
    assert response.status_code == 302
    assert response["Location"] == f"/merchant/{membership.merchant.public_id}/"


def test_console_home_lists_merchants_when_several(db):
    membership = make_member()
    make_member(user=membership.user)
    response = _client_for(membership.user).get(reverse("web:merchant_home"))
    assert response.status_code == 200
    assert len(response.context["memberships"]) == 2


def test_dashboard_shows_listings_to_staff(db):
    membership = make_member()
    listing = make_listing(merchant=membership.merchant, price_fen=1234)
    response = _client_for(membership.user).get(
        reverse("web:merchant_dashboard", args=[membership.merchant.public_id])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="listing-{listing.public_id}"' in html
    assert "¥12.34" in html


def test_dashboard_forbidden_for_other_merchants_staff(db):
    other = make_member()
    merchant = make_merchant()
    response = _client_for(other.user).get(
        reverse("web:merchant_dashboard", args=[merchant.public_id])
    )
    assert response.status_code == 403


def test_listing_create_lists_product_at_price(db):
    # given
    membership = make_member()
    product = make_product()
    url = reverse("web:merchant_listing_create", args=[membership.merchant.public_id])
    client = _client_for(membership.user)
    assert client.get(url, {"product": product.public_id}).status_code == 200
    # when
    response = client.post(url, {"product": product.public_id, "price_fen": "¥19.90"})
    # then
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert (listing.merchant, listing.product, listing.price_fen) == (
        membership.merchant,
        product,
        1990,
    )


def test_listing_create_rejects_bad_price_and_lists_nothing(db):
    membership = make_member()
    product = make_product()
    url = reverse("web:merchant_listing_create", args=[membership.merchant.public_id])
    response = _client_for(membership.user).post(
        url, {"product": product.public_id, "price_fen": "12.345"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["price_fen"] == [
        "Use at most two decimals (fen)."
    ]
    assert Listing.objects.count() == 0


def test_listing_create_shows_service_error_for_duplicate(db):
    membership = make_member()
    listing = make_listing(merchant=membership.merchant, price_fen=1000)
    url = reverse("web:merchant_listing_create", args=[membership.merchant.public_id])
    response = _client_for(membership.user).post(
        url, {"product": listing.product.public_id, "price_fen": "9.90"}
    )
    assert response.status_code == 200
    assert "already lists" in response.context["form"].non_field_errors()[0]
    listing.refresh_from_db()
    assert listing.price_fen == 1000


def test_product_picker_searches_catalog(db):
    membership = make_member()
    product = make_product(name_en="Oolong tea", name_zh="乌龙茶")
    make_product(name_en="Coffee beans", name_zh="咖啡豆")
    url = reverse("web:merchant_listing_create", args=[membership.merchant.public_id])
    response = _client_for(membership.user).get(url, {"q": "oolong"})
    assert [p.public_id for p in response.context["products"].items] == [
        product.public_id
    ]


def test_listing_edit_changes_price(db):
    membership = make_member()
    listing = make_listing(merchant=membership.merchant, price_fen=1000)
    url = reverse(
        "web:merchant_listing_edit",
        args=[membership.merchant.public_id, listing.public_id],
    )
    response = _client_for(membership.user).post(
        url, {"price_fen": "8.80", "is_active": "on"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert (listing.price_fen, listing.is_active) == (880, True)


def test_listing_edit_of_other_merchant_is_not_found(db):
    listing = make_listing()
    outsider = make_member()
    url = reverse(
        "web:merchant_listing_edit",
        args=[outsider.merchant.public_id, listing.public_id],
    )
    response = _client_for(outsider.user).post(url, {"price_fen": "1.00"})
    assert response.status_code == 404
    listing.refresh_from_db()
    assert listing.price_fen == 1990


def test_listing_pages_forbidden_for_plain_user(db):
    user = make_user(preferred_language="en")
    merchant = make_merchant()
    url = reverse("web:merchant_listings", args=[merchant.public_id])
    assert _client_for(user).get(url).status_code == 403


def test_listing_edit_refuses_a_price_below_an_open_deals_original_price(db):
    # given a product sold for ¥15.90 every day, with an open deal showing ¥12.50
    from groupbuy.deals.tests.factories import make_deal

    membership = make_member(role="cashier")
    listing = make_listing(merchant=membership.merchant, price_fen=1_590)
    deal = make_deal(
        merchant=membership.merchant,
        product=listing.product,
        title="Tea now",
        list_price_fen=1_250,
        tiers=[(2, 1_100)],
    )
    url = reverse(
        "web:merchant_listing_edit",
        args=[membership.merchant.public_id, listing.public_id],
    )
    # when the cashier sets ¥1.00
    response = _client_for(membership.user).post(
        url, {"price_fen": "1.00", "is_active": "on"}
    )
    # then the form says which deal holds the price, and nothing changes
    assert response.status_code == 200
    assert response.context["form"].errors["price_fen"] == [
        f"The group buy “Tea now” ({deal.public_id}), open or scheduled, shows "
        "¥12.50 as its original price: the everyday price may not go below it "
        "until the group buy ends."
    ]
    listing.refresh_from_db()
    assert listing.price_fen == 1_590


def test_listing_edit_refuses_taking_off_sale_a_product_an_open_deal_shows(db):
    # given a product sold for ¥15.90 every day, with an open deal showing ¥12.50
    from groupbuy.deals.tests.factories import make_deal

    membership = make_member(role="cashier")
    listing = make_listing(merchant=membership.merchant, price_fen=1_590)
    deal = make_deal(
        merchant=membership.merchant,
        product=listing.product,
        title="Tea now",
        list_price_fen=1_250,
        tiers=[(2, 1_100)],
    )
    url = reverse(
        "web:merchant_listing_edit",
        args=[membership.merchant.public_id, listing.public_id],
    )
    # when the cashier unticks "On sale"
    response = _client_for(membership.user).post(url, {"price_fen": "15.90"})
    # then the form says which deal shows the price, and it stays on sale
    assert response.status_code == 200
    message = (
        f"The group buy “Tea now” ({deal.public_id}), open or scheduled, shows "
        "¥12.50 as the price you sell this product for every day: keep it on sale "
        "until the group buy ends."
    )
    assert response.context["form"].errors["is_active"] == [message]
    assert message in response.content.decode()
    listing.refresh_from_db()
    assert listing.is_active is True
