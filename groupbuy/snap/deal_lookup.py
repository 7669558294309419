"""What snap needs to know about deals, in one place.

Reads go through the deals app's selectors; this module only adapts them to
what a snap answer shows, so the rest of snap never touches deals' models.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from groupbuy.catalog.models import Category, Product

MAX_DEALS_SHOWN = 5


def _deal_model():
    from django.apps import apps

    try:
        return apps.get_model("deals", "Deal")
    except LookupError:  # the deals app has no Deal model yet
        return None


def _open_deals():
    Deal = _deal_model()
    if Deal is None:
        return None
    return Deal.objects.filter(state="open")


def product_has_open_deal(product: Product) -> bool:
    deals = _open_deals()
    return deals is not None and deals.filter(product=product).exists()


def open_deals_for_product(product: Product, *, limit: int = MAX_DEALS_SHOWN) -> list:
    deals = _open_deals()
    if deals is None:
        return []
    return list(deals.filter(product=product).order_by("deadline_at", "pk")[:limit])


def open_deals_for_category(
    category: Category, *, limit: int = MAX_DEALS_SHOWN
) -> list:
    from groupbuy.catalog.selectors import category_descendant_ids

    deals = _open_deals()
    if deals is None:
        return []
    return list(
        deals.filter(product__category_id__in=category_descendant_ids(category))
        .select_related("product")
        .order_by("deadline_at", "pk")[:limit]
    )


def deal_find(public_id: str):
    Deal = _deal_model()
    if Deal is None:
        return None
    return Deal.objects.select_related("product").filter(public_id=public_id).first()


def deal_product(deal) -> Product:
    return deal.product


def deal_url(deal) -> str:
    try:
        return reverse("web:deal_detail", args=[deal.public_id])
    except NoReverseMatch:
        return f"/deals/{deal.public_id}/"


def launch_url(*, product: Product, signal=None) -> str:
    try:
        return reverse("snap:operator_launch", args=[product.public_id])
    except NoReverseMatch:
        return "/snap/operator/"
