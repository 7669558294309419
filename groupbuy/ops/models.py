from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField


class Heartbeat(models.Model):
    """The last sign of life of a job worker process; /readyz checks its age."""

    worker = models.CharField(max_length=120, unique=True)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ErasureRequest(models.Model):
    """A person's request to delete their account and personal data.

    Performed by an operator, or by the hourly job once ``due_at`` has passed;
    until then the person may cancel it. The user row stays under a pseudonym
    so that orders and ledger lines keep their owner.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    public_id = PublicIdField(prefix="era")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_at = models.DateTimeField(_("erased by"), db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("performed by"),
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="ops_one_pending_erasure_per_user",
            )
        ]

    def __str__(self):
        return f"erasure {self.public_id} ({self.status})"
