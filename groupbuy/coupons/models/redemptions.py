"""Redemptions, online and in offline batches, the conflicts a batch can raise,
and revocations."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.core.times import format_local_time
from groupbuy.coupons.models.coupons import Coupon
from groupbuy.coupons.models.keys import MerchantKey


class RedemptionBatch(models.Model):
    """A batch file a station exported and the merchant uploaded."""

    public_id = PublicIdField(prefix="bat", verbose_name=_("number"))
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="coupon_batches",
        verbose_name=_("merchant"),
    )
    merchant_key = models.ForeignKey(
        MerchantKey, on_delete=models.PROTECT, verbose_name=_("merchant key")
    )
    digest = models.CharField(max_length=64, unique=True, verbose_name=_("digest"))
    device = models.CharField(max_length=80, blank=True, verbose_name=_("device"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    accepted = models.PositiveIntegerField(default=0, verbose_name=_("accepted"))
    conflicts = models.PositiveIntegerField(default=0, verbose_name=_("conflicts"))
    rejected = models.PositiveIntegerField(default=0, verbose_name=_("rejected"))
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("redemption batch")
        verbose_name_plural = _("redemption batches")

    def __str__(self):
        return self.public_id


class Redemption(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Console (online)")
        OFFLINE = "offline", _("Station (offline)")

    public_id = PublicIdField(prefix="red", verbose_name=_("number"))
    coupon = models.ForeignKey(
        Coupon,
        on_delete=models.PROTECT,
        related_name="redemptions",
        verbose_name=_("coupon"),
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    # The units an online request named, null when it named none ("all that
    # is left"): the same idempotency key is the same request only with the
    # same ask (a retry with another quantity is refused, not answered).
    quantity_asked = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("units asked for")
    )
    amount_fen = models.PositiveIntegerField(verbose_name=_("amount (fen)"))
    channel = models.CharField(
        max_length=10, choices=Channel.choices, verbose_name=_("channel")
    )
    branch = models.ForeignKey(
        "catalog.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("branch"),
    )
    cashier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cashier"),
    )
    cashier_name = models.CharField(
        max_length=80, blank=True, verbose_name=_("cashier name")
    )
    # Unique per redemption: a station's nonce, or a random one online. A batch
    # uploaded again finds its nonces here and changes nothing.
    nonce = models.CharField(max_length=64, unique=True, verbose_name=_("nonce"))
    batch = models.ForeignKey(
        RedemptionBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("batch"),
    )
    redeemed_at = models.DateTimeField(verbose_name=_("redeemed at"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))
    # How many times this claim (nonce) was settled and reversed before: an
    # offline redemption superseded by an earlier one and later reinstated
    # settles under a fresh escrow key.
    settlement_round = models.PositiveIntegerField(
        default=0, verbose_name=_("settlement round")
    )

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        indexes = [
            # The statement's period: each of the merchant's coupons' redemptions
            # sought within it, not read for the shop's whole history
            # (tests/test_statement_indexes.py).
            models.Index(
                fields=["coupon", "redeemed_at"], name="coupons_redemption_coupon_at"
            )
        ]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self):
        return f"{self.public_id}: {self.quantity}"


class RedemptionConflict(models.Model):
    """A redemption a station accepted offline that does not count.

    Either the coupon was used up (by online redemptions or earlier offline
    ones: the station's signed time decides) or it was no longer usable.
    ``superseded_at`` is set when the claim had counted and was demoted
    because an earlier one arrived later.
    """

    class Reason(models.TextChoices):
        ALREADY_REDEEMED = "already_redeemed", _("Already redeemed")
        NOT_ENOUGH_LEFT = "not_enough_left", _("Not enough units left")
        SUPERSEDED = "superseded", _("Superseded by an earlier redemption")
        EXPIRED = "expired", _("Coupon expired")
        REVOKED = "revoked", _("Coupon cancelled")
        PAID_OUT = "paid_out", _("Later redemption already paid out")
        # The ledger refused to move the money back for another cause (a
        # concurrent posting, say): nobody was paid out (until 2026-12-07 it
        # was recorded as paid_out). The refusal's code is in the audit entry.
        LEDGER_REFUSED = "ledger_refused", _("Refused by the ledger")
        BRANCH_CLOSED = "branch_closed", _("Redeemed after its branch closed")
        KEY_REPLACED = (
            "key_replaced",
            _("Redeemed after its station's key was replaced"),
        )

    # Claims that lost only for lack of units: they are weighed again (by
    # time) whenever another claim on the coupon arrives.
    CAPACITY_REASONS = (
        Reason.ALREADY_REDEEMED,
        Reason.NOT_ENOUGH_LEFT,
        Reason.SUPERSEDED,
    )

    # Lines their batch refused (nothing was redeemed: signed after the key
    # was replaced), kept as conflicts for people to settle; the batch counts
    # them as refused, not among its conflicts.
    REFUSED_REASONS = (Reason.KEY_REPLACED,)

    coupon = models.ForeignKey(
        Coupon, on_delete=models.PROTECT, related_name="+", verbose_name=_("coupon")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merchant"),
    )
    batch = models.ForeignKey(
        RedemptionBatch, on_delete=models.PROTECT, verbose_name=_("batch")
    )
    nonce = models.CharField(max_length=64, unique=True, verbose_name=_("nonce"))
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    branch = models.ForeignKey(
        "catalog.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("branch"),
    )
    branch_name = models.CharField(
        max_length=120, blank=True, verbose_name=_("branch name")
    )
    cashier_name = models.CharField(
        max_length=80, blank=True, verbose_name=_("cashier name")
    )
    device = models.CharField(max_length=80, blank=True, verbose_name=_("device"))
    reason = models.CharField(
        max_length=20, choices=Reason.choices, verbose_name=_("reason")
    )
    redeemed_at = models.DateTimeField(verbose_name=_("redeemed at"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("recorded at"))
    superseded_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("superseded at")
    )
    settlement_rounds = models.PositiveIntegerField(
        default=0, verbose_name=_("settlement rounds")
    )
    # A branch_closed claim: the station handed the goods over, so its units
    # were taken off the coupon (when it had them left) though the shop is not
    # paid for them; they are never given again, online or offline.
    holds_units = models.BooleanField(
        default=False, db_default=False, verbose_name=_("units taken off the coupon")
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [
            # The statement's conflicts of a period.
            models.Index(
                fields=["merchant", "redeemed_at"], name="coupons_conflict_merchant_at"
            )
        ]
        verbose_name = _("redemption conflict")
        verbose_name_plural = _("redemption conflicts")

    def __str__(self):
        return f"conflict {self.nonce}"

    @property
    def amount_at_stake_fen(self) -> int:
        """What its units are worth at the coupon's price: the money the claim
        would have settled had it counted."""
        return self.quantity * self.coupon.unit_price_fen

    @property
    def reason_and_device(self) -> str:
        """Why it does not count, and on which station it was redeemed, said as
        a station (its name is the merchant's own, "station" unless named):
        "Already redeemed, at station “front till”", not "Already redeemed
        (front till)"."""
        if not self.device:
            return str(self.get_reason_display())
        return gettext("%(reason)s, at station “%(device)s”") % {
            "reason": self.get_reason_display(),
            "device": self.device,
        }

    @property
    def place_name(self) -> str:
        """Where the station redeemed it, for the shopper: its branch (in the
        reader's language), else the shop (as the coupon page names a
        redemption; ``branch_name`` may be an id the station sent)."""
        if self.branch is not None:
            return self.branch.display_name
        return self.merchant.display_name

    @property
    def superseded_note(self) -> str:
        """What became of a superseded claim's money, "" for other conflicts:
        its settlement was reversed, or, on a deal that paid the shop when it
        closed, there was none to reverse (the close paid for every unit)."""
        if self.superseded_at is None:
            return ""
        when = format_local_time(self.superseded_at)
        deal = self.coupon.order.deal
        if deal.settlement_mode != deal.SettlementMode.ON_REDEMPTION:
            return gettext(
                "superseded %(when)s; no settlement to reverse (the deal paid "
                "the shop when it closed)"
            ) % {"when": when}
        return gettext("settlement reversed %(when)s") % {"when": when}


class Revocation(models.Model):
    """A coupon stations must refuse; ``id`` is the incremental sync cursor."""

    class Reason(StrEnum):
        """Why: a code for programs (a station words the ones it knows), given
        to stations in their sync; not a choice of the column, whose older
        rows keep what they were written with."""

        ORDER_REFUNDED = "order_refunded"
        ORDER_CANCELLED = "order_cancelled"
        OPERATOR = "operator"  # an operator, in the admin
        REFUNDED_UNUSED = "refunded_unused"  # the shopper refunded its last units
        REFUNDED_BY_MERCHANT = "refunded_by_merchant"

    coupon = models.OneToOneField(
        Coupon, on_delete=models.PROTECT, related_name="revocation"
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(max_length=16)
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self):
        return f"revoked {self.serial}"
