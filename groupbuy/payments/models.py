"""Merchant payouts: what a merchant's payable sends out by the provider's transfer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField


class Payout(models.Model):
    """One transfer of payable money to a merchant's account at a provider.

    ``business_number`` is the transfer's idempotent number at the provider
    (Alipay's ``out_biz_no``): a retry after a lost answer never pays twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Sent to the provider")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed; money back in the payable")

    public_id = PublicIdField(prefix="po")
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="payouts"
    )
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    fee_fen = models.PositiveBigIntegerField(_("transfer fee (fen)"), default=0)
    provider = models.CharField(_("provider"), max_length=20)
    payee_account = models.CharField(_("payee account"), max_length=100)
    payee_name = models.CharField(_("payee name"), max_length=100, blank=True)
    business_number = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self):
        return f"{self.public_id} {self.amount_fen} fen to {self.merchant_id}"


class StatementDifference(models.Model):
    """One line where a provider's daily statement and our ledger disagree.

    Reconciliation reports; it never changes money. Operators resolve each one.
    """

    class Kind(models.TextChoices):
        MISSING_IN_LEDGER = "missing_in_ledger", _("At the provider, not in the ledger")
        MISSING_AT_PROVIDER = (
            "missing_at_provider",
            _("In the ledger, not at the provider"),
        )
        AMOUNT_MISMATCH = "amount_mismatch", _("Amounts differ")

    provider = models.CharField(max_length=20)
    day = models.DateField()
    kind = models.CharField(max_length=30, choices=Kind.choices)
    line_kind = models.CharField(max_length=10)  # payment | refund
    reference = models.CharField(max_length=100)
    ledger_fen = models.BigIntegerField(null=True, blank=True)
    provider_fen = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["day", "provider", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "day", "line_kind", "reference"],
                name="payments_difference_once_per_line",
            )
        ]
        verbose_name = _("statement difference")
        verbose_name_plural = _("statement differences")

    def __str__(self):
        return f"{self.day} {self.provider} {self.kind} {self.reference}"
