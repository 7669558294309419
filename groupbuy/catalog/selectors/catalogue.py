"""Reads of a shop's catalogue file: what its export holds, its imports."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from groupbuy.catalog.models import CatalogueImport, Listing, Merchant, Product
from groupbuy.catalog.permissions import is_merchant_staff, require_merchant_owner
from groupbuy.catalog.selectors.common import _not_found


def catalogue_rows(*, merchant: Merchant) -> list[dict]:
    """Return a row per product the shop added or lists, by Chinese name, with
    its listing's price and whether it is on sale (None without a listing).
    The category is named in the reader's language. Three queries."""
    listings = {
        listing.product_id: listing
        for listing in Listing.objects.filter(merchant=merchant).only(
            "product_id", "price_fen", "is_active"
        )
    }
    products = (
        Product.objects.filter(
            Q(added_by_merchant=merchant, is_active=True) | Q(pk__in=listings.keys())
        )
        .select_related("category")
        .order_by("name_zh", "pk")
    )
    rows = []
    for product in products:
        listing = listings.get(product.pk)
        rows.append(
            {
                "gtin": product.gtin,
                "name_zh": product.name_zh,
                "name_en": product.name_en,
                "brand": product.brand,
                "spec": product.spec,
                "category": product.category.name if product.category else "",
                "description": product.description,
                "price_fen": listing.price_fen if listing else None,
                "on_sale": listing.is_active if listing else None,
            }
        )
    return rows


def catalogue_import_get_for_owner(*, user, public_id: str) -> CatalogueImport:
    """Return an import of a shop ``user`` owns (or an operator). Anyone who is
    not the shop's staff is told there is no such import (404); its cashiers
    are refused (403)."""
    found = (
        CatalogueImport.objects.select_related("merchant")
        .filter(public_id=public_id)
        .first()
    )
    if found is None or not is_merchant_staff(user, found.merchant):
        raise _not_found(_("catalogue import"))
    require_merchant_owner(user, found.merchant)
    return found
