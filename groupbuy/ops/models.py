from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groupbuy.core.ids import PublicIdField


class Heartbeat(models.Model):
    """The last sign of life of a job worker process; /readyz checks its age."""

    worker = models.CharField(max_length=120, unique=True)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ErasureRequest(models.Model):
    """A person's request to delete their account and personal data.

    Performed by an operator, or by the hourly job once ``due_at`` has passed;
    until then the person may cancel it. The user row stays under a pseudonym
    so that orders and ledger lines keep their owner.
    """

    class Status(models.TextChoices):
        # notify's "Pending" is a message not sent yet (待发送)
        PENDING = "pending", pgettext_lazy("erasure request", "Pending")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    public_id = PublicIdField(prefix="era", verbose_name=_("number"))
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
    due_at = models.DateTimeField(
        pgettext_lazy("erasure request", "due"), db_index=True
    )
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


class PlatformDailyStats(models.Model):
    """The platform's figures for one calendar day (in the display zone).

    Written only by ``ops.stats.platform_daily_stats_refresh`` (the job every
    five minutes recomputes today and yesterday from the source tables), so the
    dashboard reads a month of figures as one small query however many orders
    there are. Every figure counts events by the time they happened (a deal's
    start or close, a payment's capture, a refund's creation), so a day that has
    passed no longer changes.
    """

    day = models.DateField(_("day"), unique=True)
    deals_opened = models.PositiveIntegerField(_("group buys opened"), default=0)
    deals_succeeded = models.PositiveIntegerField(_("group buys succeeded"), default=0)
    deals_failed = models.PositiveIntegerField(_("group buys failed"), default=0)
    orders_joined = models.PositiveIntegerField(_("orders"), default=0)
    gmv_fen = models.BigIntegerField(_("payments captured (fen)"), default=0)
    refunds = models.PositiveIntegerField(_("refunds"), default=0)
    refunded_fen = models.BigIntegerField(_("refunded (fen)"), default=0)
    demand_requests = models.PositiveIntegerField(_("demand requests"), default=0)
    demand_alerts = models.PositiveIntegerField(_("demand alerts"), default=0)
    # The day's snaps by how their answer stands: named at once; named at once
    # and then corrected by the shopper (the recogniser was wrong); named by the
    # shopper among the suggestions; still waiting for the shopper; none of
    # the suggestions or nothing found; named by an operator from the queue.
    snaps_at_once = models.PositiveIntegerField(_("snaps answered at once"), default=0)
    snaps_corrected = models.PositiveIntegerField(
        _("snaps answered at once, then corrected by the shopper"), default=0
    )
    snaps_chosen = models.PositiveIntegerField(
        _("snaps the shopper confirmed"), default=0
    )
    snaps_waiting = models.PositiveIntegerField(_("snaps waiting"), default=0)
    snaps_unrecognised = models.PositiveIntegerField(
        _("snaps not recognised"), default=0
    )
    snaps_labelled = models.PositiveIntegerField(_("snaps labelled"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("platform figures for a day")
        verbose_name_plural = _("platform figures by day")

    def __str__(self):
        return f"platform figures {self.day:%Y-%m-%d}"

    @property
    def success_rate(self) -> float | None:
        """Return the share of the day's closed deals that succeeded (0–100)."""
        closed = self.deals_succeeded + self.deals_failed
        return round(100 * self.deals_succeeded / closed, 1) if closed else None


class MerchantOwnerInvitation(models.Model):
    """An operator made a merchant for an owner who has no account yet.

    When someone verifies ``phone`` (``accounts.signals.phone_verified``) they
    become the merchant's owner; the invitation SMS itself goes through
    ``notify.invitations``.
    """

    public_id = PublicIdField(prefix="moi", verbose_name=_("number"))
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="owner_invitations",
        verbose_name=_("merchant"),
    )
    phone = models.CharField(_("phone number"), max_length=20, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("merchant owner invitation")
        verbose_name_plural = _("merchant owner invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "phone"],
                condition=models.Q(accepted_at__isnull=True),
                name="ops_one_open_owner_invitation",
            )
        ]

    def __str__(self):
        return f"owner invitation {self.public_id} for {self.merchant_id}"


class ShopApplication(models.Model):
    """A person's application to open a shop on the platform.

    An operator approves it, which creates the merchant with the applicant as
    its owner and its first branch (``ops.shop_applications``), or declines it
    with a reason; until then the applicant may withdraw it. A person has at
    most one pending application.
    """

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("shop application", "Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    public_id = PublicIdField(prefix="sap", verbose_name=_("number"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="shop_applications",
        verbose_name=_("applicant"),
    )
    name = models.CharField(_("shop name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    branch_address = models.CharField(_("address of the first branch"), max_length=255)
    sells = models.CharField(_("what the shop sells"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # The form's (or API client's) one-time key: the same submit sent twice
    # answers the application the first made.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default=""
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("merchant"),
    )
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("shop application")
        verbose_name_plural = _("shop applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=models.Q(status="pending"),
                name="ops_one_pending_shop_application_per_user",
            ),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="ops_shop_application_idempotency_key_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"shop application {self.public_id} ({self.status})"
