"""The operator's pages of the catalogue: every product, on sale or stopped,
and one product with its photos and open group buys, to correct its details,
Stop selling it or Sell it again (``catalog.services``; the operator API has
the same)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import Category
from groupbuy.catalog.selectors import (
    SellingState,
    category_tree,
    merchants_listing_product,
    product_get_for_operator,
    product_images,
    product_thumbnail_urls,
    products_for_operator,
)
from groupbuy.catalog.services import (
    product_correct,
    product_correction_preview,
    product_selling_resume,
    product_selling_stop,
)
from groupbuy.deals.selectors import deals_open_for_product
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_products import OperatorProductForm
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
        "shops": merchants_listing_product(user=request.user, product=product),
    }
    return render(request, "web/operator/product.html", context)


@operator_required
def operator_product_correct(request: HttpRequest, product_id: str) -> HttpResponse:
    """Correct a product's details: the form, then a confirm step that shows
    each change before and after (``step=check``), then the correction
    (``step=confirm``); ``step=edit`` goes back to the form as it was sent."""
    product = product_get_for_operator(user=request.user, product_id=product_id)
    form = OperatorProductForm(
        request.POST or None,
        categories=category_tree(),
        initial=OperatorProductForm.initial_for(product),
    )
    step = request.POST.get("step", "check")
    changes = ()
    if request.method == "POST" and form.is_valid() and step != "edit":
        try:
            if step == "confirm":
                corrected = _correct(request, product, form)
                messages.success(request, _corrected(corrected))
                return redirect("web:operator_product", product_id)
            changes = _preview(request, product, form)
        except CatalogError as error:
            if error.status in (403, 404):
                raise
            add_domain_error(form, error)
    context = {
        "product": product,
        "form": form,
        "changes": [_change_row(form, change) for change in changes],
        "shops": merchants_listing_product(user=request.user, product=product),
    }
    return render(request, "web/operator/product_correct.html", context)


def _preview(request, product, form) -> tuple:
    changes = product_correction_preview(
        actor=request.user, product=product, **form.product_fields()
    )
    if not changes:
        form.add_error(
            None,
            _("Nothing differs from the product's details: change a field first."),
        )
    return changes


def _correct(request, product, form):
    return product_correct(
        actor=request.user,
        product=product,
        reason=form.cleaned_data["reason"],
        **form.product_fields(),
    )


def _corrected(corrected) -> str:
    if not corrected.changes:
        return _("Nothing differed: the product already says this.")
    return _(
        "“%(product)s” is corrected. The owners of the shops that sell it are told."
    ) % {"product": corrected.product.name}


def _change_row(form: OperatorProductForm, change) -> dict:
    def shown(value):
        return value.name if isinstance(value, Category) else value

    return {
        "field": change.field,
        "label": form.fields[change.field].label,
        "before": shown(change.before),
        "after": shown(change.after),
    }


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
