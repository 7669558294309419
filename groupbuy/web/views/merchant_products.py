"""The merchant console's products: the ones a merchant added to the catalog.

All of the merchant's staff see the list; only its owners (and operators) add
and edit products and their photos, as groupbuy.catalog.permissions says.
Another merchant's product, or another product's photo, is not found here.
A photo's buttons are plain forms that come back to the page; sent by htmx,
they are answered with the photo list alone, swapped in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Merchant, Product, ProductImage
from groupbuy.catalog.permissions import is_merchant_owner
from groupbuy.catalog.services import (
    product_alias_add,
    product_alias_remove,
    product_create,
    product_image_add,
    product_image_delete,
    product_image_move,
    product_image_update,
    product_update,
)
from groupbuy.core.pagination import paginate
from groupbuy.web.forms import SearchForm, add_domain_error
from groupbuy.web.forms_products import ProductForm
from groupbuy.web.presenters.product_photos import photo_rows
from groupbuy.web.views.common import domain_errors_as_http, page_number, run_action


@login_required
@domain_errors_as_http
def merchant_products(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    search = SearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    products = paginate(
        catalog.merchant_products(merchant=merchant, query=query),
        page=page_number(request),
    )
    context = {
        "merchant": merchant,
        "products": products,
        "search": search,
        "can_edit_products": is_merchant_owner(request.user, merchant),
        "section": "products",
    }
    return render(request, "web/merchant/products.html", context)


@login_required
@domain_errors_as_http
def merchant_product_create(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = ProductForm(
        request.POST or None, request.FILES or None, categories=catalog.category_tree()
    )
    context = {}
    if request.method == "POST" and form.is_valid():
        try:
            product = _create_product(request.user, merchant, form)
        except CatalogError as error:
            if error.code == "gtin_taken":  # read before the error clears the field
                context = _barcode_taken(merchant, form.cleaned_data["gtin"])
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("“%(product)s” is added.") % {"product": product.name}
            )
            return redirect("web:merchant_product_edit", merchant_id, product.public_id)
    context = {"merchant": merchant, "form": form, "section": "products", **context}
    return render(request, "web/merchant/product_form.html", context)


def _barcode_taken(merchant: Merchant, gtin: str) -> dict:
    """The catalogue's product with the barcode typed, and ``merchant``'s listing
    of it: the page offers to sell that one (until 2026-12-07 it only named its
    id, and the owner had to find it)."""
    product = catalog.product_find_by_gtin(code=gtin)
    if product is None:  # taken by a product no longer in the catalogue
        return {}
    listing = catalog.listing_for(merchant=merchant, product=product)
    return {"taken_product": product, "taken_listing": listing}


@login_required
@domain_errors_as_http
def merchant_product_edit(
    request: HttpRequest, merchant_id: str, product_id: str
) -> HttpResponse:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    product = catalog.merchant_product_get_for_editor(
        user=request.user, merchant=merchant, public_id=product_id
    )
    form = ProductForm(
        request.POST or None,
        request.FILES or None,
        categories=catalog.category_tree(),
        initial=ProductForm.initial_for(product),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _update_product(request.user, product, form)
        except CatalogError as error:
            add_domain_error(form, error)
            product.refresh_from_db()  # the refused changes were rolled back
        else:
            messages.success(request, _("The product is saved."))
            return redirect("web:merchant_products", merchant_id)
    context = {
        **_photos_context(merchant, product),
        "form": form,
        "listing": catalog.listing_for(merchant=merchant, product=product),
        "section": "products",
    }
    return render(request, "web/merchant/product_form.html", context)


def _photos_context(merchant: Merchant, product: Product) -> dict:
    photos = list(catalog.product_images(product=product))
    return {
        "merchant": merchant,
        "product": product,
        "photos": photos,
        "photo_rows": photo_rows(photos),
    }


def _photos_answer(
    request: HttpRequest, merchant: Merchant, product: Product, *, anchor: str = ""
) -> HttpResponse:
    """Answer a photo action: htmx gets the photo list to swap in and how it
    went, so the merchant keeps their place on the page; a plain form goes
    back to the page (at ``anchor``)."""
    if request.htmx:
        return render(
            request,
            "web/merchant/_product_photos_answer.html",
            _photos_context(merchant, product),
        )
    edit_url = reverse(
        "web:merchant_product_edit", args=[merchant.public_id, product.public_id]
    )
    return redirect(f"{edit_url}{anchor}")


@login_required
@require_POST
@domain_errors_as_http
def merchant_product_photo_update(
    request: HttpRequest, merchant_id: str, product_id: str, image_id: str
) -> HttpResponse:
    """Make a photo the main one (``is_primary=1``), or use it for recognition
    or stop (``is_reference=1`` / ``0``), as PATCH /api/catalog/images/{id}."""
    merchant, image = _product_photo(request, merchant_id, product_id, image_id)
    changes, done = _photo_change(request.POST)
    run_action(
        request,
        lambda: product_image_update(
            actor=request.user,
            image=image,
            confirm_last_reference=_confirms_last_reference(request),
            **changes,
        ),
        done,
    )
    return _photos_answer(request, merchant, image.product)


@login_required
@require_POST
@domain_errors_as_http
def merchant_product_photo_remove(
    request: HttpRequest, merchant_id: str, product_id: str, image_id: str
) -> HttpResponse:
    """Remove a photo, as DELETE /api/catalog/images/{id}; the page asked first."""
    merchant, image = _product_photo(request, merchant_id, product_id, image_id)
    run_action(
        request,
        lambda: product_image_delete(
            actor=request.user,
            image=image,
            confirm_last_reference=_confirms_last_reference(request),
        ),
        _("The photo is removed."),
    )
    return _photos_answer(request, merchant, image.product)


@login_required
@require_POST
@domain_errors_as_http
def merchant_product_photo_move(
    request: HttpRequest, merchant_id: str, product_id: str, image_id: str
) -> HttpResponse:
    """Move a photo one place ``up`` or ``down`` (``direction``), as
    POST /api/catalog/images/{id}/move; back to the photo on the page."""
    merchant, image = _product_photo(request, merchant_id, product_id, image_id)
    direction = request.POST.get("direction")
    if direction not in PHOTO_MOVES:
        message = _("Choose whether to move the photo up or down.")
        raise CatalogError("photo_move_unknown", message, status=400)
    run_action(
        request,
        lambda: product_image_move(
            actor=request.user, image=image, direction=direction
        ),
        PHOTO_MOVES[direction](),
    )
    anchor = f"#product-photo-{image.public_id}"
    return _photos_answer(request, merchant, image.product, anchor=anchor)


PHOTO_MOVES = {
    "up": lambda: _("The photo is moved up."),
    "down": lambda: _("The photo is moved down."),
}


def _confirms_last_reference(request: HttpRequest) -> bool:
    """Say whether the owner confirmed, on the page's question, that the
    product's last recognition photo may go."""
    return request.POST.get("confirm_last_reference") == "1"


