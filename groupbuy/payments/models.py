"""Merchant payouts: what a merchant's payable sends out by the provider's transfer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.core.redaction import mask_account


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
    # The day of a scheduled payout (None when an operator approved it): at
    # most one per merchant and day, so the daily job is safe to run again.
    scheduled_for = models.DateField(null=True, blank=True)
    # The approving form's one-time key (or the API's ``idempotency_key``): the
    # same approval sent again (a second click, a resent form, a retried
    # request) returns this payout instead of paying twice (a constraint per
    # approver, below; ``payouts.payout_create``).
    # db_default: the release before inserts payouts without it during a
    # rolling deploy (docs/deployment.md).
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="payments_one_scheduled_payout_a_day",
            ),
            models.UniqueConstraint(
                fields=["approved_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="payments_payout_idempotency_key_once",
            ),
        ]

    def __str__(self):
        return f"{self.public_id} {self.amount_fen} fen to {self.merchant_id}"

    @property
    def failure_code(self) -> str:
        """The provider's code of a refused transfer (``failure_reason``)."""
        from groupbuy.escrow.providers.base import refusal_code

        return refusal_code(self.failure_reason)

    @property
    def failure_words(self) -> str:
        """Why the transfer was refused, in the reader's language; "" when the
        provider's code is not one the platform knows."""
        from groupbuy.escrow.providers.base import refusal_words

        return refusal_words(self.failure_reason)

    @property
    def payee_account_masked(self) -> str:
        """The account as lists show it to operators (``****1234``): the
        payout form, which pays, is where it is read in full."""
        return mask_account(self.payee_account)

    @property
    def provider_label(self) -> str:
        """The provider's name for people ("Alipay", 支付宝)."""
        from groupbuy.escrow.providers import provider_label

        return provider_label(self.provider)


class PayoutSchedule(models.Model):
    """A merchant's standing instruction: pay the payable out every day.

    Set by the merchant's owner (or an operator). The daily job pays the whole
    payable to the account named here once it holds at least ``minimum_fen``.
    """

    merchant = models.OneToOneField(
        "catalog.Merchant", on_delete=models.CASCADE, related_name="payout_schedule"
    )
    enabled = models.BooleanField(_("pay out every day"), default=True)
    provider = models.CharField(_("provider"), max_length=20)
    payee_account = models.CharField(_("payee account"), max_length=100)
    payee_name = models.CharField(_("payee name"), max_length=100, blank=True)
    minimum_fen = models.PositiveBigIntegerField(_("minimum (fen)"), default=10_000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payout schedule")
        verbose_name_plural = _("payout schedules")

    def __str__(self):
        return f"payout schedule of {self.merchant_id}"


class WechatOpenId(models.Model):
    """A member's openid under one WeChat AppID, for JSAPI payments in WeChat."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    appid = models.CharField(max_length=32)
    openid = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "appid"], name="payments_one_openid_per_app"
            )
        ]
        verbose_name = _("WeChat openid")
        verbose_name_plural = _("WeChat openids")

    def __str__(self):
        return f"openid of {self.user_id} under {self.appid}"


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
