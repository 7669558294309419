"""A product's photos on the console's product page: remove one, choose the main
one, use one for recognition or stop."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_product,
    make_product_photos,
    make_user,
)
from groupbuy.core.models import AuditEntry
from groupbuy.web.tests.test_merchant_products import (  # noqa: F401
    _client_for,
    _edit_url,
    make_member,
    media_in_tmp,  # autouse: the photos' files go to a temporary folder
)

pytestmark = pytest.mark.django_db


LAST_REFERENCE = (
    "Shoppers who photograph this product will no longer find it by its look; "
    "its barcode and name still work."
)


def _photo_url(membership, image, action: str) -> str:
    return reverse(
        f"web:merchant_product_photo_{action}",
        args=[membership.merchant.public_id, image.product.public_id, image.public_id],
    )


def _states(product) -> list[tuple[str, bool, bool]]:
    return list(
        product.images.order_by("id").values_list(
            "public_id", "is_primary", "is_reference"
        )
    )


def test_the_product_page_shows_each_photo_with_what_it_is_used_for(db):
    # given a product with a main photo and a reference photo
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, other = make_product_photos(product, 2)
    ProductImage.objects.filter(pk=other.pk).update(is_reference=True)
    # when
    page = _client_for(owner.user).get(_edit_url(owner, product)).content.decode()
    # then each photo says what it is and offers what it is not yet
    assert f'id="product-photo-{main.public_id}"' in page
    assert f'id="product-photo-{other.public_id}"' in page
    assert page.count('<span class="pill ok">Main photo</span>') == 1
    assert page.count('<span class="pill info">Used for recognition</span>') == 1
    assert f'id="product-photo-make-main-{main.public_id}"' not in page
    assert f'id="product-photo-make-main-{other.public_id}"' in page
    assert f'id="product-photo-remove-{main.public_id}"' in page
    assert "Use for recognition" in page
    assert "Stop using for recognition" in page


def test_owner_chooses_the_main_photo_and_the_page_shows_it_first(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    first, second = make_product_photos(product, 2)
    client = _client_for(owner.user)
    # when
    response = client.post(_photo_url(owner, second, "update"), {"is_primary": "1"})
    # then
    assert response.status_code == 302
    assert response["Location"] == _edit_url(owner, product)
    assert _states(product) == [
        (first.public_id, False, False),
        (second.public_id, True, False),
    ]
    page = client.get(response["Location"])
    assert [str(message) for message in page.context["messages"]] == [
        "Shoppers now see this photo first."
    ]
    assert [image.public_id for image in page.context["photos"]] == [
        second.public_id,
        first.public_id,
    ]
    assert AuditEntry.objects.filter(action="catalog.product.image_updated").exists()


def test_owner_uses_a_photo_for_recognition_and_stops(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    [photo] = make_product_photos(product, 1)
    client = _client_for(owner.user)
    url = _photo_url(owner, photo, "update")
    # when
    used = client.post(url, {"is_reference": "1"}, follow=True)
    # then
    assert _states(product) == [(photo.public_id, True, True)]
    assert [str(message) for message in used.context["messages"]] == [
        "Recognition now uses this photo."
    ]
    # when (the page asks first: it is the product's last recognition photo)
    stopped = client.post(
        url, {"is_reference": "0", "confirm_last_reference": "1"}, follow=True
    )
    # then
    assert _states(product) == [(photo.public_id, True, False)]
    assert [str(message) for message in stopped.context["messages"]] == [
        "Recognition no longer uses this photo."
    ]


def test_owner_moves_photos_and_the_page_offers_only_the_moves_that_exist(db):
    # given a main photo and two more
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, first, second = make_product_photos(product, 3)
    client = _client_for(owner.user)
    page = client.get(_edit_url(owner, product)).content.decode()
    # then the main photo stays first, the ends do not offer to go further
    offered = {
        (photo.public_id, direction): f'id="product-photo-move-{direction}-'
        f'{photo.public_id}"' in page
        for photo in (main, first, second)
        for direction in ("up", "down")
    }
    assert [key for key, is_offered in offered.items() if is_offered] == [
        (first.public_id, "down"),
        (second.public_id, "up"),
    ]
    # when the last photo moves up
    response = client.post(
        _photo_url(owner, second, "move"), {"direction": "up"}, follow=True
    )
    # then the page shows it before the other one, near where the owner was
    assert response.redirect_chain == [
        (f"{_edit_url(owner, product)}#product-photo-{second.public_id}", 302)
    ]
    assert [image.public_id for image in response.context["photos"]] == [
        main.public_id,
        second.public_id,
        first.public_id,
    ]
    assert [str(message) for message in response.context["messages"]] == [
        "The photo is moved up."
    ]
    assert client.post(_photo_url(owner, first, "move")).status_code == 400


def test_the_last_recognition_photo_is_stopped_or_removed_only_when_confirmed(db):
    # given a product whose one recognition photo is not its main one
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, reference = make_product_photos(product, 2)
    ProductImage.objects.filter(pk=reference.pk).update(is_reference=True)
    client = _client_for(owner.user)
    # when the page is read
    page = client.get(_edit_url(owner, product)).content.decode()
    # then stopping and removing it both ask first, saying what shoppers lose
    assert page.count(LAST_REFERENCE) == 2
    assert f'id="product-photo-reference-confirm-{reference.public_id}"' in page
    # when a stale page stops it without the confirmation
    refused = client.post(
        _photo_url(owner, reference, "update"), {"is_reference": "0"}, follow=True
    )
    # then nothing changed and the owner is told why
    assert [str(message) for message in refused.context["messages"]] == [LAST_REFERENCE]
    assert _states(product) == [
        (main.public_id, True, False),
        (reference.public_id, False, True),
    ]
    # when the owner confirms
    client.post(
        _photo_url(owner, reference, "update"),
        {"is_reference": "0", "confirm_last_reference": "1"},
    )
    # then
    assert _states(product)[1] == (reference.public_id, False, False)


def test_owner_removes_the_main_photo_and_the_next_one_becomes_main(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, other = make_product_photos(product, 2)
    client = _client_for(owner.user)
    # when
    response = client.post(_photo_url(owner, main, "remove"), follow=True)
    # then
    assert response.redirect_chain == [(_edit_url(owner, product), 302)]
    assert _states(product) == [(other.public_id, True, False)]
    assert [str(message) for message in response.context["messages"]] == [
        "The photo is removed."
    ]
    page = response.content.decode()
    assert f'id="product-photo-{main.public_id}"' not in page
    assert f'id="product-photo-{other.public_id}"' in page


def test_a_photo_is_changed_only_by_a_post_that_says_how(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    [photo] = make_product_photos(product, 1)
    client = _client_for(owner.user)
    # when
    fetched = client.get(_photo_url(owner, photo, "remove"))
    unclear = client.post(_photo_url(owner, photo, "update"), {"is_primary": "0"})
    # then
    assert fetched.status_code == 405
    assert unclear.status_code == 400
    assert "Choose what to change about the photo." in unclear.content.decode()
    assert _states(product) == [(photo.public_id, True, False)]


def test_cashier_other_owner_and_shopper_change_no_photo(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, other = make_product_photos(product, 2)
    cashier = make_member(merchant=owner.merchant, role=MerchantMembership.Role.CASHIER)
    outsider = make_member()
    shopper = make_user(preferred_language="en")
    before = _states(product)
    # when each tries to remove a photo and make the other one main
    statuses = {}
    for name, user, console in [
        ("cashier", cashier.user, owner),
        ("other owner, their console", outsider.user, outsider),
        ("other owner, this console", outsider.user, owner),
        ("shopper", shopper, owner),
    ]:
        client = _client_for(user)
        statuses[name] = (
            client.post(_photo_url(console, main, "remove")).status_code,
            client.post(
                _photo_url(console, other, "update"), {"is_primary": "1"}
            ).status_code,
            client.post(
                _photo_url(console, other, "move"), {"direction": "up"}
            ).status_code,
        )
    # then
    assert statuses == {
        "cashier": (403, 403, 403),
        "other owner, their console": (404, 404, 404),
        "other owner, this console": (403, 403, 403),
        "shopper": (403, 403, 403),
    }
    assert _states(product) == before


def test_a_photo_of_another_product_is_not_found_under_this_one(db):
    # given two products of the same shop
    owner = make_member()
    tea = make_product(added_by_merchant=owner.merchant)
    coffee = make_product(added_by_merchant=owner.merchant)
    [coffee_photo] = make_product_photos(coffee, 1)
    url = reverse(
        "web:merchant_product_photo_remove",
        args=[owner.merchant.public_id, tea.public_id, coffee_photo.public_id],
    )
    # when
    response = _client_for(owner.user).post(url)
    # then
    assert response.status_code == 404
    assert _states(coffee) == [(coffee_photo.public_id, True, False)]


def test_the_product_page_reads_as_many_queries_for_5_photos_as_for_1(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    make_product_photos(product, 1)
    client = _client_for(owner.user)
    url = _edit_url(owner, product)
    client.get(url)  # warm up: session, caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # when
    make_product_photos(product, 4)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    # then
    assert len(five) == len(one)


HTMX = {"HX-Request": "true"}


def _order_shown(html: str, photos) -> list[str]:
    """Return the photos' ids in the order ``html`` lists them."""
    places = {
        photo.public_id: html.index(f'id="product-photo-{photo.public_id}"')
        for photo in photos
        if f'id="product-photo-{photo.public_id}"' in html
    }
    return sorted(places, key=places.get)


