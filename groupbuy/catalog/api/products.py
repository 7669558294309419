"""Products, their aliases and photos, and categories."""

from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import Field

from groupbuy.accounts.auth import optional_auth
from groupbuy.catalog import selectors, services
from groupbuy.catalog.api.schemas import (
    AliasIn,
    AliasOut,
    CategoryIn,
    CategoryNodeOut,
    CategoryPatch,
    ImageMoveIn,
    ImageOut,
    ImagePatch,
    ProductIn,
    ProductOut,
    ProductPage,
    ProductPatch,
    category_node_out,
    image_out,
    page_out,
    patch_changes,
    product_out,
)
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn

router = Router(tags=["catalog"])


class ProductFilter(PageIn):
    q: str = Field(
        "",
        max_length=200,
        description="Name, brand, alias or GTIN; a Chinese name or brand also as "
        "pinyin (niunai, niu奶) or its initials (nn), two letters at least",
    )
    category: str = Field("", max_length=50, description="Slug; includes subcategories")


def _category_or_none(public_id: str | None):
    if not public_id:
        return None
    with id_in_request("category_id"):
        return selectors.category_get(public_id=public_id)


def _merchant_or_none(public_id: str | None):
    if not public_id:
        return None
    with id_in_request("merchant_id"):
        return selectors.merchant_get(public_id=public_id, include_inactive=True)


