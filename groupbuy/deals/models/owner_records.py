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
from django.utils.translation import gettext_lazy as _


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
