"""An uploaded catalogue file, its preview and whether it was applied."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField


class CatalogueImport(models.Model):
    """One upload of a shop's catalogue file: the rows read from it, what
    importing them would do (``plan``, one entry per row) and, once the owner
    confirms, when it was done. Nothing in the catalogue changes before then."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Reading the file")
        READY = "ready", _("Ready to confirm")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Not imported")

    public_id = PublicIdField(prefix="cimp", verbose_name=_("number"))
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="catalogue_imports",
        verbose_name=_("merchant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    # "utf-8-sig" (UTF-8 with a byte-order mark), "utf-8" or "gb18030".
    encoding = models.CharField(_("encoding"), max_length=20)
    # The language the preview's reasons are written in (the uploader's).
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNING
    )
    # [{"line": 2, "cells": {"gtin": "…", "name_zh": "…", …}}, …]
    rows = models.JSONField(default=list)
    columns = models.JSONField(default=list)
    ignored_columns = models.JSONField(default=list)
    # One entry per row: catalog.catalogue.planning.PlannedRow.as_dict().
    plan = models.JSONField(default=list)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")

    def __str__(self):
        return f"{self.file_name or self.public_id} ({self.status})"

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.PLANNING, self.Status.APPLYING)

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
