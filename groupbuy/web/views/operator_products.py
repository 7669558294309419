"""The operator's pages of the catalogue: every product, on sale or stopped,
and one product with its photos and open group buys, to Stop selling it or
Sell it again (``catalog.services``; the operator API has the same)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from groupbuy.catalog.selectors import (
    SellingState,
    product_get_for_operator,
    product_images,
    product_thumbnail_urls,
    products_for_operator,
)
from groupbuy.catalog.services import product_selling_resume, product_selling_stop
from groupbuy.deals.selectors import deals_open_for_product
from groupbuy.web.views.common import page_number, run_action
from groupbuy.web.views.operator import operator_required


class OperatorProductSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name, barcode (GTIN) or brand"),
        max_length=100,
        required=False,
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Show"),
        choices=[("", gettext_lazy("All products")), *SellingState.choices],
        required=False,
    )


@operator_required
def operator_products(request: HttpRequest) -> HttpResponse:
    search = OperatorProductSearchForm(request.GET)
    filters = search.cleaned_data if search.is_valid() else {"q": "", "state": ""}
    products = products_for_operator(
        user=request.user,
        query=filters["q"],
        state=filters["state"],
        page=page_number(request),
    )
    thumbnails = product_thumbnail_urls(
        product_ids={product.pk for product in products.items}
    )
    context = {
        "search": search,
        "products": products,
        "rows": [
            {"product": product, "thumbnail_url": thumbnails.get(product.pk)}
            for product in products.items
        ],
    }
    return render(request, "web/operator/products.html", context)


@operator_required
def operator_product(request: HttpRequest, product_id: str) -> HttpResponse:
    product = product_get_for_operator(user=request.user, product_id=product_id)
    context = {
        "product": product,
        "photos": [photo for photo in product_images(product=product) if photo.image],
        "open_deals": deals_open_for_product(
            product=product, page=page_number(request)
        ),
    }
    return render(request, "web/operator/product.html", context)


def _stopped(product) -> str:
    return _(
        "“%(product)s” is no longer sold: Snap and the product search no longer "
        "find it, and its open group buys take no new joins."
    ) % {"product": product.name}


def _sold_again(product) -> str:
    return _("“%(product)s” is on sale again.") % {"product": product.name}


@require_POST
@operator_required
def operator_product_stop_selling(
    request: HttpRequest, product_id: str
) -> HttpResponse:
    product = product_get_for_operator(user=request.user, product_id=product_id)
    run_action(
        request,
        lambda: product_selling_stop(actor=request.user, product=product),
        _stopped,
    )
    return redirect("web:operator_product", product_id)


@require_POST
@operator_required
def operator_product_sell_again(request: HttpRequest, product_id: str) -> HttpResponse:
    product = product_get_for_operator(user=request.user, product_id=product_id)
    run_action(
        request,
        lambda: product_selling_resume(actor=request.user, product=product),
        _sold_again,
    )
    return redirect("web:operator_product", product_id)
