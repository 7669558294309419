"""What snap needs to know about deals, in one place.

A deal is "open" for snap when shoppers can still join it: state open and the
deadline not yet passed (the closing job may be a moment late). Only this
module reads the deals app, so the rest of snap never touches its models.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from groupbuy.catalog.models import Branch, Category, Product
from groupbuy.deals.links import deal_page_url
from groupbuy.deals.models import Deal, DealTier
from groupbuy.deals.selectors import deal_prices

MAX_DEALS_SHOWN = 5


def _open_deals() -> QuerySet[Deal]:
    return Deal.objects.filter(state=Deal.State.OPEN, deadline_at__gt=timezone.now())


def _for_display(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    return deals.select_related("product", "merchant").prefetch_related(
        Prefetch("tiers", queryset=DealTier.objects.order_by("min_participants"))
    )


def product_has_open_deal(product: Product) -> bool:
    return _open_deals().filter(product=product).exists()


def open_deals_for_product(product: Product, *, limit: int = MAX_DEALS_SHOWN) -> list:
    """Return the product's joinable deals, the soonest deadline first."""
    deals = _open_deals().filter(product=product).order_by("deadline_at", "pk")
    return list(_for_display(deals)[:limit])


def open_deals_for_category(
    category: Category, *, limit: int = MAX_DEALS_SHOWN
) -> list:
    """Return joinable deals for products of ``category`` or its subcategories."""
    from groupbuy.catalog.selectors import category_descendant_ids

    deals = _open_deals().filter(
        product__category_id__in=category_descendant_ids(category)
    )
    return list(_for_display(deals.order_by("deadline_at", "pk"))[:limit])


def deal_find(public_id: str) -> Deal | None:
    """Return the published deal a scanned deal link names (drafts stay hidden)."""
    deals = Deal.objects.select_related("product").exclude(state=Deal.State.DRAFT)
    return deals.filter(public_id=public_id).first()


def deal_product(deal: Deal) -> Product:
    return deal.product


def deal_url(deal: Deal) -> str:
    return deal_page_url(deal)


def deal_join_url(deal: Deal) -> str:
    """Return where the one-tap join form posts (``quantity``; answers with the
    pay page, or the sign-in page first)."""
    try:
        return reverse("web:deal_join", args=[deal.public_id])
    except NoReverseMatch:
        return deal_url(deal) + "#join-form"


def launch_url(*, product: Product, signal=None) -> str:
    """Return the operator's prefilled "launch deal" page for ``product``."""
    try:
        return reverse("snap:operator_launch", args=[product.public_id])
    except NoReverseMatch:
        return "/snap/operator/"


def deal_payloads(deals) -> list[dict]:
    """Return what a snap answer shows of each deal. A team buy (sold by another
    app, ``deals.order_keepers``) has no one-tap join: ``deal_join`` refuses it,
    so its card leads to its page, counting down to its end of sales."""
    from groupbuy.deals.order_keepers import sales_of

    deals = list(deals)
    sales = sales_of(deals)
    branches = _pickup_choices({deal.merchant_id for deal in deals})
    return [
        deal_payload(
            deal, sales=sales[deal.pk], branches=branches.get(deal.merchant_id, [])
        )
        for deal in deals
    ]


def _pickup_choices(merchant_ids: set[int]) -> dict[int, list[dict]]:
    """Each merchant's active branches, where it has several to choose from
    (a join must then name one; with one it is taken)."""
    by_merchant: dict[int, list[dict]] = {}
    for branch in Branch.objects.filter(
        merchant_id__in=merchant_ids, is_active=True
    ).order_by("name", "pk"):
        by_merchant.setdefault(branch.merchant_id, []).append(
            {
                "id": branch.public_id,
                "name": branch.name,
                "name_en": branch.name_en,
                # The page's choice: the name as the reader reads it.
                "display_name": branch.display_name,
                "opening_hours_summary": branch.hours_summary,
            }
        )
    return {key: found for key, found in by_merchant.items() if len(found) > 1}


def deal_payload(deal: Deal, *, sales, branches: list[dict]) -> dict:
    """Return what a snap answer shows of a deal (``sales``: how it sells, see
    ``deal_payloads``; ``branches``: where to collect, when there is a choice)."""
    tiers = list(deal.tiers.all())
    prices = deal_prices(deal) if tiers else {}
    ends_at = sales.ends_at
    return {
        "id": deal.public_id,
        "title": deal.title,
        "product_id": deal.product.public_id,
        "merchant_name": deal.merchant.display_name,
        "list_price_fen": deal.list_price_fen,
        "current_price_fen": prices.get("current_price_fen", deal.list_price_fen),
        "lowest_price_fen": prices.get("lowest_price_fen", deal.list_price_fen),
        "tiers": [tier.as_dict() for tier in tiers],
        "units_left": sales.units_left,
        "starts_at": deal.starts_at,
        "deadline_at": ends_at,
        "deadline_ms": int(ends_at.timestamp() * 1000),
        "url": deal_url(deal),
        "sells_in_teams": sales.is_kept,
        "join_url": "" if sales.is_kept else deal_join_url(deal),
        "pickup_branches": branches,
    }
