"""A product's photos on the console's product page, with what each offers."""

from __future__ import annotations

from dataclasses import dataclass

from groupbuy.catalog.models import ProductImage


@dataclass(frozen=True)
class PhotoRow:
    photo: ProductImage
    can_move_up: bool
    can_move_down: bool
    # Stopping or removing it asks first: snap would stop recognising the
    # product by its look (catalog.services.images.LAST_REFERENCE_WARNING).
    is_last_reference: bool


def photo_rows(photos: list[ProductImage]) -> list[PhotoRow]:
    """Return a row per photo, in the order shoppers see them (main first).

    The main photo stays first, so it does not move and the one after it does
    not move above it (as ``product_image_move`` does).
    """
    references = [photo for photo in photos if photo.is_reference]
    movable = [photo for photo in photos if not photo.is_primary]
    return [
        PhotoRow(
            photo=photo,
            can_move_up=photo in movable and movable.index(photo) > 0,
            can_move_down=photo in movable and photo is not movable[-1],
            is_last_reference=references == [photo],
        )
        for photo in photos
    ]
