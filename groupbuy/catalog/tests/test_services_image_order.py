"""A product's photos in the merchant's order, and its last recognition photo
kept from going silently."""

from collections import Counter

import pytest

from groupbuy.catalog import services
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import ProductImage
from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_product,
)
from groupbuy.catalog.tests.test_services_images import (  # noqa: F401
    media_root,  # autouse: the photos' files go to a temporary folder
    png_upload,
    reference_events,
)
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race

pytestmark = pytest.mark.django_db

LAST_REFERENCE = (
    "Shoppers who photograph this product will no longer find it by its look; "
    "its barcode and name still work."
)


def _add_photos(actor, product, count: int, **flags) -> list[ProductImage]:
    return [
        services.product_image_add(
            actor=actor, product=product, upload=png_upload(), **flags
        )
        for _ in range(count)
    ]


def _order(product) -> list[str]:
    return [image.public_id for image in product.images.all()]


def _positions(product) -> list[int]:
    return sorted(product.images.values_list("position", flat=True))


def test_photos_keep_the_order_they_were_added_in():
    # given
    operator = make_operator()
    product = make_product()
    # when
    photos = _add_photos(operator, product, 3)
    # then
    assert _order(product) == [photo.public_id for photo in photos]
    assert _positions(product) == [0, 1, 2]


def test_an_owner_moves_a_photo_up_and_down_after_the_main_one():
    # given a main photo and three more
    member = make_merchant_member()
    product = make_product(added_by_merchant=member.merchant)
    main, first, second, third = _add_photos(member.user, product, 4)
    # when
    services.product_image_move(actor=member.user, image=third, direction="up")
    # then
    assert _order(product) == [p.public_id for p in (main, first, third, second)]
    # when
    services.product_image_move(actor=member.user, image=first, direction="down")
    # then
    assert _order(product) == [p.public_id for p in (main, third, first, second)]
    assert _positions(product) == [0, 1, 2, 3]
    moves = AuditEntry.objects.filter(action="catalog.product.image_moved")
    assert list(moves.order_by("id").values_list("actor", "object_id", "data")) == [
        (
            member.user.pk,
            product.public_id,
            {"image": third.public_id, "direction": "up", "position": 2},
        ),
        (
            member.user.pk,
            product.public_id,
            {"image": first.public_id, "direction": "down", "position": 2},
        ),
    ]


def test_the_main_photo_stays_first_and_the_ends_do_not_move():
    # given
    operator = make_operator()
    product = make_product()
    main, first, last = _add_photos(operator, product, 3)
    # when the photo after the main one goes up, and the last one down
    services.product_image_move(actor=operator, image=first, direction="up")
    services.product_image_move(actor=operator, image=last, direction="down")
    # then nothing moved and nothing was logged
    assert _order(product) == [main.public_id, first.public_id, last.public_id]
    assert not AuditEntry.objects.filter(action="catalog.product.image_moved")
    # when the main photo is moved
    with pytest.raises(CatalogError) as caught:
        services.product_image_move(actor=operator, image=main, direction="down")
    # then it is refused: another photo becomes main by making it main
    assert (caught.value.code, caught.value.status) == ("main_photo_first", 409)


def test_a_removed_photo_leaves_no_gap_and_the_next_in_order_becomes_main():
    # given photos in the order main, third, second (third moved up)
    operator = make_operator()
    product = make_product()
    main, second, third = _add_photos(operator, product, 3)
    services.product_image_move(actor=operator, image=third, direction="up")
    # when the main photo is removed
    services.product_image_delete(actor=operator, image=main)
    # then the next in the merchant's order is main
    assert _order(product) == [third.public_id, second.public_id]
    assert list(product.images.values_list("is_primary", flat=True)) == [True, False]
    assert _positions(product) == [0, 1]


def test_only_product_editors_move_photos():
    # given a cashier of the shop that added the product
    owner = make_merchant_member()
    product = make_product(added_by_merchant=owner.merchant)
    _main, first, second = _add_photos(owner.user, product, 3)
    cashier = make_merchant_member(merchant=owner.merchant, role="cashier")
    # when
    with pytest.raises(CatalogError) as caught:
        services.product_image_move(actor=cashier.user, image=second, direction="up")
    # then
    assert caught.value.status == 403
    assert _order(product)[1:] == [first.public_id, second.public_id]


@pytest.mark.django_db(transaction=True)
def test_concurrent_moves_keep_positions_unique_and_contiguous(
    file_database,  # noqa: F811
):
    # given a product with six photos
    operator = make_operator()
    product = make_product()
    photos = _add_photos(operator, product, 6)
    moves = [(photo, direction) for photo in photos[1:] for direction in ("up", "down")]
    # when every photo but the main one moves up and down at the same moment
    outcomes = race(
        [
            lambda photo=photo, direction=direction: services.product_image_move(
                actor=operator, image=photo, direction=direction
            )
            for photo, direction in moves
        ]
    )
    # then every move went through and each photo has its own place
    assert outcomes == Counter({"ok": len(moves)})
    assert _positions(product) == [0, 1, 2, 3, 4, 5]
    assert sorted(_order(product)) == sorted(photo.public_id for photo in photos)
    assert _order(product)[0] == photos[0].public_id


def test_stopping_or_removing_the_last_recognition_photo_needs_a_confirmation(
    reference_events,  # noqa: F811 (fixture)
    django_capture_on_commit_callbacks,
):
    # given a product with one recognition photo and one other photo
    operator = make_operator()
    product = make_product()
    [reference] = _add_photos(operator, product, 1, is_reference=True)
    _add_photos(operator, product, 1)
    reference_events.clear()
    # when it is stopped or removed without confirming
    refusals = []
    for change in (
        lambda: services.product_image_update(
            actor=operator, image=reference, is_reference=False
        ),
        lambda: services.product_image_delete(actor=operator, image=reference),
    ):
        with pytest.raises(CatalogError) as caught:
            change()
        refusals.append((caught.value.code, caught.value.status, caught.value.message))
    # then both are refused with what the shoppers lose, and nothing changed
    assert refusals == [("last_reference", 409, LAST_REFERENCE)] * 2
    reference.refresh_from_db()
    assert reference.is_reference is True
    assert reference_events == []
    # when the owner confirms
    with django_capture_on_commit_callbacks(execute=True):
        services.product_image_update(
            actor=operator,
            image=reference,
            is_reference=False,
            confirm_last_reference=True,
        )
    # then recognition no longer uses it, and snap is told
    reference.refresh_from_db()
    assert reference.is_reference is False
    assert reference_events == [product.public_id]


def test_a_recognition_photo_with_another_one_left_goes_without_a_confirmation():
    # given two recognition photos
    operator = make_operator()
    product = make_product()
    first, second = _add_photos(operator, product, 2, is_reference=True)
    # when
    services.product_image_update(actor=operator, image=first, is_reference=False)
    # then the last one needs the confirmation, to stop or to remove
    with pytest.raises(CatalogError):
        services.product_image_delete(actor=operator, image=second)
    services.product_image_delete(
        actor=operator, image=second, confirm_last_reference=True
    )
    assert list(product.images.values_list("is_reference", flat=True)) == [False]