def _said(html: str) -> str:
    """Return the status an htmx answer fills out of band."""
    match = re.search(
        r'<div id="product-photos-said" role="status" hx-swap-oob="innerHTML">'
        r"(.*?)</div>",
        html,
        re.S,
    )
    assert match, html
    return re.sub(r"<[^>]+>", "|", match.group(1)).strip("|")


def test_the_page_sends_its_photo_buttons_by_htmx_and_works_without(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, _first, last = make_product_photos(product, 3)
    # when
    page = _client_for(owner.user).get(_edit_url(owner, product)).content.decode()
    # then each form posts to its own address either way, and htmx is loaded
    for url in (
        _photo_url(owner, last, "update"),
        _photo_url(owner, last, "move"),
        _photo_url(owner, main, "remove"),
    ):
        assert f'action="{url}" hx-post="{url}"' in page
    assert "web/vendor/htmx.min" in page
    assert '<div id="product-photos-said" role="status"></div>' in page


def test_with_htmx_a_photo_action_answers_the_photo_list_alone(db):
    # The page reloaded after every button, sending the merchant back to its
    # top; with htmx only the list is swapped, so they keep their place.
    # given a main photo and two more
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, first, second = make_product_photos(product, 3)
    client = _client_for(owner.user)
    # when the last photo moves up
    moved = client.post(
        _photo_url(owner, second, "move"), {"direction": "up"}, headers=HTMX
    )
    # then the answer is the photo list in its new order, not a page
    html = moved.content.decode()
    assert moved.status_code == 200
    assert html.startswith('<div id="product-photo-list"')
    assert "<html" not in html and 'id="product-form"' not in html
    assert _order_shown(html, (main, first, second)) == [
        main.public_id,
        second.public_id,
        first.public_id,
    ]
    # with the photos numbered in that order, and how it went said above them
    assert f"Photo 2 of “{product.name}”" in html.split(second.public_id, 2)[1]
    assert _said(html) == "The photo is moved up."
    # and the message is not shown again on the next page
    page = client.get(_edit_url(owner, product))
    assert list(page.context["messages"]) == []
    # when the main one is removed, then the next one is main in the list
    removed = client.post(_photo_url(owner, main, "remove"), headers=HTMX)
    html = removed.content.decode()
    assert _order_shown(html, (main, first, second)) == [
        second.public_id,
        first.public_id,
    ]
    assert html.count('<span class="pill ok">Main photo</span>') == 1
    assert f'id="product-photo-make-main-{second.public_id}"' not in html
    assert _said(html) == "The photo is removed."


def test_with_htmx_a_refusal_is_said_and_the_last_photo_leaves_an_empty_list(db):
    # given a product whose only photo is its recognition photo
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    [photo] = make_product_photos(product, 1)
    ProductImage.objects.filter(pk=photo.pk).update(is_reference=True)
    client = _client_for(owner.user)
    # when a stale page stops it without the confirmation
    refused = client.post(
        _photo_url(owner, photo, "update"), {"is_reference": "0"}, headers=HTMX
    )
    # then the list stays as it was and says why
    assert refused.status_code == 200
    assert _said(refused.content.decode()) == LAST_REFERENCE
    assert _states(product) == [(photo.public_id, True, True)]
    # when it is removed, confirmed
    removed = client.post(
        _photo_url(owner, photo, "remove"),
        {"confirm_last_reference": "1"},
        headers=HTMX,
    )
    # then the list says there is none
    html = removed.content.decode()
    assert 'id="product-photos-none"' in html
    assert _said(html) == "The photo is removed."


def test_with_htmx_others_still_change_no_photo(db):
    # given
    owner = make_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, _other = make_product_photos(product, 2)
    cashier = make_member(merchant=owner.merchant, role=MerchantMembership.Role.CASHIER)
    outsider = make_member()
    before = _states(product)
    # when
    statuses = {
        name: _client_for(user)
        .post(_photo_url(console, main, "remove"), headers=HTMX)
        .status_code
        for name, user, console in [
            ("cashier", cashier.user, owner),
            ("other owner, their console", outsider.user, outsider),
            ("shopper", make_user(preferred_language="en"), owner),
        ]
    }
    # then
    assert statuses == {
        "cashier": 403,
        "other owner, their console": 404,
        "shopper": 403,
    }
    assert _states(product) == before
