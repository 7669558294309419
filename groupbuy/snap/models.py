"""Snap to deal (CN102880974A): snapped photos and the demand they signal.

A ``Snap`` is one photo and what recognition made of it. A ``DemandSignal`` is
the patent's per-product counter: created at 0 by the first person who snaps a
product that has no open deal, +1 for every further distinct person
(``DemandRequest`` rows, one per person, so repeats count once). Launching a deal
for the product fulfils the signal and notifies its requesters; a later snap of
the same product, once no deal is open again, starts a new signal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.core.private_media import private_storage


def snap_photo_path(instance: Snap, filename: str) -> str:
    day = timezone.now().strftime("%Y/%m/%d")
    return f"snaps/{day}/{instance.public_id}.jpg"


class Method(models.TextChoices):
    BARCODE = "barcode", _("barcode")
    NAME = "name", _("name on the label")
    APPEARANCE = "appearance", _("appearance")


class Snap(models.Model):
    class Status(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")
        LABELLED = "labelled", _("Labelled by an operator")
        # A likely product, not sure enough to count: waits for the shopper.
        UNCONFIRMED = "unconfirmed", _("Waiting for the shopper to confirm")

    public_id = PublicIdField(prefix="snp", verbose_name=_("number"))
    # Anonymous visitors may snap; only signed-in people count as requesters.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="snaps",
        verbose_name=_("snapped by"),
    )
    # The photo as a re-encoded JPEG (no EXIF, so no location), deleted after
    # settings.GROUPBUY_SNAP_PHOTO_RETENTION_DAYS by snap.tasks. Private: only
    # its taker and operators may fetch it (groupbuy.core.private_media).
    photo = models.FileField(
        _("photo"), upload_to=snap_photo_path, storage=private_storage, blank=True
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="snaps",
        verbose_name=_("product"),
    )
    # Set when appearance could only tell the kind of product.
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("looks like"),
    )
    method = models.CharField(
        _("recognised by"), max_length=20, choices=Method.choices, blank=True
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    # {"candidates": [{"kind", "value", "confidence", "method", "detail"}...]}
    result = models.JSONField(_("recognition result"), default=dict, blank=True)
    ocr_text = models.TextField(_("text read"), blank=True)
    timings_ms = models.JSONField(_("timings (ms)"), default=dict, blank=True)
    total_ms = models.FloatField(_("total time (ms)"), default=0.0)
    had_open_deal = models.BooleanField(_("an open deal existed"), default=False)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("labelled by"),
    )
    labelled_at = models.DateTimeField(_("labelled at"), null=True, blank=True)
    reference_image = models.ForeignKey(
        "catalog.ProductImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reference image made from it"),
    )
    photo_deleted_at = models.DateTimeField(
        _("photo deleted at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("snapped at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("snap")
        verbose_name_plural = _("snaps")
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(status="not_recognised"),
                name="snap_unrecognised_queue_idx",
            ),
            models.Index(fields=["user", "-created_at"], name="snap_user_idx"),
            # The platform's figures count each day's snaps by their answer.
            models.Index(fields=["created_at"], name="snap_created_idx"),
            # The retention job scans old snaps that still have a file.
            models.Index(
                fields=["created_at"],
                condition=~Q(photo=""),
                name="snap_photo_retention_idx",
            ),
        ]

    def __str__(self):
        return f"snap {self.public_id} ({self.status})"


class DemandSignal(models.Model):
    """The patent's counter for one product while no deal for it is open."""

    public_id = PublicIdField(prefix="dmd", verbose_name=_("number"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.CASCADE,
        related_name="demand_signals",
        verbose_name=_("product"),
    )
    # 0 when the first person asks, +1 for each further distinct person.
    count = models.PositiveIntegerField(_("counter"), default=0)
    created_at = models.DateTimeField(_("first requested at"), default=timezone.now)
    last_requested_at = models.DateTimeField(
        _("last requested at"), default=timezone.now
    )
    threshold_passed_at = models.DateTimeField(
        _("threshold passed at"), null=True, blank=True
    )
    operators_alerted_at = models.DateTimeField(
        _("operators alerted at"), null=True, blank=True
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilled_deal = models.ForeignKey(
        "deals.Deal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("launched deal"),
    )

    class Meta:
        ordering = ["-count", "-last_requested_at", "-id"]
        verbose_name = _("demand signal")
        verbose_name_plural = _("demand signals")
        constraints = [
            # Race-safety of "create the counter at 0": a second creator gets an
            # IntegrityError and counts into the existing signal instead.
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(fulfilled_at__isnull=True),
                name="snap_one_open_signal_per_product",
            )
        ]
        indexes = [
            models.Index(
                fields=["-count", "-last_requested_at"],
                condition=Q(fulfilled_at__isnull=True),
                name="snap_demand_ranking_idx",
            )
        ]

    def __str__(self):
        return f"demand {self.public_id} for product {self.product_id}: {self.count}"

    @property
    def requester_count(self) -> int:
        """Return the distinct people behind the counter (the first counts 0)."""
        return self.count + 1

    @property
    def is_fulfilled(self) -> bool:
        return self.fulfilled_at is not None


class DemandRequest(models.Model):
    """One person asking for a product: first and last snap, notified once."""

    signal = models.ForeignKey(
        DemandSignal,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("demand signal"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="demand_requests",
        verbose_name=_("requester"),
    )
    first_snap = models.ForeignKey(
        Snap,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first snap"),
    )
    first_snapped_at = models.DateTimeField(_("first snapped at"))
    last_snapped_at = models.DateTimeField(_("last snapped at"))
    snap_count = models.PositiveIntegerField(_("snaps"), default=1)
    notified_at = models.DateTimeField(
        _("told of the launch at"), null=True, blank=True
    )

    class Meta:
        ordering = ["first_snapped_at", "id"]
        verbose_name = _("demand request")
        verbose_name_plural = _("demand requests")
        constraints = [
            models.UniqueConstraint(
                fields=["signal", "user"], name="snap_one_request_per_person"
            )
        ]
        indexes = [
            models.Index(
                fields=["signal", "first_snapped_at"], name="snap_request_time_idx"
            )
        ]

    def __str__(self):
        return f"{self.user_id} asked for signal {self.signal_id}"
