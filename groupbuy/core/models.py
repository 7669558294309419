from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One row per state change: who did what to which object, and with what data."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(
        max_length=80, db_index=True
    )  # dotted, e.g. deals.order.joined
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=60, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.action} {self.object_type}:{self.object_id}"
