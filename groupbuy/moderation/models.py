"""Reports of abuse and the operators' answer to them.

A report names its item by kind and public id (``item_kind``, ``item_id``):
each app declares what of its content may be reported
(``GroupbuyApp.reportable_kinds``), and moderation names no app. The
``message`` column is the release before's (a share thread's reply, its only
kind): it still writes it during a rolling deploy, so it stays, nullable, until
the release after this one backfills what it wrote and drops it
(docs/moderation.md, "Design choices").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField

NOTE_MAX_CHARS = 200
# The kind the release before wrote with the ``message`` column alone.
PREVIOUS_RELEASE_KIND = "reply"


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFFENSIVE = "offensive", _("Offensive")
        FRAUD = "fraud", _("Fraud")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HIDDEN = "hidden", _("Hidden")
        DISMISSED = "dismissed", _("Dismissed")

    public_id = PublicIdField(prefix="rpt", verbose_name=_("number"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="moderation_reports",
        verbose_name=_("reporter"),
    )
    # "" only on a row the release before wrote (``message`` names the item)
    item_kind = models.CharField(
        max_length=40, blank=True, default="", db_default="", verbose_name=_("kind")
    )
    item_id = models.CharField(
        max_length=40, blank=True, default="", db_default="", verbose_name=_("item")
    )
    # The release before's column: see the module's docstring.
    message = models.ForeignKey(
        "sharing.Message",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_reports",
        verbose_name=_("reply"),
    )
    reason = models.CharField(
        max_length=10, choices=Reason.choices, verbose_name=_("reason")
    )
    note = models.CharField(
        max_length=NOTE_MAX_CHARS, blank=True, default="", verbose_name=_("note")
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        verbose_name=_("status"),
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, verbose_name=_("created at")
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "item_kind", "item_id"],
                condition=models.Q(status="open") & ~models.Q(item_kind=""),
                name="moderation_one_open_report_per_reporter_and_kind_item",
            ),
            # the release before's, kept while it runs (its rows only)
            models.UniqueConstraint(
                fields=["reporter", "message"],
                condition=models.Q(status="open"),
                name="moderation_one_open_report_per_reporter_and_item",
            ),
            models.CheckConstraint(
                condition=(~models.Q(item_kind="") & ~models.Q(item_id=""))
                | models.Q(message__isnull=False),
                name="moderation_report_names_an_item_of_a_kind",
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.public_id

    @property
    def item_reference(self) -> tuple[str, str]:
        """The item's kind and id, also for a row the release before wrote."""
        if self.item_kind:
            return self.item_kind, self.item_id
        return PREVIOUS_RELEASE_KIND, self.message.public_id


def reports_of_item(kind: str, item_id: str) -> models.Q:
    """The reports of one item, with those the release before wrote of it."""
    reports = models.Q(item_kind=kind, item_id=item_id)
    if kind == PREVIOUS_RELEASE_KIND:
        reports |= models.Q(item_kind="", message__public_id=item_id)
    return reports
