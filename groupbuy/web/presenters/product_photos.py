"""A product's photos on the console's product page, with what each offers."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from groupbuy.catalog.models import ProductImage


@dataclass(frozen=True)
class PhotoRow:
    photo: ProductImage
    # The moves it offers: (direction, button label).
    moves: tuple[tuple[str, str], ...]
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
    labels = {"up": _("Move up"), "down": _("Move down")}
    return [
        PhotoRow(
            photo=photo,
            moves=tuple(
                (direction, labels[direction]) for direction in _moves(movable, photo)
            ),
            is_last_reference=references == [photo],
        )
        for photo in photos
    ]


def _moves(movable: list[ProductImage], photo: ProductImage) -> list[str]:
    if photo not in movable:
        return []
    here = movable.index(photo)
    possible = {"up": here > 0, "down": here < len(movable) - 1}
    return [direction for direction, is_possible in possible.items() if is_possible]