@router.get("/products", response=ProductPage, auth=optional_auth)
def product_list(request, filters: Query[ProductFilter]):
    """Search active products by name (Chinese, pinyin, initials or English),
    brand, alias or GTIN: names as written first, then pinyin, then initials."""
    category = (
        selectors.category_get(slug=filters.category) if filters.category else None
    )
    result = selectors.product_search(
        query=filters.q,
        category=category,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_out(result, product_out)


@router.get("/products/gtin/{code}", response=ProductOut, auth=optional_auth)
def product_by_gtin(request, code: str):
    """Find a product by its barcode: EAN-8, UPC-A, EAN-13 or GTIN-14."""
    return product_out(selectors.product_get_by_gtin(code=code))


@router.get("/products/{product_id}", response=ProductOut, auth=optional_auth)
def product_detail(request, product_id: str):
    """One product by its id (``prd_…``): names, GTIN, category and photos."""
    return product_out(selectors.product_get(public_id=product_id))


@router.post("/products", response={201: ProductOut})
def product_create(request, payload: ProductIn):
    """Add a product (operators, or merchant owners naming their merchant)."""
    fields = payload.dict()
    fields["category"] = _category_or_none(fields.pop("category_id"))
    fields["merchant"] = _merchant_or_none(fields.pop("merchant_id"))
    product = services.product_create(actor=request.auth, **fields)
    return Status(201, product_out(product))


@router.patch("/products/{product_id}", response=ProductOut)
def product_update(request, product_id: str, payload: ProductPatch):
    """Change a product (operators, or the owners of the only merchant selling it);
    ``null`` clears a field."""
    product = selectors.product_get_for_editor(user=request.auth, public_id=product_id)
    changes = patch_changes(
        payload,
        clearable=frozenset(
            {"gtin", "name_zh", "name_en", "brand", "spec", "description"}
            | {"category_id", "source"}
        ),
    )
    if "category_id" in changes:
        changes["category"] = _category_or_none(changes.pop("category_id"))
    product = services.product_update(actor=request.auth, product=product, **changes)
    return product_out(product)


@router.post("/products/{product_id}/aliases", response={201: AliasOut})
def product_alias_add(request, product_id: str, payload: AliasIn):
    """Add another name the product is searched and recognised by."""
    product = selectors.product_get_for_editor(user=request.auth, public_id=product_id)
    alias = services.product_alias_add(
        actor=request.auth,
        product=product,
        text=payload.text,
        language=payload.language,
    )
    return Status(
        201,
        {
            "product_id": product.public_id,
            "text": alias.text,
            "language": alias.language,
        },
    )


@router.delete("/products/{product_id}/aliases", response={204: None})
def product_alias_remove(
    request,
    product_id: str,
    text: str = Query(description="The alias to remove, as it was added."),
):
    """Remove the alias given as ``?text=``; a missing alias is not an error."""
    product = selectors.product_get_for_editor(user=request.auth, public_id=product_id)
    services.product_alias_remove(actor=request.auth, product=product, text=text)
    return Status(204, None)


@router.post("/products/{product_id}/images", response={201: ImageOut})
def product_image_add(
    request,
    product_id: str,
    image: File[UploadedFile],
    is_reference: Form[bool] = False,
    is_primary: Form[bool] = False,
):
    """Upload a JPEG, PNG or WebP photo; reference photos teach snap the product."""
    product = selectors.product_get_for_shop_editor(
        user=request.auth, public_id=product_id
    )
    created = services.product_image_add(
        actor=request.auth,
        product=product,
        upload=image,
        is_reference=is_reference,
        is_primary=is_primary,
    )
    return Status(201, image_out(created))


_CONFIRM_LAST_REFERENCE = Query(
    False,
    description="Stop or remove the product's last reference photo: snap then "
    "no longer recognises the product by its look (409 ``last_reference`` "
    "without it)",
)


@router.patch("/images/{image_id}", response=ImageOut)
def product_image_update(
    request,
    image_id: str,
    payload: ImagePatch,
    confirm_last_reference: bool = _CONFIRM_LAST_REFERENCE,
):
    """Mark a product photo as a reference photo (for snap) or the primary one."""
    image = selectors.product_image_get_for_shop_editor(
        user=request.auth, public_id=image_id
    )
    changes = patch_changes(payload, clearable=frozenset())
    image = services.product_image_update(
        actor=request.auth,
        image=image,
        confirm_last_reference=confirm_last_reference,
        **changes,
    )
    return image_out(image)


@router.delete("/images/{image_id}", response={204: None})
def product_image_delete(
    request, image_id: str, confirm_last_reference: bool = _CONFIRM_LAST_REFERENCE
):
    """Delete a product photo; the next one in order becomes the main one."""
    image = selectors.product_image_get_for_shop_editor(
        user=request.auth, public_id=image_id
    )
    services.product_image_delete(
        actor=request.auth,
        image=image,
        confirm_last_reference=confirm_last_reference,
    )
    return Status(204, None)


@router.post("/images/{image_id}/move", response=list[ImageOut])
def product_image_move(request, image_id: str, payload: ImageMoveIn):
    """Move a photo one place up or down in the order shoppers see the
    product's photos in (the main one stays first); answer the product's
    photos in their new order. At either end nothing moves."""
    image = selectors.product_image_get_for_shop_editor(
        user=request.auth, public_id=image_id
    )
    services.product_image_move(
        actor=request.auth, image=image, direction=payload.direction
    )
    return [
        image_out(photo) for photo in selectors.product_images(product=image.product)
    ]


# --- Categories -----------------------------------------------------------------


@router.get("/categories", response=list[CategoryNodeOut], auth=optional_auth)
def category_tree(request):
    """The whole category tree, with each category's effective demand threshold."""
    return [category_node_out(node) for node in selectors.category_tree()]


@router.post("/categories", response={201: CategoryNodeOut})
def category_create(request, payload: CategoryIn):
    """Add a category (operators)."""
    fields = payload.dict()
    fields["parent"] = _category_or_none(fields.pop("parent_id"))
    category = services.category_create(actor=request.auth, **fields)
    return Status(201, category_node_out(selectors.CategoryNode(category)))


@router.patch("/categories/{category_id}", response=CategoryNodeOut)
def category_update(request, category_id: str, payload: CategoryPatch):
    """Change a category (operators); ``null`` clears a field."""
    category = selectors.category_get(public_id=category_id)
    changes = patch_changes(
        payload,
        clearable=frozenset({"name_zh", "name_en", "parent_id", "demand_threshold"}),
    )
    if "parent_id" in changes:
        changes["parent"] = _category_or_none(changes.pop("parent_id"))
    category = services.category_update(
        actor=request.auth, category=category, **changes
    )
    return category_node_out(selectors.CategoryNode(category))
