"""Reports of abuse and the operators' answer to them.

A report names its item with one nullable foreign key per kind of item (today
a share thread's reply) rather than a content type and an id: the database
keeps the reference whole (a reply erased with its thread takes its reports
with it), the queue joins the item in the same query, and the constraint of
one open report per reporter and item is a plain unique index. A new kind is
one more column and one more clause in the check constraint.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField

NOTE_MAX_CHARS = 200


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
                fields=["reporter", "message"],
                condition=models.Q(status="open"),
                name="moderation_one_open_report_per_reporter_and_item",
            ),
            models.CheckConstraint(
                condition=models.Q(message__isnull=False),
                name="moderation_report_names_an_item",
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return self.public_id
