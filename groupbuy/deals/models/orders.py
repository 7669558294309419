"""A shopper's order of a deal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField
from groupbuy.deals.models.deal import Deal


class DealOrder(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    class CancelReason(models.TextChoices):
        SHOPPER = "shopper", _("Cancelled by the shopper")
        PAYMENT_EXPIRED = "payment_expired", _("Not paid in time")
        PAYMENT_FAILED = "payment_failed", _("Payment declined")
        DEAL_CLOSED = "deal_closed", _("Not paid before the deal closed")
        DEAL_FAILED = "deal_failed", _("The group buy did not reach its target")
        DEAL_STOPPED = "deal_stopped", _("The group buy was stopped")
        OPERATOR = "operator", _("Cancelled by the platform")
        MERCHANT = "merchant", _("Refunded by the merchant")

    ACTIVE_STATUSES = (Status.PENDING_PAYMENT, Status.PAID, Status.CONFIRMED)
    PARTICIPATING_STATUSES = (Status.PAID, Status.CONFIRMED)

    public_id = PublicIdField(prefix="ord", verbose_name=_("number"))
    deal = models.ForeignKey(
        Deal,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("group buy"),
    )
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deal_orders",
        verbose_name=_("shopper"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # The most a unit can cost (the first tier's price); what is paid up front.
    unit_price_cap_fen = models.PositiveIntegerField(_("unit price paid (fen)"))
    amount_fen = models.PositiveIntegerField(_("amount paid (fen)"))
    payment_intent = models.OneToOneField(
        "escrow.PaymentIntent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deal_order",
        verbose_name=_("payment"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING_PAYMENT,
        db_index=True,
    )
    cancel_reason = models.CharField(
        _("why cancelled"), max_length=20, choices=CancelReason.choices, blank=True
    )
    # Where the shopper collects the goods, when the merchant has several branches.
    pickup_branch = models.ForeignKey(
        "catalog.Branch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pickup branch"),
    )
    # Why the merchant refunded the order, in their words (shown to the shopper).
    refund_reason = models.CharField(_("refund reason"), max_length=200, blank=True)
    final_unit_price_fen = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("final unit price (fen)")
    )
    charged_fen = models.PositiveIntegerField(_("charged (fen)"), null=True, blank=True)
    refunded_fen = models.PositiveIntegerField(_("refunded (fen)"), default=0)
    # The server's clock at the join; what settles "was I in time?" disputes.
    joined_at = models.DateTimeField(_("joined at"), db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Which of the shopper's live orders on the deal this is: always 0 for the
    # deals app's own orders (one live order per shopper and deal); an app that
    # sells a deal its own way (teams: N teams per shopper) numbers them 0..N-1,
    # so the unique constraint below still caps them.
    shopper_slot = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("shopper's order number on the deal")
    )
    # Confirmed in a settlement batch whose follow-up job (``order_confirmed``
    # receivers, the shopper's notification) has not finished for it yet.
    is_awaiting_follow_up = models.BooleanField(
        default=False, verbose_name=_("awaiting follow-up")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["-joined_at", "-id"]
        indexes = [
            models.Index(fields=["deal", "status"]),
            # "My orders" and a deal's orders for its merchant, newest first.
            models.Index(
                fields=["shopper", "-joined_at"], name="deals_order_shopper_newest"
            ),
            # A deal's orders newest first, the id included so that the order
            # lists' pages (a merchant's orders over all its deals too) are
            # found in the index alone (see core.pagination's deferred join).
            models.Index(
                fields=["deal", "-joined_at", "-id"], name="deals_order_deal_newest_id"
            ),
            # The follow-up sweep reads the few orders still awaiting theirs.
            models.Index(
                fields=["confirmed_at"],
                condition=Q(is_awaiting_follow_up=True),
                name="deals_order_awaiting_follow_up",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "shopper", "shopper_slot"],
                condition=Q(status__in=["pending_payment", "paid", "confirmed"]),
                name="deals_one_active_order_per_shopper_slot",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="deals_order_quantity_positive"
            ),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self):
        return f"{self.public_id}: {self.quantity} × {self.deal}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def shown_status(self) -> str:
        """The status as the pages, the My orders tabs and the API's
        ``shown_status`` give it: a paid order its shopper cancelled is
        cancelled (its money refunded), though ``status`` stays ``refunded``."""
        if self.status == self.Status.REFUNDED and (
            self.cancel_reason == self.CancelReason.SHOPPER
        ):
            return self.Status.CANCELLED
        return self.status

    @property
    def shown_status_label(self) -> str:
        """``shown_status`` in words ("Cancelled"), for the lists that give no
        more (the operator's look-up and person pages, the console's CSV)."""
        return self.Status(self.shown_status).label

    @property
    def late_refund_fen(self) -> int:
        """What a payment that arrived after this order was cancelled got back.

        Escrow refunds a capture its order no longer takes; the order stays
        cancelled with nothing of its own refunded, so "cancelled" alone would
        hide the refund (the order pages, My orders and My teams say it)."""
        intent = self.payment_intent
        if self.status != self.Status.CANCELLED or intent is None:
            return 0
        return intent.refunded_fen if intent.is_refunded_in_full else 0
