"""A shop's catalogue file: export, template, upload with preview, confirm."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from groupbuy.accounts.auth import optional_auth
from groupbuy.catalog import selectors, services
from groupbuy.catalog.catalogue.export import catalogue_csv
from groupbuy.catalog.catalogue.planning import ACTIONS
from groupbuy.catalog.catalogue.reading import encoding_label, max_bytes
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import CatalogueImport
from groupbuy.core.api_answers import file_answer
from groupbuy.core.api_types import answer_choices

router = Router(tags=["catalog"])


class PlannedRowOut(Schema):
    line: int
    action: str = answer_choices(
        ACTIONS,
        description="What confirming does with the row: create a product, "
        "update one, leave it unchanged, or refuse the row (``notes`` say why).",
    )
    name: str
    gtin: str
    notes: list[str]


class CatalogueImportOut(Schema):
    id: str
    merchant_id: str
    status: str = answer_choices(CatalogueImport.Status)
    file_name: str
    encoding: str
    encoding_label: str
    rows_total: int
    rows_done: int
    counts: dict[str, int]
    ignored_columns: list[str]
    error: str
    applied_at: datetime | None
    rows: list[PlannedRowOut]


def catalogue_import_out(upload: CatalogueImport) -> dict:
    return {
        "id": upload.public_id,
        "merchant_id": upload.merchant.public_id,
        "status": upload.status,
        "file_name": upload.file_name,
        "encoding": upload.encoding,
        "encoding_label": encoding_label(upload.encoding),
        "rows_total": upload.rows_total,
        "rows_done": upload.rows_done,
        "counts": upload.counts,
        "ignored_columns": upload.ignored_columns,
        "error": upload.error,
        "applied_at": upload.applied_at,
        "rows": [
            {key: row[key] for key in ("line", "action", "name", "gtin", "notes")}
            for row in upload.plan
        ],
    }


def csv_response(text: str, file_name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@router.get(
    "/catalogue/template.csv",
    auth=optional_auth,
    openapi_extra=file_answer(
        "The header row of a catalogue file, as CSV in UTF-8.", ["text/csv"]
    ),
)
def catalogue_template(request):
    """The header row of a catalogue file in the reader's language (Chinese
    headers, or the English column names); both are read on upload."""
    text = catalogue_csv([], language=translation.get_language())
    return csv_response(text, "catalogue-template.csv")


@router.get(
    "/merchants/{merchant_id}/catalogue.csv",
    openapi_extra=file_answer(
        "The shop's catalogue, as CSV in UTF-8.",
        ["text/csv"],
        refusals={403: "Not an owner of the shop (`forbidden`): cashiers may not."},
    ),
)
def catalogue_export(request, merchant_id: str):
    """The shop's products and everyday prices as a CSV file that imports
    back unchanged (owners only)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    rows = selectors.catalogue_rows(merchant=merchant)
    text = catalogue_csv(rows, language=translation.get_language())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_response(text, f"catalogue-{merchant.public_id}-{stamp}.csv")


@router.post(
    "/merchants/{merchant_id}/catalogue/imports",
    response={201: CatalogueImportOut},
)
def catalogue_import_upload(request, merchant_id: str):
    """Upload a catalogue CSV (multipart field ``file``, or the body as
    ``text/csv``): it is read and previewed, and nothing changes until
    ``confirm``. A file of more rows than the job threshold answers with
    ``status`` "planning": poll the import until it is "ready"."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    data, file_name = _uploaded(request)
    upload = services.catalogue_import_upload(
        actor=request.auth, merchant=merchant, data=data, file_name=file_name
    )
    upload.refresh_from_db()
    return Status(201, catalogue_import_out(upload))


@router.get("/catalogue/imports/{import_id}", response=CatalogueImportOut)
def catalogue_import_detail(request, import_id: str):
    """An import's status, progress and row-by-row preview."""
    upload = selectors.catalogue_import_get_for_owner(
        user=request.auth, public_id=import_id
    )
    return catalogue_import_out(upload)


@router.post("/catalogue/imports/{import_id}/confirm", response=CatalogueImportOut)
def catalogue_import_confirm(request, import_id: str):
    """Apply the previewed rows all together (safe to repeat)."""
    upload = selectors.catalogue_import_get_for_owner(
        user=request.auth, public_id=import_id
    )
    upload = services.catalogue_import_confirm(
        actor=request.auth, catalogue_import=upload
    )
    return catalogue_import_out(upload)


def _uploaded(request) -> tuple[bytes, str]:
    upload = request.FILES.get("file") if request.FILES else None
    if upload is not None:
        if upload.size > max_bytes():
            return upload.read(max_bytes() + 1), upload.name
        return upload.read(), upload.name
    if (
        request.content_type in ("text/csv", "application/octet-stream")
        and request.body
    ):
        return request.body, ""
    message = _("Choose a CSV file to upload.")
    raise CatalogError("file_missing", message, fields={"file": [message]})
