"""What a shop's owners did to a group buy that a one-time key guards: the
stock they added, the units of an order they refunded.

Each row keeps the key its request carried (a form's hidden field, an API
client's ``Idempotency-Key``), unique per person, so the same request sent
twice (a retry after a timeout, two taps at once) is done once: the second
finds the row, or loses the race on the constraint, and answers the first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupbuy.core.ids import PublicIdField


class StockAddition(models.Model):
    """Units an owner added to a deal's stock with a one-time key."""

    deal = models.ForeignKey(
        "deals.Deal",
        on_delete=models.CASCADE,
        related_name="stock_additions",
        verbose_name=_("group buy"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=64)
    units = models.PositiveIntegerField(_("units added"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["added_by", "idempotency_key"],
                name="deals_stock_addition_key_once",
            ),
        ]
        verbose_name = _("stock addition")
        verbose_name_plural = _("stock additions")

    def __str__(self):
        return f"+{self.units} → {self.deal_id}"


class OrderUnitRefund(models.Model):
    """Units of a paid order its shop's owner refunded while the group buy
    was open, with the owner's words to the shopper: the order keeps its
    other units (``quantity`` and ``amount_fen`` are lowered by these), and
    its page lists each of these refunds."""

    public_id = PublicIdField(prefix="our", verbose_name=_("number"))
    order = models.ForeignKey(
        "deals.DealOrder",
        on_delete=models.PROTECT,
        related_name="unit_refunds",
        verbose_name=_("order"),
    )
    units = models.PositiveIntegerField(_("units refunded"))
    amount_fen = models.PositiveIntegerField(_("amount refunded (fen)"))
    reason = models.CharField(_("reason"), max_length=200)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("refunded by"),
    )
    # "" is none (a refund made without a one-time key).
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("refunded at"))

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["refunded_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="deals_unit_refund_key_once",
            ),
            models.CheckConstraint(
                condition=Q(units__gte=1), name="deals_unit_refund_units_positive"
            ),
        ]
        verbose_name = _("units refunded")
        verbose_name_plural = _("units refunded")

    def __str__(self):
        return f"{self.public_id}: {self.units} of {self.order_id}"
