"""Reads of products, their names, photos and barcodes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, When
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.gtin import GTIN_LENGTHS, clean_gtin, gtin14, is_valid_gtin
from groupbuy.catalog.models import (
    Category,
    Merchant,
    Product,
    ProductAlias,
    ProductImage,
)
from groupbuy.catalog.permissions import is_merchant_staff, product_edit_refusal
from groupbuy.catalog.selectors.categories import category_descendant_ids
from groupbuy.catalog.selectors.common import _not_found
from groupbuy.catalog.selectors.name_search import match_ranks, name_match
from groupbuy.core.pagination import PageResult, paginate


def product_get(*, public_id: str, include_inactive: bool = False) -> Product:
    products = Product.objects.select_related("category", "added_by_merchant")
    if not include_inactive:
        products = products.filter(is_active=True)
    product = products.filter(public_id=public_id).first()
    if product is None:
        raise _not_found(_("product"))
    return product


def product_name_lazy(product: Product):
    """Return the product's name in whatever language is active when it is read,
    so a notification naming it is written in each reader's language."""
    return lazy(lambda: product.name, str)()


def merchant_name_lazy(merchant):
    """Return the shop's name in whatever language is active when it is read
    (``Merchant.display_name``: its English name in English, where it has one),
    so a notification naming it is written in each reader's language."""
    return lazy(lambda: merchant.display_name, str)()


def branch_name_lazy(branch):
    """Return the branch's name in whatever language is active when it is read
    (``Branch.display_name``), as ``merchant_name_lazy`` does for the shop."""
    return lazy(lambda: branch.display_name, str)()


def _may_not_change(product: Product) -> CatalogError:
    return CatalogError(
        "forbidden",
        _("You may not change “%(product)s”.") % {"product": product.name},
        status=403,
    )


def _require_editor(user, product: Product) -> None:
    refusal = product_edit_refusal(user, product)
    if refusal is not None and refusal.code == "shared_product":
        raise refusal
    if refusal is not None:
        raise _may_not_change(product)


def product_get_for_editor(*, user, public_id: str) -> Product:
    """Return a product (active or not) that ``user`` may change.

    A product off sale (a shop's draft, or one an operator stopped selling) is
    shown to nobody but its shop's staff and operators, so anyone else does not
    find it (404): a 403 naming it would tell another shop the draft and its
    name. A product on sale is public, so refusing it by name (403) tells
    nothing new."""
    product = product_get(public_id=public_id, include_inactive=True)
    if not product.is_active and not is_merchant_staff(user, product.added_by_merchant):
        raise _not_found(_("product"))
    _require_editor(user, product)
    return product


def product_get_for_shop_editor(*, user, public_id: str) -> Product:
    """Return a product (active or not) that ``user`` may change, as
    ``product_image_get_for_shop_editor`` finds a photo: only the staff of the
    shop that added it (and operators) learn that it exists, so another shop
    learns nothing of its drafts; its cashiers are refused (403), and so are
    its owners once other shops sell it (``shared_product``)."""
    product = product_get(public_id=public_id, include_inactive=True)
    if not is_merchant_staff(user, product.added_by_merchant):
        raise _not_found(_("product"))
    _require_editor(user, product)
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
    _require_editor(user, product)
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
        # Under the name the code came by (the API's path parameter), so a
        # client that shows field errors beside its inputs finds it.
        raise CatalogError(
            "invalid_gtin", message, fields={"code": [message]}
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
    match = name_match(token)
    if token.isdigit():
        match |= Q(gtin__contains=token)
        if len(token) in GTIN_LENGTHS and is_valid_gtin(token):
            match |= Q(gtin14=gtin14(token))
    return match


def products_matching(
    *, query: str = "", category: Category | None = None, is_active: bool | None = True
) -> QuerySet[Product]:
    """Return active products matching every word of ``query``, best first
    (``is_active``: False for the stopped ones, None for both).

    A word matches the Chinese or English name, the brand, an alias or the GTIN
    (any length), or the pinyin or its initials of the Chinese name or brand
    ("niunai", "nn": ``name_search``). Exact GTIN matches come first, then
    names starting with the query, then names containing every word, then
    those found by pinyin, then by initials (``name_search.match_ranks``);
    each by name.
    """
    products = Product.objects.select_related("category", "added_by_merchant")
    if is_active is not None:
        products = products.filter(is_active=is_active)
    if category is not None:
        products = products.filter(category_id__in=category_descendant_ids(category))
    text = " ".join((query or "").split())
    if not text:
        return products.order_by("name_zh", "id")
    words = text.split(" ")
    for token in words:
        products = products.filter(_token_filter(token))
    exact_gtin = Q(gtin14=gtin14(text)) if is_valid_gtin(text) else Q(pk__in=[])
    by_name, found_otherwise = match_ranks(words, first=3)
    return products.annotate(
        rank=Case(
            When(exact_gtin, then=0),
            When(Q(name_zh__istartswith=text) | Q(name_en__istartswith=text), then=1),
            When(
                Exists(ProductAlias.objects.filter(product=OuterRef("pk"), text=text)),
                then=2,
            ),
            *by_name,
            default=found_otherwise,
            output_field=IntegerField(),
        )
    ).order_by("rank", "name_zh", "id")


def product_search(
    *,
    query: str = "",
    category: Category | None = None,
    page: int = 1,
    page_size: int | None = None,
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


def _image_get(public_id: str) -> ProductImage:
    image = (
        ProductImage.objects.select_related("product", "product__added_by_merchant")
        .filter(public_id=public_id)
        .first()
    )
    if image is None:
        raise _not_found(_("photo"))
    return image


def product_image_get_for_shop_editor(*, user, public_id: str) -> ProductImage:
    """Return a photo of a product ``user`` may change. Only the staff of the
    shop that added the product (and operators) learn that the photo exists:
    for anyone else it is not found. Its cashiers are refused (403), and so are
    its owners once other shops sell the product (``shared_product``)."""
    image = _image_get(public_id)
    if not is_merchant_staff(user, image.product.added_by_merchant):
        raise _not_found(_("photo"))
    _require_editor(user, image.product)
    return image


def product_images(*, product: Product) -> QuerySet[ProductImage]:
    """Return a product's photos as shoppers see them: the main one first, then
    in the order its merchant gave them (``product_image_move``)."""
    return product.images.order_by("-is_primary", "position", "id")


def product_image_get(*, product: Product, public_id: str) -> ProductImage:
    """Return one of ``product``'s photos: a photo of another product is not
    found here, whoever may edit that one."""
    image = product_images(product=product).filter(public_id=public_id).first()
    if image is None:
        raise _not_found(_("photo"))
    image.product = product
    return image


def product_photo_urls(*, product_id: int) -> list[str]:
    """Return the URLs of a product's photos as shoppers see them: the main
    one first, then in the order its merchant gave them."""
    images = ProductImage.objects.filter(product_id=product_id).order_by(
        "-is_primary", "position", "id"
    )
    return [image.image.url for image in images.only("image") if image.image]


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
