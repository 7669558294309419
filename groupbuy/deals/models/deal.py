"""A group-buy deal and its price tiers (see the package's docstring for the
deal's life)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.pinyin import key_fields, name_keys, with_derived_keys
from groupbuy.core.ids import PublicIdField

# An open deal before its start: not a stored state (it becomes "open" by the
# clock alone), but its ``shown_state``, what the merchant console, the API and
# shared cards call it.
SCHEDULED = "scheduled"
SCHEDULED_LABEL = _("Scheduled")
# Where ``Deal.remember_kept_outcome`` keeps a keeper's answer on the instance.
_REMEMBERED_OUTCOME = "_remembered_kept_outcome"


class Deal(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        SETTLED = "settled", _("Settled")

    class SettlementMode(models.TextChoices):
        # The merchant's payable gets the charge when the deal settles.
        ON_CLOSE = "on_close", _("Pay the merchant when the deal closes")
        # The charge waits in the merchant's pending account; each coupon
        # redemption moves its share to payable (escrow_settle_redemption).
        ON_REDEMPTION = "on_redemption", _("Pay the merchant on each redemption")

    class StoppedBy(models.TextChoices):
        MERCHANT = "merchant", _("The shop")
        PLATFORM = "platform", _("The platform")

    public_id = PublicIdField(prefix="deal", verbose_name=_("number"))
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("product"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    list_price_fen = models.PositiveIntegerField(_("list price (fen)"))
    stock = models.PositiveIntegerField(_("stock (units)"))
    sold = models.PositiveIntegerField(_("units reserved"), default=0)
    # Live orders (awaiting payment, paid, confirmed): the buyers who may still
    # count toward the first tier. Moves with ``sold`` in the same UPDATE.
    buyers = models.PositiveIntegerField(_("live orders"), default=0)
    max_quantity_per_order = models.PositiveIntegerField(
        _("most units per order"), default=5
    )
    starts_at = models.DateTimeField(_("starts at"))
    deadline_at = models.DateTimeField(_("deadline"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=State.choices,
        default=State.DRAFT,
        db_index=True,
    )
    final_price_fen = models.PositiveIntegerField(
        _("final price (fen)"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    # Who stopped the deal as failed before its deadline ("" if nobody did), and
    # why in their own words: what its shoppers are told and their orders say.
    # db_default: code of the release before still inserts deals during a
    # rolling deploy without naming these columns (docs/deployment.md).
    stopped_by = models.CharField(
        _("stopped by"),
        max_length=10,
        choices=StoppedBy.choices,
        blank=True,
        default="",
        db_default="",
    )
    stop_reason = models.CharField(
        _("why stopped"), max_length=200, blank=True, default="", db_default=""
    )
    settlement_mode = models.CharField(
        _("merchant paid"),
        max_length=20,
        choices=SettlementMode.choices,
        default=SettlementMode.ON_CLOSE,
    )
    # Settlement runs in batches of orders by pk; the last order handled.
    settle_cursor = models.PositiveBigIntegerField(
        default=0, verbose_name=_("settlement cursor")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # Sent by a form with the deal it creates (the operator's launch form): the
    # same form sent again (back button, double click) creates it once (a
    # constraint per creator, below; ``deal_create``'s ``idempotency_key``).
    # "" is no key, in the database too: a row inserted by code that does not
    # know the column (the old release during a rolling deploy) has none.
    idempotency_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("idempotency key"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    # Pinyin of the title and its initials, for "duanwu" or "dwzzt" (端午粽子团;
    # catalog.pinyin); written by save().
    search_pinyin, search_initials = key_fields(pinyin_length=1400, initials_length=200)

    class Meta:
        ordering = ["deadline_at", "id"]
        indexes = [models.Index(fields=["state", "deadline_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(sold__lte=F("stock")), name="deals_never_oversold"
            ),
            models.CheckConstraint(
                condition=Q(stock__gte=1), name="deals_stock_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(deadline_at__gt=F("starts_at")),
                name="deals_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_quantity_per_order__gte=1),
                name="deals_order_limit_at_least_one",
            ),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="deals_deal_idempotency_key_once",
            ),
        ]
        verbose_name = _("group buy")
        verbose_name_plural = _("group buys")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = with_derived_keys(
            kwargs.get("update_fields"), sources=("title",)
        )
        # Not read again for the saves of closing and settling, which name
        # their fields and not the title.
        if update_fields is None or "title" in update_fields:
            self.search_pinyin, self.search_initials = name_keys(self.title)
        kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    @property
    def product_name_beside_title(self) -> str:
        """Return the product's name in the reader's language where the title
        does not already say it, else "": a title is written in one language (a
        Chinese title on an English page), the product's name is in the reader's."""
        name = self.product.name
        return "" if name.casefold() in self.title.casefold() else name

    @property
    def units_left(self) -> int:
        return max(0, self.stock - self.sold)

    @property
    def has_failed(self) -> bool:
        """Return whether the deal closed below its first tier (failed or, once
        everyone is refunded, settled with no final price)."""
        return self._has_failed(self.kept_outcome)

    def _has_failed(self, outcome) -> bool:
        """``has_failed``, ``outcome`` being the deal's ``kept_outcome``."""
        closed = self.state in (self.State.FAILED, self.State.SETTLED)
        if not (closed and self.final_price_fen is None):
            return False
        return outcome.has_failed if outcome is not None else True

    @property
    def shown_state(self) -> str:
        """The state the pages give and the merchant's lists filter on
        (``selectors.shown_state_is``): ``state``, except that an open deal
        before its start is ``scheduled`` (joining it is refused, not_started),
        a closed deal that failed is ``failed`` even once settled (everyone
        refunded; a stopped deal too), and a deal another app sold whose
        outcome is not a failure is ``succeeded`` until settled (its row closes
        "failed")."""
        if self.is_scheduled():
            return SCHEDULED
        if self.state not in (self.State.FAILED, self.State.SETTLED):
            return self.state
        if self.has_failed:
            return self.State.FAILED
        if self.state == self.State.FAILED:
            return self.State.SUCCEEDED
        return self.State.SETTLED

    @property
    def kept_outcome(self):
        """How a closed deal sold by another app (teams) ended, or None
        (``deals.order_keepers``)."""
        if self.state in (self.State.DRAFT, self.State.OPEN):
            return None
        if _REMEMBERED_OUTCOME in self.__dict__:
            return self.__dict__[_REMEMBERED_OUTCOME]
        from groupbuy.deals.order_keepers import deal_outcome

        return deal_outcome(self)

    def remember_kept_outcome(self, outcome) -> None:
        """Keep ``outcome`` as what ``kept_outcome`` says of this deal, asked of
        the keepers once for a whole list (``order_keepers.outcomes_remembered``)
        rather than once a deal shown; only for a deal read to be shown."""
        self.__dict__[_REMEMBERED_OUTCOME] = outcome

    def is_scheduled(self, *, now=None) -> bool:
        """Return whether the deal is open but has not started yet (buyers
        read "Starts in …" and cannot join before ``starts_at``)."""
        return self.state == self.State.OPEN and (now or timezone.now()) < (
            self.starts_at
        )

    @property
    def state_label(self) -> str:
        """Return the state people read: an open deal whose start is ahead
        reads scheduled; a settled failure still reads failed; a deal another
        app sold reads the outcome that app gives."""
        outcome = self.kept_outcome
        if outcome is not None:
            return outcome.label
        if self._has_failed(outcome):
            return str(self.State.FAILED.label)
        if self.is_scheduled():
            return str(SCHEDULED_LABEL)
        return str(self.get_state_display())


class DealTier(models.Model):
    """With at least ``min_participants`` paid orders, everyone pays ``price_fen``."""

    deal = models.ForeignKey(
        Deal,
        on_delete=models.CASCADE,
        related_name="tiers",
        verbose_name=_("group buy"),
    )
    min_participants = models.PositiveIntegerField(_("at least this many buyers"))
    price_fen = models.PositiveIntegerField(_("price (fen)"))

    class Meta:
        ordering = ["min_participants"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "min_participants"], name="deals_one_tier_per_size"
            ),
            models.CheckConstraint(
                condition=Q(min_participants__gte=1) & Q(price_fen__gte=1),
                name="deals_tier_positive",
            ),
        ]
        verbose_name = _("price tier")
        verbose_name_plural = _("price tiers")

    def __str__(self):
        return f"≥{self.min_participants}: {self.price_fen} fen"

    def as_dict(self) -> dict:
        return {"min_participants": self.min_participants, "price_fen": self.price_fen}
