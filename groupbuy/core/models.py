from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One row per state change: who did what to which object, and with what data."""

    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("created at")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(
        max_length=80, db_index=True, verbose_name=_("action")
    )  # dotted, e.g. deals.order.joined
    object_type = models.CharField(max_length=60, verbose_name=_("object type"))
    object_id = models.CharField(
        max_length=60, db_index=True, verbose_name=_("object number")
    )
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = _("audit entries")
        verbose_name = _("audit entry")
        indexes = [
            # The last change to a kind of object, read by each process every
            # few seconds (snap's name index): without it, the whole table.
            models.Index(fields=["object_type", "id"], name="core_audit_type_id_idx"),
        ]

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"
