"""Reads of the catalog. Getters that act for a user check permission and raise
NotFound or Forbidden (as CatalogError with status 404 / 403)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, When
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.geo import haversine_m
from groupbuy.catalog.gtin import GTIN_LENGTHS, clean_gtin, gtin14, is_valid_gtin
from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
    ProductImage,
)
from groupbuy.catalog.permissions import (
    can_edit_product,
    is_merchant_staff,
    require_merchant_owner,
    require_merchant_staff,
)
from groupbuy.core.pagination import DEFAULT_PAGE_SIZE, PageResult, paginate


def _not_found(what: str) -> CatalogError:
    return CatalogError(
        "not_found", _("No such %(what)s.") % {"what": what}, status=404
    )


# --- Products -------------------------------------------------------------------


def product_get(*, public_id: str, include_inactive: bool = False) -> Product:
    products = Product.objects.select_related("category", "added_by_merchant")
    if not include_inactive:
        products = products.filter(is_active=True)
    product = products.filter(public_id=public_id).first()
    if product is None:
        raise _not_found(_("product"))
    return product


def _may_not_change(product: Product) -> CatalogError:
    return CatalogError(
        "forbidden",
        _("You may not change “%(product)s”.") % {"product": product.name},
        status=403,
    )


def product_get_for_editor(*, user, public_id: str) -> Product:
    """Return a product (active or not) that ``user`` may change."""
    product = product_get(public_id=public_id, include_inactive=True)
    if not can_edit_product(user, product):
        raise _may_not_change(product)
    return product


def merchant_products(*, merchant: Merchant, query: str = "") -> QuerySet[Product]:
    """Return the products ``merchant`` added, active or not, matching every word
    of ``query`` (names, brand, aliases, GTIN), by Chinese name."""
    products = Product.objects.filter(added_by_merchant=merchant).select_related(
        "category", "added_by_merchant"
    )
    for token in (query or "").split():
        products = products.filter(_token_filter(token))
    return products.order_by("name_zh", "id")


def merchant_product_get_for_editor(
    *, user, merchant: Merchant, public_id: str
) -> Product:
    """Return a product ``merchant`` added that ``user`` may change.

    Another merchant's product is not found here: a shop learns nothing of it.
    """
    product = merchant_products(merchant=merchant).filter(public_id=public_id)
    product = product.first()
    if product is None:
        raise _not_found(_("product"))
    if not can_edit_product(user, product):
        raise _may_not_change(product)
    return product


def product_find_by_gtin(*, code: str) -> Product | None:
    """Return the active product with this GTIN in any length, or None."""
    code = (code or "").strip()
    if not is_valid_gtin(code):
        return None
    return (
        Product.objects.select_related("category")
        .filter(gtin14=gtin14(code), is_active=True)
        .first()
    )


def product_get_by_gtin(*, code: str) -> Product:
    """Like product_find_by_gtin, but a bad code or no match raises CatalogError."""
    try:
        cleaned = clean_gtin(code)
    except ValidationError as error:  # the message names the expected check digit
        message = error.messages[0]
        raise CatalogError(
            "invalid_gtin", message, fields={"gtin": [message]}
        ) from None
    product = product_find_by_gtin(code=cleaned)
    if product is None:
        raise CatalogError(
            "not_found",
            _("No product has the GTIN %(gtin)s.") % {"gtin": cleaned},
            status=404,
        )
    return product


def _token_filter(token: str) -> Q:
    aliases = ProductAlias.objects.filter(product=OuterRef("pk"), text__icontains=token)
    match = (
        Q(name_zh__icontains=token)
        | Q(name_en__icontains=token)
        | Q(brand__icontains=token)
        | Q(Exists(aliases))
    )
    if token.isdigit():
        match |= Q(gtin__contains=token)
        if len(token) in GTIN_LENGTHS and is_valid_gtin(token):
            match |= Q(gtin14=gtin14(token))
    return match


def products_matching(
    *, query: str = "", category: Category | None = None
) -> QuerySet[Product]:
    """Return active products matching every word of ``query``, best first.

    A word matches the Chinese or English name, the brand, an alias or the GTIN
    (any length). Exact GTIN matches come first, then names starting with the
    query, then the rest by name.
    """
    products = Product.objects.filter(is_active=True).select_related(
        "category", "added_by_merchant"
    )
    if category is not None:
        products = products.filter(category_id__in=category_descendant_ids(category))
    text = " ".join((query or "").split())
    if not text:
        return products.order_by("name_zh", "id")
    for token in text.split(" "):
        products = products.filter(_token_filter(token))
    exact_gtin = Q(gtin14=gtin14(text)) if is_valid_gtin(text) else Q(pk__in=[])
    return products.annotate(
        rank=Case(
            When(exact_gtin, then=0),
            When(Q(name_zh__istartswith=text) | Q(name_en__istartswith=text), then=1),
            When(
                Exists(ProductAlias.objects.filter(product=OuterRef("pk"), text=text)),
                then=2,
            ),
            default=3,
            output_field=IntegerField(),
        )
    ).order_by("rank", "name_zh", "id")


def product_search(
    *,
    query: str = "",
    category: Category | None = None,
    page: int = 1,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> PageResult:
    return paginate(
        products_matching(query=query, category=category).prefetch_related(
            "aliases", "images"
        ),
        page=page,
        page_size=page_size,
    )


def product_name_entries() -> list[tuple[str, str]]:
    """Return (product public_id, text) for every name and alias of active
    products: what snap's OCR stage matches recognised text against."""
    entries: list[tuple[str, str]] = []
    for public_id, name_zh, name_en in Product.objects.filter(
        is_active=True
    ).values_list("public_id", "name_zh", "name_en"):
        entries.extend((public_id, name) for name in (name_zh, name_en) if name)
    entries.extend(
        ProductAlias.objects.filter(product__is_active=True).values_list(
            "product__public_id", "text"
        )
    )
    return entries


