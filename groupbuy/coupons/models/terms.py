"""What a branch and a deal set about their coupons, and what happens to a coupon
that expires unredeemed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.coupons.models.coupons import Coupon


class BranchSettings(models.Model):
    """Per-branch coupon settings: offline redemption is an explicit choice."""

    branch = models.OneToOneField(
        "catalog.Branch",
        on_delete=models.CASCADE,
        related_name="coupon_settings",
        verbose_name=_("branch"),
    )
    offline_enabled = models.BooleanField(
        _("offline redemption allowed"), default=False
    )

    class Meta:
        verbose_name = _("branch coupon settings")
        verbose_name_plural = _("branch coupon settings")

    def __str__(self):
        return f"{self.branch}: offline={self.offline_enabled}"


class ExpiryRule(models.TextChoices):
    REFUND_SHOPPER = "refund_shopper", _("Refund the shopper")
    PAY_MERCHANT = "pay_merchant", _("Pay the merchant")


class DealCouponTerms(models.Model):
    """What happens to a deal's coupons that expire unredeemed."""

    deal = models.OneToOneField(
        "deals.Deal", on_delete=models.CASCADE, related_name="coupon_terms"
    )
    expiry_rule = models.CharField(
        _("unredeemed coupons at expiry"),
        max_length=20,
        choices=ExpiryRule.choices,
        default=ExpiryRule.REFUND_SHOPPER,
    )
    # 随时退: what shoppers of a group-buying app expect (Meituan's and
    # Dianping's coupons say so on every deal); a shop may turn it off for a
    # deal, saying so before anyone buys.
    unused_refundable = models.BooleanField(
        _("shoppers may refund unused coupons before they expire"), default=True
    )

    class Meta:
        verbose_name = _("coupon terms")
        verbose_name_plural = _("coupon terms")

    def __str__(self):
        return f"{self.deal}: {self.expiry_rule}"


class CouponExpiry(models.Model):
    """An expired coupon's unredeemed units and what the rule did with them."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("Waiting to be settled")
        REFUNDED = "refunded", _("Refunded to the shopper")
        TAKEN_BACK = (
            "taken_back",
            _("Refunded to the shopper, taken back from the merchant's balance"),
        )
        PAID_MERCHANT = "paid_merchant", _("Paid to the merchant")
        PAID_AT_CLOSE = "paid_at_close", _("The merchant was paid when the deal closed")
        NOTHING_LEFT = "nothing_left", _("Nothing left to settle")

    coupon = models.OneToOneField(
        Coupon,
        on_delete=models.PROTECT,
        related_name="expiry",
        verbose_name=_("coupon"),
    )
    rule = models.CharField(_("rule"), max_length=20, choices=ExpiryRule.choices)
    quantity = models.PositiveIntegerField(_("units"))
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    # When the rule's money moved (or was found to need no move); None while
    # waiting, e.g. after a failed attempt the next sweep retries.
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.WAITING
    )
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("expired at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon expiry")
        verbose_name_plural = _("coupon expiries")

    def __str__(self):
        return f"{self.coupon}: {self.rule} {self.amount_fen}"


class CouponRefund(models.Model):
    """A refund of some or all of a valid coupon's unused units, before it
    expired: asked for by its shopper, or made by the shop's owner
    (``refunded_by``, ``reason``). A coupon may have several; the one that
    refunds its last units revokes it.

    Written in the same transaction as the money's move (under
    ``escrow_key``) and the coupon's ``refunded_quantity``: a refund that could
    not be paid (the merchant's balance was already paid out) leaves no record
    and the coupon as it was.
    """

    class Outcome(models.TextChoices):
        REFUNDED = "refunded", _("Refunded to the shopper")
        TAKEN_BACK = (
            "taken_back",
            _("Refunded to the shopper, taken back from the merchant's balance"),
        )

    coupon = models.ForeignKey(
        Coupon,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("coupon"),
    )
    quantity = models.PositiveIntegerField(_("units"))
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # The units the coupon had left for the till after this refund: 0 for the
    # refund that ended it (and every refund made before refunds of some units).
    units_left = models.PositiveIntegerField(_("units left"), default=0, db_default=0)
    # The key escrow moved its money under: a coupon's first refund
    # ``coupons.refund_unused:<serial>`` (the only one before refunds of some
    # units), each later one ``…:<serial>:<n>``.
    escrow_key = models.CharField(
        _("escrow key"), max_length=100, blank=True, default="", db_default=""
    )
    # The request's one-time key ("" for none): the same request sent again
    # answers this refund and refunds nothing more.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default="", db_default=""
    )
    refunded_at = models.DateTimeField(_("refunded at"), auto_now_add=True)
    # Who refunded (the shopper, or the shop's owner); null for refunds made
    # before it was recorded, or by a deleted account.
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("refunded by"),
    )
    # The shop's reason, told to the shopper; blank for the shopper's own.
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["refunded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["refunded_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="coupons_refund_key_once",
            ),
        ]
        verbose_name = _("coupon refund")
        verbose_name_plural = _("coupon refunds")

    def __str__(self):
        return f"refund of {self.coupon}: {self.amount_fen} fen"

    @property
    def is_by_shop(self) -> bool:
        """Whether the shop made this refund, not the coupon's shopper: the
        shop's refund always has a reason, and only the shopper and the shop's
        owners refund (a refund with no one recorded predates the shop's, 0009)."""
        if self.reason:
            return True
        by = self.refunded_by_id
        return by is not None and by != self.coupon.shopper_id
