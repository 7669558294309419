"""Promotions and the shops that run them, and the products a pooling form
offers."""

from __future__ import annotations

from django.db.models import Case, CharField, F, Q, QuerySet, When
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog.models import Branch, Merchant, Product
from groupbuy.pooling import savings
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.selectors.common import not_found


def merchant_get(*, merchant_id: str) -> Merchant:
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise PoolingError("not_found", _("No such merchant."), status=404)
    return merchant


def branch_get(*, branch_id: str) -> Branch:
    branch = (
        Branch.objects.select_related("merchant")
        .filter(public_id=branch_id, is_active=True)
        .first()
    )
    if branch is None:
        raise not_found()
    return branch


def promotion_get(*, promotion_id: str) -> Promotion:
    promotion = (
        Promotion.objects.select_related("merchant", "branch")
        .filter(public_id=promotion_id)
        .first()
    )
    if promotion is None:
        raise not_found()
    return promotion


def promotion_saving_quote(*, promotion: Promotion, lines, now=None) -> dict:
    """Return what a basket of ``lines`` counts and saves under ``promotion`` at
    ``now``; refused (409) when it is not running then, as asking to pool for it
    is: a promotion over (or not yet begun) saves nothing at the till."""
    if not promotion.is_running(now):
        raise PoolingError(
            "promotion_not_running", _("This promotion is not running."), status=409
        )
    rules = promotion.rules()
    return {
        "eligible_fen": savings.eligible_fen(rules, lines),
        "saving_fen": savings.basket_saving(rules, lines),
    }


def promotions_at_branch(*, branch: Branch, now=None) -> list[Promotion]:
    now = now or timezone.now()
    return list(
        Promotion.objects.filter(
            Q(branch=branch) | Q(branch__isnull=True, merchant_id=branch.merchant_id),
            starts_at__lte=now,
            ends_at__gt=now,
        )
        .select_related("merchant", "branch")
        .prefetch_related("products")
        .order_by("pk")  # in the order they were published
    )


def branches_with_promotions(*, now=None) -> QuerySet[Branch]:
    """Return the open branches where a promotion runs, by shop and name (a
    QuerySet, to paginate)."""
    now = now or timezone.now()
    running = Promotion.objects.filter(starts_at__lte=now, ends_at__gt=now)
    return (
        Branch.objects.filter(is_active=True)
        .filter(
            Q(promotions__in=running)
            | Q(merchant__promotions__in=running.filter(branch__isnull=True))
        )
        .select_related("merchant")
        .distinct()
        .order_by("merchant__name", "name", "pk")
    )


def products_for_forms(
    *, promotions=(), query: str = "", chosen: str = "", limit: int = 200
) -> tuple[list[Product], bool]:
    """The products a form offers, and whether ``query`` matched any: those the
    promotions are limited to first (a promotion priced on items pools only
    them) and the one ``chosen`` (a public id: a product found by a search stays
    valid when the form is sent), then the catalog's products matching
    ``query``, best first, or without one its first ``limit`` by name."""
    limited = [p.pk for promotion in promotions for p in promotion.products.all()]
    first = Q(pk__in=limited) | Q(public_id=chosen) if chosen else Q(pk__in=limited)
    by_name = _product_name_order()
    listed = list(Product.objects.filter(first, is_active=True).order_by(by_name, "id"))
    seen = {product.pk for product in listed}
    query = " ".join(query.split())
    if query:
        # best first (products_matching's rank), then by the reader's name
        catalog = catalog_selectors.products_matching(query=query).order_by(
            "rank", by_name, "id"
        )
    else:
        catalog = Product.objects.filter(is_active=True).order_by(by_name, "id")
    catalog = list(catalog[:limit])
    offered = [*listed, *(product for product in catalog if product.pk not in seen)]
    return offered, bool(query and catalog)


def _product_name_order():
    """Order products by the name the reader reads (Product.name): the English
    one on English pages where there is one, else the Chinese one. Sorting by
    the Chinese name put "Bananas" (香蕉) after "C100 Lemon Juice Drink"."""
    if (get_language() or "").startswith("en"):
        return Lower(
            Case(
                When(name_en="", then=F("name_zh")),
                default=F("name_en"),
                output_field=CharField(),
            )
        ).asc()
    return F("name_zh").asc()