def reference_images(*, product: Product | None = None) -> QuerySet[ProductImage]:
    """Return the reference photos snap's appearance stage matches against."""
    images = ProductImage.objects.filter(
        is_reference=True, product__is_active=True
    ).select_related("product", "product__category")
    if product is not None:
        images = images.filter(product=product)
    return images.order_by("product_id", "id")


def product_image_get_for_editor(*, user, public_id: str) -> ProductImage:
    image = (
        ProductImage.objects.select_related("product", "product__added_by_merchant")
        .filter(public_id=public_id)
        .first()
    )
    if image is None:
        raise _not_found(_("photo"))
    product_get_for_editor(user=user, public_id=image.product.public_id)
    return image


# --- Categories -----------------------------------------------------------------


@dataclass
class CategoryNode:
    category: Category
    children: list[CategoryNode] = field(default_factory=list)


def category_tree() -> list[CategoryNode]:
    """Return the root categories with their children, each level by English name."""
    nodes = {c.pk: CategoryNode(c) for c in Category.objects.order_by("name_en", "id")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)
    return roots


def category_get(*, public_id: str = "", slug: str = "") -> Category:
    lookup = {"public_id": public_id} if public_id else {"slug": slug}
    category = Category.objects.filter(**lookup).first() if public_id or slug else None
    if category is None:
        raise _not_found(_("category"))
    return category


