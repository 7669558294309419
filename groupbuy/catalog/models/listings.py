"""A merchant's listing of a product at its everyday price."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models.merchants import Merchant
from groupbuy.catalog.models.products import Product
from groupbuy.core.ids import PublicIdField


class Listing(models.Model):
    """A merchant offering a product at its everyday price."""

    public_id = PublicIdField(prefix="lst", verbose_name=_("number"))
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("product"),
    )
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "product"], name="one_listing_per_product"
            )
        ]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")

    def __str__(self):
        return f"{self.product} @ {self.merchant}: {self.price_fen} fen"
