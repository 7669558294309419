"""Buyer demands (求购): a buyer asks, others join with deposits, merchants offer.

States of a demand::

    draft ──(initiator's deposit captured + publish)──► published
    published ──(initiator accepts an offer)──► accepted (a deal exists)
    draft | published ──(initiator cancels)──► cancelled   (deposits refunded)
    draft | published ──(deadline, no accepted offer)──► expired (refunded)
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.phones import person_label
from groupbuy.core.ids import PublicIdField
from groupbuy.demands.photo_storage import (
    DRAFT_PREFIX,
    PUBLIC_PREFIX,
    demand_photo_storage,
)


class ForfeitRule(models.TextChoices):
    MERCHANT = "merchant", _("paid to the merchant")
    PLATFORM = "platform", _("kept by the platform")
    REFUND = "refund", _("refunded")


class Demand(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ACCEPTED = "accepted", _("Offer accepted")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    OPEN_STATES = (State.DRAFT, State.PUBLISHED)

    public_id = PublicIdField(prefix="dmd", verbose_name=_("number"))
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("initiator"),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demands",
        verbose_name=_("category"),
    )
    quantity_wanted = models.PositiveIntegerField(_("quantity wanted"))
    target_unit_price_fen = models.PositiveIntegerField(_("target unit price (fen)"))
    deadline_at = models.DateTimeField(_("deadline"), db_index=True)
    state = models.CharField(
        max_length=12,
        choices=State.choices,
        default=State.DRAFT,
        db_index=True,
        verbose_name=_("state"),
    )
    # What happens to the deposit of someone who withdraws after acceptance;
    # copied from the setting at creation, shown before anyone pays.
    forfeit_rule = models.CharField(
        max_length=10, choices=ForfeitRule.choices, verbose_name=_("forfeit rule")
    )
    # jieba-segmented title + description, what the full-text index holds.
    search_text = models.TextField(
        blank=True, editable=False, verbose_name=_("search text")
    )
    latitude = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    longitude = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    accepted_offer = models.OneToOneField(
        "demands.Offer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted offer"),
    )
    deal = models.OneToOneField(
        "deals.Deal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="demand",
        verbose_name=_("group buy"),
    )
    published_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("published at")
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["deadline_at", "id"]
        verbose_name = _("buyer demand")
        verbose_name_plural = _("buyer demands")

    def __str__(self):
        return self.title

    @property
    def deadline_ms(self) -> int:
        from groupbuy.clock.services import epoch_ms

        # The same rounding as clock's deadline event, so both agree to the ms.
        return epoch_ms(self.deadline_at)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def shown_photos(self) -> list:
        """Its photos but any an operator hid (the prefetched ones where a
        list prefetched them)."""
        return [photo for photo in self.photos.all() if photo.hidden_at is None]


class Participation(models.Model):
    """One buyer in a demand (the initiator too), with their deposit."""

    class Status(models.TextChoices):
        AWAITING_DEPOSIT = "awaiting_deposit", _("Deposit not paid yet")
        ACTIVE = "active", _("Deposit held")
        APPLIED = "applied", _("Deposit applied to the order")
        WITHDRAWN = "withdrawn", _("Withdrew, deposit refunded")
        FORFEITED = "forfeited", _("Withdrew after acceptance")
        REFUNDED = "refunded", _("Deposit refunded")

    public_id = PublicIdField(prefix="dpt", verbose_name=_("number"))
    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("demand"),
    )
    shopper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="demand_participations",
        verbose_name=_("shopper"),
    )
    is_initiator = models.BooleanField(
        default=False, verbose_name=_("is the initiator")
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    deposit_fen = models.PositiveIntegerField(verbose_name=_("deposit (fen)"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_DEPOSIT,
        verbose_name=_("status"),
    )
    # The intent now collecting (or holding) the deposit.
    intent = models.ForeignKey(
        "escrow.PaymentIntent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payment"),
    )
    deposit_captured_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("deposit paid at")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "shopper"], name="demands_one_participation_each"
            )
        ]
        verbose_name = _("demand participation")
        verbose_name_plural = _("demand participations")

    def __str__(self):
        return f"{person_label(self.shopper)} × {self.quantity} · {self.demand}"


class Offer(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Open")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Not chosen")

    public_id = PublicIdField(prefix="dof", verbose_name=_("number"))
    demand = models.ForeignKey(
        Demand,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("demand"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="demand_offers",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    quantity = models.PositiveIntegerField(_("quantity it can supply"))
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    delivery_on = models.DateField(_("delivery date"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        default=State.ACTIVE,
        db_index=True,
        verbose_name=_("state"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["unit_price_fen", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "merchant"],
                condition=Q(state="active"),
                name="demands_one_open_offer_per_merchant",
            )
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return f"{self.merchant} → {self.demand}"


class SavedSearch(models.Model):
    """A merchant's search, run against every newly published demand."""

    public_id = PublicIdField(prefix="dss", verbose_name=_("number"))
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="demand_searches",
        verbose_name=_("merchant"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("created by"),
    )
    query = models.CharField(max_length=200, verbose_name=_("query"))
    category = models.ForeignKey(
        "catalog.Category",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("category"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.query


def demand_photo_path(instance, filename: str) -> str:
    """A draft's photo is kept privately until the demand is published
    (``demands.photo_storage``); a published demand's in the public media."""
    demand = instance.demand
    prefix = DRAFT_PREFIX if demand.published_at is None else PUBLIC_PREFIX
    return f"{prefix}/{demand.public_id}/{filename}"


class DemandPhoto(models.Model):
    """A photo of what the initiator wants (at most MAX_PHOTOS per demand).

    A draft's photos are private (its initiator's and operators'); once the
    demand is published they are moved to the public media like product
    photos: the demand is public, and its photos show the goods, not the
    person (``demands.photo_storage``). A photo an operator hid after a report
    goes back to the private media, for operators only.
    """

    MAX_PHOTOS = 3

    public_id = PublicIdField(prefix="dph")
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=demand_photo_path, storage=demand_photo_storage)
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by an operator after a report: shown to no one but operators, its
    # file moved to the private media (``demands.reporting``).
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("demand photo")
        verbose_name_plural = _("demand photos")

    def __str__(self):
        return f"photo {self.public_id} of {self.demand}"