def _product_photo(
    request: HttpRequest, merchant_id: str, product_id: str, image_id: str
) -> tuple[Merchant, ProductImage]:
    merchant = catalog.merchant_get_for_staff(user=request.user, public_id=merchant_id)
    product = catalog.merchant_product_get_for_editor(
        user=request.user, merchant=merchant, public_id=product_id
    )
    return merchant, catalog.product_image_get(product=product, public_id=image_id)


def _photo_change(data) -> tuple[dict[str, bool], str]:
    """Return the change a photo's button asks for and what to say once done."""
    if data.get("is_primary") == "1":
        return {"is_primary": True}, _("Shoppers now see this photo first.")
    if data.get("is_reference") == "1":
        return {"is_reference": True}, _("Recognition now uses this photo.")
    if data.get("is_reference") == "0":
        return {"is_reference": False}, _("Recognition no longer uses this photo.")
    message = _("Choose what to change about the photo.")
    raise CatalogError("photo_change_unknown", message, status=400)


# The product, its aliases and its photo are saved together or not at all: a
# refused photo must not leave a half-made product behind.


def _create_product(actor, merchant, form: ProductForm) -> Product:
    with transaction.atomic():
        product = product_create(
            actor=actor,
            merchant=merchant,
            aliases=form.cleaned_data["aliases"],
            **form.product_fields(),
        )
        _add_photo(actor, product, form)
    return product


def _update_product(actor, product: Product, form: ProductForm) -> None:
    with transaction.atomic():
        product_update(actor=actor, product=product, **form.product_fields())
        wanted = form.cleaned_data["aliases"]
        current = [alias.text for alias in product.aliases.all()]
        for text in current:
            if text not in wanted:
                product_alias_remove(actor=actor, product=product, text=text)
        for text in wanted:
            if text not in current:
                product_alias_add(actor=actor, product=product, text=text)
        _add_photo(actor, product, form)


def _add_photo(actor, product: Product, form: ProductForm) -> None:
    if form.cleaned_data["image"]:
        product_image_add(
            actor=actor,
            product=product,
            upload=form.cleaned_data["image"],
            is_reference=form.cleaned_data["is_reference"],
            is_primary=form.cleaned_data["is_primary"],
        )
