"""The API's photo order (POST /api/catalog/images/{id}/move), its
confirmation for a product's last recognition photo, and who learns that a
product or photo exists."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_product,
    make_product_photos,
    make_user,
)

pytestmark = pytest.mark.django_db

LAST_REFERENCE = (
    "Shoppers who photograph this product will no longer find it by its look; "
    "its barcode and name still work."
)


def _move(client, image, direction):
    return client.post(
        f"/api/catalog/images/{image.public_id}/move",
        {"direction": direction},
        content_type="application/json",
    )


def _order(product) -> list[str]:
    return [image.public_id for image in product.images.all()]


def test_an_owner_moves_a_photo_and_gets_the_photos_in_their_new_order(client):
    # given
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, first, second = make_product_photos(product, 3)
    client.force_login(owner.user)
    # when
    response = _move(client, second, "up")
    # then
    assert response.status_code == 200
    assert [photo["id"] for photo in response.json()] == [
        main.public_id,
        second.public_id,
        first.public_id,
    ]
    detail = client.get(f"/api/catalog/products/{product.public_id}").json()
    assert [photo["id"] for photo in detail["images"]] == _order(product)
    assert _order(product) == [main.public_id, second.public_id, first.public_id]


def test_a_move_names_up_or_down_and_the_main_photo_stays_first(client):
    # given
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, other = make_product_photos(product, 2)
    client.force_login(owner.user)
    # when
    sideways = _move(client, other, "sideways")
    main_down = _move(client, main, "down")
    # then
    assert sideways.status_code == 422
    assert main_down.status_code == 409
    assert main_down.json()["code"] == "main_photo_first"
    assert _order(product) == [main.public_id, other.public_id]


def test_other_shops_and_shoppers_do_not_find_the_photo_and_cashiers_may_not(
    client,
):
    # given
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    main, first, second = make_product_photos(product, 3)
    cashier = make_merchant_member(
        merchant=owner.merchant, role=MerchantMembership.Role.CASHIER
    )
    url = f"/api/catalog/images/{second.public_id}"
    statuses = {}
    # when each tries to move the last photo up, make it main and remove it
    for name, user in [
        ("other owner", make_merchant_member().user),
        ("shopper", make_user()),
        ("cashier", cashier.user),
    ]:
        client.force_login(user)
        statuses[name] = (
            _move(client, second, "up").status_code,
            client.patch(
                url, {"is_primary": True}, content_type="application/json"
            ).status_code,
            client.delete(url).status_code,
        )
    # then
    assert statuses == {
        "other owner": (404, 404, 404),
        "shopper": (404, 404, 404),
        "cashier": (403, 403, 403),
    }
    assert _order(product) == [main.public_id, first.public_id, second.public_id]


def test_the_last_recognition_photo_goes_only_when_the_client_confirms(client):
    # given a product whose only recognition photo is its main one
    owner = make_merchant_member(user=make_user(preferred_language="en"))
    product = make_product(added_by_merchant=owner.merchant)
    reference, _other = make_product_photos(product, 2)
    ProductImage.objects.filter(pk=reference.pk).update(is_reference=True)
    client.force_login(owner.user)
    url = f"/api/catalog/images/{reference.public_id}"
    # when it is stopped or removed without confirming
    stopped = client.patch(
        url, {"is_reference": False}, content_type="application/json"
    )
    removed = client.delete(url)
    # then both are refused with what shoppers would lose
    for response in (stopped, removed):
        assert response.status_code == 409
        assert (response.json()["code"], response.json()["message"]) == (
            "last_reference",
            LAST_REFERENCE,
        )
    assert ProductImage.objects.get(pk=reference.pk).is_reference is True
    # when the client confirms
    removed = client.delete(f"{url}?confirm_last_reference=true")
    # then
    assert removed.status_code == 204
    assert not ProductImage.objects.filter(pk=reference.pk).exists()


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("p.png", buffer.getvalue(), content_type="image/png")


def test_other_shops_and_shoppers_do_not_find_a_draft_to_add_a_photo_to(
    client, settings, tmp_path
):
    # The upload answered them 403, telling another shop's owner that the
    # shop had a product of that id among its drafts.
    # given a product the shop has not published yet
    settings.MEDIA_ROOT = tmp_path
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant, is_active=False)
    cashier = make_merchant_member(
        merchant=owner.merchant, role=MerchantMembership.Role.CASHIER
    )
    url = f"/api/catalog/products/{product.public_id}/images"
    answers = {}
    # when each tries to add a photo to it
    for name, user in [
        ("other owner", make_merchant_member().user),
        ("shopper", make_user()),
        ("cashier", cashier.user),
    ]:
        client.force_login(user)
        response = client.post(url, {"image": _png()})
        answers[name] = (response.status_code, response.json()["code"])
    # then only the shop's own staff learn it exists; nothing is stored
    assert answers == {
        "other owner": (404, "not_found"),
        "shopper": (404, "not_found"),
        "cashier": (403, "forbidden"),
    }
    assert not ProductImage.objects.exists()
    # and its owner still adds one
    client.force_login(owner.user)
    assert client.post(url, {"image": _png()}).status_code == 201
