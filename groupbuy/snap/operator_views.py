"""Operator pages: demand ranking, launching a deal from demand, labelling."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from groupbuy.catalog.permissions import is_operator
from groupbuy.catalog.selectors import product_get, products_matching
from groupbuy.core.errors import DomainError
from groupbuy.deals.services import deal_create, deal_open
from groupbuy.snap import selectors
from groupbuy.snap.answers import printed_gtin
from groupbuy.snap.forms import (
    LabelExistingForm,
    LabelNewProductForm,
    LaunchDealForm,
    launch_initial,
)
from groupbuy.snap.models import DemandSignal
from groupbuy.snap.presenters import launch_prefill, queue_item_payload, sparkline
from groupbuy.snap.services import snap_label
from groupbuy.snap.services.training import classifier_retrain_request

FRAGMENT_ROWS = 5
PRODUCT_SEARCH_LIMIT = 8


def operator_required(view):
    @login_required
    def guarded(request, *args, **kwargs):
        if not is_operator(request.user):
            raise PermissionDenied(_("Only operators can open this page."))
        return view(request, *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except (TypeError, ValueError):
        return 1


def _with_sparklines(rows):
    for row in rows:
        row.sparkline = sparkline(row.daily_counts)
    return rows


@operator_required
def demand_page(request: HttpRequest) -> HttpResponse:
    """Rank products by how many people asked for a deal, with sparklines."""
    over_only = request.GET.get("over") == "1"
    result = selectors.demand_ranking(
        user=request.user, page=_page_number(request), over_threshold_only=over_only
    )
    _with_sparklines(result.items)
    return render(
        request,
        "snap/operator/demand.html",
        {
            "result": result,
            "over_only": over_only,
            "queue_count": selectors.unrecognised_count(),
        },
    )


@operator_required
def demand_fragment(request: HttpRequest) -> HttpResponse:
    """The operator dashboard's #demand-alerts section (loaded with htmx)."""
    result = selectors.demand_ranking(
        user=request.user, page=1, page_size=FRAGMENT_ROWS, over_threshold_only=True
    )
    _with_sparklines(result.items)
    return render(
        request,
        "snap/operator/_demand_alerts.html",
        {
            "rows": result.items,
            "alert_count": result.total,
            "queue_count": selectors.unrecognised_count(),
        },
    )


@operator_required
@require_http_methods(["GET", "POST"])
def launch_page(request: HttpRequest, product_id: str) -> HttpResponse:
    """A "launch deal" form prefilled from the product's demand; POST opens it."""
    try:
        product = product_get(public_id=product_id)
    except DomainError as error:
        raise Http404(error.message) from None
    prefill = launch_prefill(user=request.user, product=product)
    if request.method == "POST":
        form = LaunchDealForm(request.POST, product=product)
        if form.is_valid():
            deal = _launch(request, form, product)
            if deal is not None:
                return _after_launch(request, deal, product)
    else:
        form = LaunchDealForm(initial=launch_initial(prefill), product=product)
    return render(
        request,
        "snap/operator/launch.html",
        {"form": form, "product": product, "prefill": prefill},
    )


def _launch(request, form: LaunchDealForm, product):
    """Create and open the deal in one go; a refusal becomes a form error."""
    try:
        with transaction.atomic():
            deal = deal_create(
                actor=request.user, product=product, **form.service_arguments()
            )
            return deal_open(actor=request.user, deal=deal)
    except DomainError as error:
        form.add_domain_error(error)
        return None


def _after_launch(request, deal, product) -> HttpResponse:
    signal = DemandSignal.objects.filter(fulfilled_deal=deal).order_by("-pk").first()
    told = signal.requests.count() if signal else 0
    messages.success(
        request,
        ngettext(
            "The deal “%(title)s” is open. %(count)d person who asked was told.",
            "The deal “%(title)s” is open. %(count)d people who asked were told.",
            told,
        )
        % {"title": deal.title, "count": told},
    )
    return redirect("snap:operator_demand")


@operator_required
def queue_page(request: HttpRequest) -> HttpResponse:
    """Photos recognition could not place, with what OCR read, to label."""
    result = selectors.unrecognised_queue(user=request.user, page=_page_number(request))
    items = []
    for snap in result.items:
        item = queue_item_payload(snap)
        gtins = item["unknown_barcodes"]
        item["new_form"] = LabelNewProductForm(
            auto_id=f"{snap.public_id}-%s",
            initial={"gtin": printed_gtin(gtins[0]) if gtins else ""},
        )
        items.append(item)
    return render(
        request, "snap/operator/queue.html", {"result": result, "items": items}
    )


@operator_required
@require_POST
def label_snap(request: HttpRequest, snap_id: str) -> HttpResponse:
    """Label a queued snap with an existing product or a new one."""
    snap = selectors.snap_get_for_operator(user=request.user, snap_id=snap_id)
    try:
        if request.POST.get("mode") == "new":
            form = LabelNewProductForm(request.POST)
            if not form.is_valid():
                return _label_refused(request, form.errors.as_text())
            snap = snap_label(
                actor=request.user, snap=snap, new_product=form.product_fields()
            )
        else:
            form = LabelExistingForm(request.POST)
            if not form.is_valid():
                return _label_refused(request, _("Choose a product first."))
            product = product_get(public_id=form.cleaned_data["product"])
            snap = snap_label(actor=request.user, snap=snap, product=product)
    except DomainError as error:
        return _label_refused(request, error.message)
    messages.success(
        request,
        _("Labelled as “%(product)s”: its next photo will be recognised.")
        % {"product": snap.product.name},
    )
    return redirect("snap:operator_queue")


def _label_refused(request, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("snap:operator_queue")


@operator_required
def product_search(request: HttpRequest) -> HttpResponse:
    """Products matching ?q=, as radio buttons for the label form (htmx)."""
    query = request.GET.get("q", "").strip()
    products = (
        list(products_matching(query=query)[:PRODUCT_SEARCH_LIMIT]) if query else []
    )
    return render(
        request,
        "snap/operator/_product_choices.html",
        {"products": products, "query": query, "snap_id": request.GET.get("snap", "")},
    )


@operator_required
@require_POST
def classifier_retrain(request: HttpRequest) -> HttpResponse:
    """Queue retraining of the category model from the catalog's photos."""
    try:
        classifier_retrain_request(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Retraining has started; you will be notified when the model is in use."),
        )
    return redirect("snap:operator_queue")