def category_descendant_ids(category: Category) -> list[int]:
    """Return the ids of ``category`` and every category below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, pending = [], [category.pk]
    while pending:
        pk = pending.pop()
        if pk in found:  # a loop made in the admin must not hang a search
            continue
        found.append(pk)
        pending.extend(children.get(pk, []))
    return found


def category_demand_threshold(*, category: Category | None) -> int:
    """Return the distinct requesters needed before operators are prompted:
    the category's own threshold, else the nearest ancestor's, else the default
    (settings.GROUPBUY_DEMAND_THRESHOLD)."""
    seen = set()
    while category is not None and category.pk not in seen:
        if category.demand_threshold is not None:
            return category.demand_threshold
        seen.add(category.pk)
        category = category.parent
    return settings.GROUPBUY_DEMAND_THRESHOLD


# --- Merchants and branches -----------------------------------------------------


def merchants_active(*, query: str = "") -> QuerySet[Merchant]:
    merchants = Merchant.objects.filter(is_active=True)
    text = (query or "").strip()
    if text:
        merchants = merchants.filter(
            Q(name__icontains=text) | Q(name_en__icontains=text)
        )
    return merchants.order_by("name", "id")


def merchant_get(*, public_id: str, include_inactive: bool = False) -> Merchant:
    merchants = Merchant.objects.all()
    if not include_inactive:
        merchants = merchants.filter(is_active=True)
    merchant = merchants.filter(public_id=public_id).first()
    if merchant is None:
        raise _not_found(_("merchant"))
    return merchant


def merchant_get_for_staff(*, user, public_id: str) -> Merchant:
    """Return a merchant whose listings ``user`` (its staff, or an operator) manages."""
    merchant = merchant_get(public_id=public_id, include_inactive=True)
    require_merchant_staff(user, merchant)
    return merchant


def merchant_get_for_owner(*, user, public_id: str) -> Merchant:
    merchant = merchant_get(public_id=public_id, include_inactive=True)
    require_merchant_owner(user, merchant)
    return merchant


def merchant_branches(*, merchant: Merchant) -> QuerySet[Branch]:
    return merchant.branches.filter(is_active=True).order_by("name", "id")


def branch_get_for_owner(*, user, public_id: str) -> Branch:
    branch = Branch.objects.select_related("merchant").filter(public_id=public_id)
    branch = branch.first()
    if branch is None:
        raise _not_found(_("branch"))
    require_merchant_owner(user, branch.merchant)
    return branch


@dataclass
class BranchDistance:
    branch: Branch
    distance_m: float


def branches_nearest(
    *,
    latitude: float,
    longitude: float,
    merchant: Merchant | None = None,
    within_m: float | None = None,
    limit: int | None = None,
) -> list[BranchDistance]:
    """Return active branches with coordinates, nearest first (haversine)."""
    branches = Branch.objects.filter(
        is_active=True,
        merchant__is_active=True,
        latitude__isnull=False,
        longitude__isnull=False,
    ).select_related("merchant")
    if merchant is not None:
        branches = branches.filter(merchant=merchant)
    found = [
        BranchDistance(
            branch,
            haversine_m(
                latitude, longitude, float(branch.latitude), float(branch.longitude)
            ),
        )
        for branch in branches
    ]
    if within_m is not None:
        found = [item for item in found if item.distance_m <= within_m]
    found.sort(key=lambda item: (item.distance_m, item.branch.pk))
    return found[:limit] if limit is not None else found


def merchant_distances_m(*, latitude: float, longitude: float) -> dict[int, float]:
    """Return {merchant id: metres to its nearest branch} for "nearest first" lists.

    Merchants without a located branch are missing; sort them last.
    """
    distances: dict[int, float] = {}
    for item in branches_nearest(latitude=latitude, longitude=longitude):
        distances.setdefault(item.branch.merchant_id, item.distance_m)
    return distances


# --- Listings -------------------------------------------------------------------


def merchant_listings(
    *, merchant: Merchant, include_inactive: bool = False, query: str = ""
) -> QuerySet[Listing]:
    listings = Listing.objects.filter(merchant=merchant).select_related(
        "product", "product__category", "product__added_by_merchant", "merchant"
    )
    if not include_inactive:
        listings = listings.filter(is_active=True, product__is_active=True)
    text = (query or "").strip()
    if text:
        listings = listings.filter(
            product__in=products_matching(query=text).values("pk")
        )
    return listings.order_by("product__name_zh", "id")


def listing_for(*, merchant: Merchant, product: Product) -> Listing | None:
    """Return ``merchant``'s active listing of ``product`` (its everyday price)."""
    return Listing.objects.filter(
        merchant=merchant, product=product, is_active=True
    ).first()


def product_listings(*, product: Product) -> QuerySet[Listing]:
    """Return who sells ``product`` at what everyday price, cheapest first."""
    return (
        Listing.objects.filter(
            product=product, is_active=True, merchant__is_active=True
        )
        .select_related("merchant")
        .order_by("price_fen", "id")
    )


def listing_get_for_staff(*, user, public_id: str) -> Listing:
    listing = (
        Listing.objects.select_related("merchant", "product")
        .filter(public_id=public_id)
        .first()
    )
    if listing is None or not is_merchant_staff(user, listing.merchant):
        # Other merchants' staff learn nothing about whether the listing exists.
        raise _not_found(_("listing"))
    return listing


def product_thumbnail_urls(*, product_ids: set[int]) -> dict[int, str]:
    """Return {product id: thumbnail URL} for those of the products with a photo."""
    images = ProductImage.objects.filter(product_id__in=product_ids).order_by(
        "product_id", "-is_primary", "id"
    )
    found: dict[int, str] = {}
    for image in images:
        if image.product_id not in found and image.image:
            found[image.product_id] = image.image.url
    return found
