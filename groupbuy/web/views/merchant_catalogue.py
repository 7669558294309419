"""The merchant console's catalogue file: export, template, upload with its
row-by-row preview (shown as it is worked out for a big file), confirm.

Owners only (``merchant_get_for_owner``, ``catalogue_import_get_for_owner``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.api.catalogue import csv_response
from groupbuy.catalog.catalogue.export import catalogue_csv
from groupbuy.catalog.catalogue.planning import ACTIONS
from groupbuy.catalog.catalogue.reading import encoding_label, max_bytes, max_rows
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import CatalogueImport
from groupbuy.catalog.services import catalogue_import_confirm, catalogue_import_upload
from groupbuy.core.pagination import paginate
from groupbuy.web.views.common import domain_errors_as_http, page_number

ROWS_PER_PAGE = 50


@login_required
@domain_errors_as_http
def merchant_catalogue(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    return _catalogue_page(request, merchant)


def _catalogue_page(request, merchant, *, error: str = "", status: int = 200):
    context = {
        "merchant": merchant,
        "section": "products",
        "error": error,
        "max_mb": f"{max_bytes() / (1024 * 1024):g}",
        "max_rows": max_rows(),
        "imports": CatalogueImport.objects.filter(merchant=merchant)[:5],
    }
    return render(request, "web/merchant/catalogue.html", context, status=status)


@require_POST
@login_required
@domain_errors_as_http
def merchant_catalogue_import(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    upload = request.FILES.get("file")
    if upload is None:
        error = _("Choose a CSV file to upload.")
        return _catalogue_page(request, merchant, error=error, status=400)
    try:
        created = catalogue_import_upload(
            actor=request.user,
            merchant=merchant,
            data=upload.read(max_bytes() + 1),
            file_name=upload.name,
        )
    except CatalogError as error:
        return _catalogue_page(request, merchant, error=error.message, status=400)
    return redirect("web:merchant_catalogue_preview", merchant_id, created.public_id)


def _import_for(request, merchant_id: str, import_id: str) -> CatalogueImport:
    found = catalog.catalogue_import_get_for_owner(
        user=request.user, public_id=import_id
    )
    if found.merchant.public_id != merchant_id:
        raise Http404(_("No such catalogue import."))
    return found


@login_required
@domain_errors_as_http
def merchant_catalogue_preview(
    request: HttpRequest, merchant_id: str, import_id: str
) -> HttpResponse:
    found = _import_for(request, merchant_id, import_id)
    show = request.GET.get("show", "")
    rows = [row for row in found.plan if not show or row["action"] == show]
    context = {
        "merchant": found.merchant,
        "section": "products",
        "upload": found,
        "encoding": encoding_label(found.encoding),
        "show": show if show in ACTIONS else "",
        "action_tabs": [(action, found.counts.get(action, 0)) for action in ACTIONS],
        "rows": paginate(rows, page=page_number(request), page_size=ROWS_PER_PAGE),
        "to_write": found.counts.get("create", 0) + found.counts.get("update", 0),
    }
    return render(request, "web/merchant/catalogue_preview.html", context)


@login_required
@domain_errors_as_http
def merchant_catalogue_progress(
    request: HttpRequest, merchant_id: str, import_id: str
) -> HttpResponse:
    """The progress of a big file, polled by htmx; once done, the page reloads
    to show the preview or the result."""
    found = _import_for(request, merchant_id, import_id)
    response = render(
        request, "web/merchant/_catalogue_progress.html", {"upload": found}
    )
    if not found.is_busy:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
@domain_errors_as_http
def merchant_catalogue_confirm(
    request: HttpRequest, merchant_id: str, import_id: str
) -> HttpResponse:
    found = _import_for(request, merchant_id, import_id)
    try:
        done = catalogue_import_confirm(actor=request.user, catalogue_import=found)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        if done.status == CatalogueImport.Status.APPLIED:
            messages.success(request, _("The file is imported."))
    return redirect("web:merchant_catalogue_preview", merchant_id, import_id)


@login_required
@domain_errors_as_http
def merchant_catalogue_export(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    rows = catalog.catalogue_rows(merchant=merchant)
    text = catalogue_csv(rows, language=translation.get_language())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(text, f"catalogue-{merchant.public_id}-{stamp}.csv")


@login_required
@domain_errors_as_http
def merchant_catalogue_template(request: HttpRequest, merchant_id: str) -> HttpResponse:
    catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    text = catalogue_csv([], language=translation.get_language())
    return csv_response(text, "catalogue-template.csv")
