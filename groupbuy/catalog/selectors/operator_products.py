"""Reads for the operator's pages of the catalogue: every product, on sale or
stopped, to stop selling one or sell it again."""

from __future__ import annotations

from django.db.models import QuerySet, TextChoices
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from groupbuy.catalog.models import Listing, Merchant, Product
from groupbuy.catalog.permissions import require_operator
from groupbuy.catalog.selectors.common import _not_found
from groupbuy.catalog.selectors.products import products_matching
from groupbuy.core.pagination import PageResult, paginate


class SellingState(TextChoices):
    """Whether the platform sells a product (``Product.is_active``)."""

    ACTIVE = "active", pgettext_lazy("product", "On sale")
    STOPPED = "stopped", pgettext_lazy("product", "Stopped")


def selling_state(product: Product) -> SellingState:
    return SellingState.ACTIVE if product.is_active else SellingState.STOPPED


def products_for_operator(
    *,
    user,
    query: str = "",
    state: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> PageResult:
    """Return a page of every product matching ``query`` (names, GTIN, brand,
    aliases, as the catalogue's search), on sale, stopped (``state``) or both
    (""), best match first (operators only)."""
    require_operator(user)
    is_active = {SellingState.ACTIVE: True, SellingState.STOPPED: False}.get(state)
    products: QuerySet[Product] = products_matching(query=query, is_active=is_active)
    return paginate(products, page=page, page_size=page_size)


def product_get_for_operator(*, user, product_id: str) -> Product:
    """Return any product, on sale or stopped, for an operator (403 for anyone
    else, before a missing product's 404: a shopper learns nothing)."""
    require_operator(user)
    product = (
        Product.objects.select_related("category", "added_by_merchant")
        .prefetch_related("aliases", "images")
        .filter(public_id=product_id)
        .first()
    )
    if product is None:
        raise _not_found(_("product"))
    return product


def merchants_listing_product(*, user, product: Product) -> QuerySet[Merchant]:
    """Return the shops that sell ``product`` (an active listing of it), by
    name: a correction of it changes what their listings and group buys show
    (operators only)."""
    require_operator(user)
    listed = Listing.objects.filter(product=product, is_active=True)
    return Merchant.objects.filter(pk__in=listed.values("merchant_id")).order_by(
        "name", "pk"
    )
