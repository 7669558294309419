"""A shop's catalogue moved in from a CSV file: upload (read and preview), then
the owner's confirmation applies every previewed change in one transaction.

Files of more than ``GROUPBUY_CATALOG_IMPORT_JOB_ROWS`` rows are previewed and
applied by a job (``catalog.tasks``), the import's ``rows_done`` telling the
page how far it is. Confirming again, or confirming a file already imported,
changes nothing: an import is applied once, and a file imported a second time
finds every row unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from groupbuy.catalog.catalogue.applying import apply_rows
from groupbuy.catalog.catalogue.planning import counts_of, plan_rows
from groupbuy.catalog.catalogue.reading import read_catalogue_file
from groupbuy.catalog.errors import CatalogError
from groupbuy.catalog.models import CatalogueImport, Merchant, Product
from groupbuy.catalog.permissions import require_merchant_owner
from groupbuy.catalog.signals import demand_thresholds_changed
from groupbuy.core.audit import audit_log
from groupbuy.core.locks import transaction_lock
from groupbuy.core.transactions import after_commit

Status = CatalogueImport.Status
DEFAULT_JOB_ROWS = 500


def job_rows() -> int:
    """Files with more rows than this are previewed and applied by a job."""
    return int(getattr(settings, "GROUPBUY_CATALOG_IMPORT_JOB_ROWS", DEFAULT_JOB_ROWS))


def catalogue_import_upload(
    *, actor, merchant: Merchant, data: bytes, file_name: str = ""
) -> CatalogueImport:
    """Read an uploaded catalogue file and preview it (at once, or by a job for
    a big file). Nothing in the catalogue changes."""
    require_merchant_owner(actor, merchant)
    read = read_catalogue_file(data)
    by_job = len(read.rows) > job_rows()
    with transaction.atomic():
        upload = CatalogueImport.objects.create(
            merchant=merchant,
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=(file_name or "")[:200],
            encoding=read.encoding,
            language=translation.get_language() or "",
            rows=read.rows,
            columns=read.columns,
            ignored_columns=read.ignored_columns,
            rows_total=len(read.rows),
        )
        audit_log(
            actor=actor,
            action="catalog.import.uploaded",
            obj=upload,
            data={"rows": len(read.rows), "encoding": read.encoding},
        )
        if by_job:
            after_commit(_queue, "plan", upload.public_id)
    if not by_job:
        catalogue_import_plan(catalogue_import=upload)
    return upload


def catalogue_import_plan(*, catalogue_import: CatalogueImport) -> CatalogueImport:
    """Work out the preview of an uploaded file (the job's or the upload's)."""
    upload = catalogue_import
    if upload.status != Status.PLANNING:
        return upload
    with translation.override(upload.language or None):
        planned = plan_rows(
            merchant=upload.merchant,
            rows=upload.rows,
            columns=upload.columns,
            progress=lambda done: _progress(upload, done),
        )
    upload.plan = [row.as_dict() for row in planned]
    upload.counts = counts_of(upload.plan)
    upload.rows_done = upload.rows_total
    upload.status = Status.READY
    upload.save(update_fields=["plan", "counts", "rows_done", "status"])
    return upload


def catalogue_import_confirm(
    *, actor, catalogue_import: CatalogueImport
) -> CatalogueImport:
    """Apply the previewed import: every row the preview creates or updates, in
    one transaction, none of those it refused. Safe to repeat: an import under
    way or done is returned as it is. A big import is handed to a job."""
    upload = catalogue_import
    require_merchant_owner(actor, upload.merchant)
    upload.refresh_from_db()
    if upload.status in (Status.APPLIED, Status.APPLYING):
        return upload
    if upload.status != Status.READY:
        raise CatalogError(
            "import_not_ready",
            _("The file is still being read: confirm once its preview is shown."),
            status=409,
        )
    if upload.rows_total > job_rows():
        started = CatalogueImport.objects.filter(
            pk=upload.pk, status=Status.READY
        ).update(status=Status.APPLYING, rows_done=0, error="")
        if started:
            after_commit(_queue, "apply", upload.public_id, actor.pk)
        upload.refresh_from_db()
        return upload
    return catalogue_import_apply(actor=actor, catalogue_import=upload)


class _Outdated(Exception):
    def __init__(self, planned):
        self.planned = planned


def catalogue_import_apply(
    *, actor, catalogue_import: CatalogueImport
) -> CatalogueImport:
    """Write the import (the confirmation's, or its job's). The rows are
    planned again against the catalogue as it is now, inside the transaction:
    if that differs from the preview the owner confirmed, nothing is written
    and the new preview waits for a new confirmation (409)."""
    upload = catalogue_import
    try:
        with transaction.atomic():
            upload = _apply_locked(actor, upload)
    except _Outdated as outdated:
        upload.plan = [row.as_dict() for row in outdated.planned]
        upload.counts = counts_of(upload.plan)
        upload.status = Status.READY
        upload.rows_done = upload.rows_total
        upload.error = _(
            "Your products changed since this preview was made: nothing was "
            "imported. Check the preview below and confirm again."
        )
        upload.save(update_fields=["plan", "counts", "status", "rows_done", "error"])
        raise CatalogError("import_outdated", upload.error, status=409) from None
    except CatalogError as error:
        CatalogueImport.objects.filter(pk=upload.pk).update(
            status=Status.READY, error=error.message
        )
        raise
    return upload


def _apply_locked(actor, upload: CatalogueImport) -> CatalogueImport:
    locked = CatalogueImport.objects.select_for_update().get(pk=upload.pk)
    if locked.status == Status.APPLIED:
        return locked
    merchant = locked.merchant
    # Taken by product_create too: no product of the shop is added meanwhile.
    transaction_lock(f"product-added-by:{merchant.pk}")
    with translation.override(locked.language or None):
        planned = plan_rows(
            merchant=merchant, rows=locked.rows, columns=locked.columns, lock=True
        )
    previewed = [(row["line"], row["action"]) for row in locked.plan]
    if [(row.line, row.action) for row in planned] != previewed:
        raise _Outdated(planned)
    applied = apply_rows(
        actor=actor, merchant=merchant, planned=planned, import_id=locked.public_id
    )
    locked.status = Status.APPLIED
    locked.applied_at = timezone.now()
    locked.rows_done = locked.rows_total
    locked.error = ""
    locked.save(update_fields=["status", "applied_at", "rows_done", "error"])
    audit_log(
        actor=actor,
        action="catalog.import.applied",
        obj=locked,
        data={
            "counts": locked.counts,
            "products_created": applied.products_created,
            "products_updated": applied.products_updated,
            "listings_created": applied.listings_created,
            "listings_updated": applied.listings_updated,
        },
    )
    if applied.categories_changed:
        after_commit(demand_thresholds_changed.send, sender=Product)
    return locked


@contextlib.contextmanager
def failing_visibly(upload: CatalogueImport) -> Iterator[None]:
    """Around a job's step: an unexpected error marks the import failed (the
    page stops waiting and says so) and is raised again for the job's log."""
    try:
        yield
    except CatalogError:
        raise
    except Exception:
        CatalogueImport.objects.filter(pk=upload.pk).update(
            status=Status.FAILED,
            error=_(
                "The file could not be imported because of an error on our side: "
                "nothing was saved. Upload it again, or ask support if it "
                "happens again."
            ),
        )
        raise


def _progress(upload: CatalogueImport, done: int) -> None:
    CatalogueImport.objects.filter(pk=upload.pk).update(rows_done=done)


def _queue(step: str, public_id: str, actor_id: int | None = None) -> None:
    from groupbuy.catalog import tasks

    if step == "plan":
        tasks.catalogue_import_plan_task(public_id)
    else:
        tasks.catalogue_import_apply_task(public_id, actor_id)
