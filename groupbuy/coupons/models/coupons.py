"""Issued coupons, one per confirmed order: signed by a platform key and sealed
to one of the merchant's keys; the platform keeps the text's digest, so the
console finds the coupon a code belongs to without the merchant's private key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.coupons.models.keys import MerchantKey, PlatformKey


class Coupon(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REDEEMED = "redeemed", _("Redeemed")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    public_id = PublicIdField(prefix="cpn", verbose_name=_("number"))
    serial = models.CharField(
        max_length=16, unique=True, verbose_name=_("serial number")
    )
    order = models.OneToOneField(
        "deals.DealOrder",
        on_delete=models.PROTECT,
        related_name="coupon",
        verbose_name=_("order"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="coupons",
        verbose_name=_("merchant"),
    )
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="coupons",
        verbose_name=_("shopper"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    redeemed_quantity = models.PositiveIntegerField(_("redeemed"), default=0)
    # Units given back unused (``CouponRefund``, some or all of those left):
    # no till takes them any more.
    refunded_quantity = models.PositiveIntegerField(
        _("refunded"), default=0, db_default=0
    )
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.VALID,
        db_index=True,
    )
    platform_key = models.ForeignKey(
        PlatformKey, on_delete=models.PROTECT, verbose_name=_("platform key")
    )
    # Signature + payload; sealed again whenever the merchant's key changes.
    signed = models.BinaryField(editable=False, verbose_name=_("signed payload"))
    # Empty until the merchant has registered a key to seal to.
    merchant_key = models.ForeignKey(
        MerchantKey,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("merchant key"),
    )
    code = models.TextField(_("code"), blank=True)
    code_digest = models.CharField(
        max_length=64, unique=True, null=True, blank=True, verbose_name=_("code digest")
    )
    not_before = models.DateTimeField(verbose_name=_("valid from"))
    expires_at = models.DateTimeField(_("expires at"))
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("issued at"))
    revoked_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("revoked at")
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    redeemed_quantity__lte=F("quantity") - F("refunded_quantity")
                ),
                name="coupons_never_over_redeemed",
            )
        ]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")

    def __str__(self):
        return f"{self.public_id} ({self.status})"

    @property
    def remaining_quantity(self) -> int:
        """The units a till may still take: neither redeemed nor refunded."""
        return self.quantity - self.redeemed_quantity - self.refunded_quantity

    @property
    def refunded_fen(self) -> int:
        """What this coupon's refunds gave back, all of them (``refunds``,
        which a list prefetches)."""
        return sum(refund.amount_fen for refund in self.refunds.all())

    @property
    def refund(self):
        """The refund that ended this coupon (it refunded its last units and
        revoked it), else None; ``refunds`` holds every refund of its units."""
        refunds = list(self.refunds.all())
        if refunds and refunds[-1].units_left == 0:
            return refunds[-1]
        return None

    def status_at(self, moment) -> Coupon.Status:
        """Return the status the till gives this coupon at ``moment``: a valid
        one past its expiry is refused there (its code carries the date) before
        the sweep, up to ten minutes later, marks it expired."""
        if self.status == self.Status.VALID and moment > self.expires_at:
            return self.Status.EXPIRED
        return self.Status(self.status)

    @property
    def shown_status(self) -> Coupon.Status:
        """The status as of now, what the pages and the API show (``status_at``)."""
        return self.status_at(timezone.now())

    @property
    def code_to_show(self) -> str | None:
        """The code to give the shopper, None once no till would take it (used
        up, revoked or refunded, expired) or before it is sealed: a dead
        coupon's code drawn on a page, a PNG or a printout invites a useless
        trip to the till, and a refunded one shown there looks like fraud."""
        if self.shown_status != self.Status.VALID:
            return None
        return self.code or None


class EarlierCode(models.Model):
    """A code a coupon had before it was sealed again to the merchant's new key.

    Shoppers keep screenshots and printed coupons, so a code issued under an
    earlier key is still the coupon online: the till finds the coupon by its
    digest, as by the current one. Only the digest is kept.
    """

    coupon = models.ForeignKey(
        Coupon,
        on_delete=models.CASCADE,
        related_name="earlier_codes",
        verbose_name=_("coupon"),
    )
    code_digest = models.CharField(
        max_length=64, unique=True, verbose_name=_("code digest")
    )
    merchant_key = models.ForeignKey(
        MerchantKey,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merchant key"),
    )
    replaced_at = models.DateTimeField(auto_now_add=True, verbose_name=_("replaced at"))

    class Meta:
        verbose_name = _("earlier coupon code")
        verbose_name_plural = _("earlier coupon codes")

    def __str__(self):
        return f"earlier code of {self.coupon_id}"
