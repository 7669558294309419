"""The merchant console's products: the ones a merchant added to the catalog.

All of the merchant's staff see the list; only its owners (and operators) add
and edit products, as groupbuy.catalog.permissions says. Another merchant's
product is not found here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Product
from groupbuy.catalog.permissions import is_merchant_owner
from groupbuy.catalog.services import (
    product_alias_add,
    product_alias_remove,
    product_create,
    product_image_add,
    product_update,
)
from groupbuy.core.pagination import paginate
from groupbuy.web.forms import SearchForm, add_domain_error
from groupbuy.web.forms_products import ProductForm
from groupbuy.web.views.common import domain_errors_as_http, page_number


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
    if request.method == "POST" and form.is_valid():
        try:
            product = _create_product(request.user, merchant, form)
        except CatalogError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("“%(product)s” is added.") % {"product": product.name}
            )
            return redirect("web:merchant_product_edit", merchant_id, product.public_id)
    context = {"merchant": merchant, "form": form, "section": "products"}
    return render(request, "web/merchant/product_form.html", context)


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
        "merchant": merchant,
        "product": product,
        "form": form,
        "listing": catalog.listing_for(merchant=merchant, product=product),
        "thumbnail_url": catalog.product_thumbnail_urls(product_ids={product.pk}).get(
            product.pk
        ),
        "section": "products",
    }
    return render(request, "web/merchant/product_form.html", context)


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
