"""Payment intents, the provider's events about them, refunds, a merchant's
earnings waiting for their coupon's redemption, and the sandbox's payments.

How their money moves through the ledger: ``escrow.models.ledger``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField


class PaymentIntent(models.Model):
    """One attempt to collect ``amount_fen`` from ``payer`` for a purpose."""

    class Status(models.TextChoices):
        REQUIRES_PAYMENT = "requires_payment", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Payment failed")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = PublicIdField(prefix="pi", verbose_name=_("number"))
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payer"),
    )
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    currency = models.CharField(max_length=3, default="CNY", verbose_name=_("currency"))
    # Who owns the money once captured: ("deals.order", "ord_…").
    purpose = models.CharField(_("purpose"), max_length=40)
    reference = models.CharField(_("reference"), max_length=60, db_index=True)
    description = models.CharField(_("what for"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.REQUIRES_PAYMENT,
        db_index=True,
    )
    refunded_fen = models.PositiveBigIntegerField(_("refunded (fen)"), default=0)
    released_fen = models.PositiveBigIntegerField(_("released (fen)"), default=0)
    provider = models.CharField(_("provider"), max_length=20, default="sandbox")
    provider_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider reference")
    )
    # Where the browser goes after the hosted pay page (set by the caller).
    return_url = models.CharField(
        max_length=500, blank=True, verbose_name=_("return address")
    )
    # When the payer confirmed on the provider's page; the outcome follows by
    # callback. Paying twice is refused from this moment on.
    submitted_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("submitted at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    succeeded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("paid at")
    )
    failed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("failed at"))
    cancelled_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("cancelled at")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="escrow_intent_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(
                    refunded_fen__lte=F("amount_fen") - F("released_fen"),
                ),
                name="escrow_intent_refund_release_within_amount",
            ),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.public_id} {self.amount_fen} fen ({self.status})"

    @property
    def purpose_label(self) -> str:
        """What it pays for, in the reader's language ("Group-buy order")."""
        from groupbuy.escrow.handlers import purpose_label

        return purpose_label(self.purpose)

    @property
    def provider_label(self) -> str:
        """Its provider's name for people ("Alipay", 支付宝)."""
        from groupbuy.escrow.providers import provider_label

        return provider_label(self.provider)

    @property
    def remaining_held_fen(self) -> int:
        """Return what is still in escrow for this intent."""
        if self.status != self.Status.SUCCEEDED:
            return 0
        return self.amount_fen - self.refunded_fen - self.released_fen

    @property
    def is_payable(self) -> bool:
        """Still to be paid: not paid on the provider's page yet, nor closed."""
        return self.status == self.Status.REQUIRES_PAYMENT and not self.submitted_at

    @property
    def is_awaiting_outcome(self) -> bool:
        """Paid on the provider's page, its callback not here yet: pages say the
        payment is being confirmed instead of offering to pay again."""
        return self.status == self.Status.REQUIRES_PAYMENT and bool(self.submitted_at)

    @property
    def payer_has_paid(self) -> bool:
        """Paid as far as the payer knows: succeeded, or awaiting its outcome.
        The order, deposit or place it pays for may not be marked paid yet."""
        return self.status == self.Status.SUCCEEDED or self.is_awaiting_outcome

    @property
    def is_refunded_in_full(self) -> bool:
        """Taken and given back whole: on an order or a place that was cancelled,
        a payment that arrived after it (escrow refunds what its purpose refuses)."""
        return self.status == self.Status.SUCCEEDED and (
            self.refunded_fen == self.amount_fen
        )


class ProviderEvent(models.Model):
    """A provider callback we accepted; its id makes callbacks idempotent."""

    class Outcome(models.TextChoices):
        CAPTURED = "captured", _("Captured")
        CAPTURED_AND_REFUNDED = "captured_refunded", _("Captured, then refunded")
        FAILED = "failed", _("Marked failed")
        IGNORED = "ignored", _("Ignored (out of order)")

    provider = models.CharField(max_length=20, verbose_name=_("provider"))
    event_id = models.CharField(max_length=100, verbose_name=_("event id"))
    intent = models.ForeignKey(
        PaymentIntent,
        on_delete=models.PROTECT,
        related_name="provider_events",
        verbose_name=_("payment"),
    )
    type = models.CharField(max_length=40, verbose_name=_("type"))
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, verbose_name=_("outcome")
    )
    payload = models.JSONField(default=dict, verbose_name=_("payload"))
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("received at"))

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="escrow_provider_event_once"
            )
        ]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")

    def __str__(self):
        # In words: the admin titles the event's page with it.
        from groupbuy.escrow.providers import event_type_label, provider_label

        said = event_type_label(self.type)
        return (
            f"{provider_label(self.provider)} {self.event_id}: "
            f"{said}, {self.get_outcome_display()}"
        )


class Refund(models.Model):
    """A refund decided in our transaction and confirmed by the provider later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sent to the provider")
        SUCCEEDED = "succeeded", _("Confirmed by the provider")

    public_id = PublicIdField(prefix="rf", verbose_name=_("number"))
    intent = models.ForeignKey(
        PaymentIntent,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("payment"),
    )
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    idempotency_key = models.CharField(
        max_length=200, unique=True, verbose_name=_("idempotency key")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    provider_reference = models.CharField(
        max_length=100, blank=True, verbose_name=_("provider reference")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.SUCCEEDED,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("next attempt at")
    )
    last_error = models.CharField(
        max_length=200, blank=True, verbose_name=_("last error")
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("confirmed at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="escrow_refund_amount_positive"
            )
        ]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self):
        return f"{self.public_id} {self.amount_fen} fen of {self.intent.public_id}"

    @property
    def reason_label(self) -> str:
        """Why, in the reader's language ("The group buy was stopped"); a
        reason someone typed (a merchant's note) as written."""
        from groupbuy.escrow.handlers import refund_reason_label

        return refund_reason_label(self.reason)


class PendingEarning(models.Model):
    """What a merchant earned on one reference (an order) but is not yet paid.

    Created when a deal settled on redemption moves an order's charge to the
    merchant's pending account; each redemption moves a share to payable.
    """

    reference = models.CharField(max_length=60, unique=True)
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+"
    )
    amount_fen = models.PositiveBigIntegerField(_("earned (fen)"))
    settled_fen = models.PositiveBigIntegerField(_("settled (fen)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(settled_fen__lte=F("amount_fen")),
                name="escrow_pending_settled_within_earned",
            )
        ]
        verbose_name = _("pending earning")
        verbose_name_plural = _("pending earnings")

    def __str__(self):
        return f"{self.reference}: {self.settled_fen}/{self.amount_fen} fen"


class SandboxPayment(models.Model):
    """The sandbox gateway's own book: what the payer did on its pay page.

    A real gateway answers status queries from its records; ``query_intent``
    reads this table, so a lost callback can be recovered by reconciliation.
    """

    intent_public_id = models.CharField(max_length=40, unique=True)
    event = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox payment")
        verbose_name_plural = _("sandbox payments")

    def __str__(self):
        return f"{self.intent_public_id}: {self.event.get('type')}"
