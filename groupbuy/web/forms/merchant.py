"""The merchant console's forms: products, listings and group buys."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.moments import (
    MomentField,
    clean_start,
    start_help_text,
    zone_help_text,
)
from groupbuy.deals.services.setup import (
    MOST_BUYERS_PER_TIER,
    MOST_STOCK,
    MOST_UNITS_PER_ORDER,
    group_price_not_below,
)
from groupbuy.web.forms.money import YuanField


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class ListingCreateForm(forms.Form):
    price_fen = YuanField(
        label=_("Everyday price (¥)"),
        help_text=_("What the product costs in your shop without a group buy."),
    )


class ListingEditForm(forms.Form):
    price_fen = YuanField(label=_("Everyday price (¥)"))
    is_active = forms.BooleanField(label=_("On sale"), required=False)


TIER_ROWS = 5


class DealForm(forms.Form):
    """A merchant's group buy: product, prices by tier, stock and timing.

    Tiers are up to TIER_ROWS rows of (buyers, price); empty rows are ignored.
    """

    product = forms.ChoiceField(label=_("Product"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    list_price_fen = YuanField(label=_("List price (¥)"))
    stock = forms.IntegerField(
        label=_("Stock (units)"), min_value=1, max_value=MOST_STOCK
    )
    max_quantity_per_order = forms.IntegerField(
        label=_("Most units per order"),
        min_value=1,
        max_value=MOST_UNITS_PER_ORDER,
        initial=5,
    )
    # Empty is now: a start filled in with the time the page was loaded would
    # have passed by the time the form is sent.
    starts_at = MomentField(label=_("Starts at"), required=False)
    deadline_at = MomentField(label=_("Deadline"))
    # One per new-deal form shown (merchant_deal_create): the form sent again
    # (back button, double click, a retry after a timeout) answers the draft
    # the first one saved (deal_create) instead of saving a second.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )
    settlement_mode = forms.ChoiceField(
        label=_("When you are paid"),
        choices=[
            ("on_close", _("Pay me when the deal closes")),
            ("on_redemption", _("Pay me as coupons are redeemed")),
        ],
        initial="on_close",
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "When the deal closes: the whole amount, less the fee, as soon as the "
            "group buy succeeds. As coupons are redeemed: each buyer's share when "
            "they use their coupon in your shop."
        ),
    )

    def __init__(self, *args, products=(), stored_starts_at=None, **kwargs):
        """``stored_starts_at`` is the edited deal's start, accepted unchanged
        even once it has passed."""
        super().__init__(*args, **kwargs)
        self.stored_starts_at = stored_starts_at
        self.fields["product"].choices = [("", _("Choose a product")), *products]
        zone = timezone.get_current_timezone_name()
        self.fields["starts_at"].help_text = start_help_text(zone)
        self.fields["deadline_at"].help_text = zone_help_text(zone)
        for row in range(1, TIER_ROWS + 1):
            required = row == 1
            self.fields[f"tier_{row}_buyers"] = forms.IntegerField(
                label=_("Tier %(n)s: at least this many buyers") % {"n": row},
                min_value=1,
                max_value=MOST_BUYERS_PER_TIER,
                required=required,
            )
            self.fields[f"tier_{row}_price"] = YuanField(
                label=_("Tier %(n)s: price (¥)") % {"n": row}, required=required
            )

    def clean_settlement_mode(self) -> str:
        return self.cleaned_data.get("settlement_mode") or "on_close"

    def clean_starts_at(self):
        starts_at = self.cleaned_data.get("starts_at")
        return clean_start(starts_at, stored=self.stored_starts_at)

    def tier_rows(self) -> list[tuple]:
        """Return the (buyers field, price field) pairs, for the template."""
        return [
            (self[f"tier_{row}_buyers"], self[f"tier_{row}_price"])
            for row in range(1, TIER_ROWS + 1)
        ]

    def main_fields(self) -> list:
        return [self[name] for name in self.fields if not name.startswith("tier_")]

    def clean(self):
        cleaned = super().clean()
        tiers = []
        for row in range(1, TIER_ROWS + 1):
            names = (f"tier_{row}_buyers", f"tier_{row}_price")
            if any(name in self.errors for name in names):
                continue  # already said what is wrong with this row
            buyers, price = (cleaned.get(name) for name in names)
            if buyers is None and price is None:
                continue
            if buyers is None or price is None:
                self.add_error(
                    f"tier_{row}_price" if price is None else f"tier_{row}_buyers",
                    _("Give both the number of buyers and the price."),
                )
                continue
            tiers.append((buyers, price))
            list_price_fen = cleaned.get("list_price_fen")
            if list_price_fen is not None and price >= list_price_fen:
                # The service refuses it too, on all the tiers: here it is said
                # on the row to change.
                self.add_error(
                    f"tier_{row}_price", group_price_not_below(list_price_fen)
                )
        cleaned["tiers"] = tiers
        return cleaned

    def service_arguments(self) -> dict:
        """Return the deal_create / deal_update keyword arguments (no product)."""
        data = self.cleaned_data
        names = (
            "title",
            "description",
            "list_price_fen",
            "stock",
            "max_quantity_per_order",
            "starts_at",
            "deadline_at",
            "tiers",
            "settlement_mode",
        )
        arguments = {name: data[name] for name in names}
        arguments["starts_at"] = arguments["starts_at"] or timezone.now()
        return arguments

    @classmethod
    def initial_for(cls, deal) -> dict:
        initial = {
            "product": deal.product.public_id,
            "title": deal.title,
            "description": deal.description,
            "list_price_fen": deal.list_price_fen,
            "stock": deal.stock,
            "max_quantity_per_order": deal.max_quantity_per_order,
            "starts_at": timezone.localtime(deal.starts_at),
            "deadline_at": timezone.localtime(deal.deadline_at),
            "settlement_mode": deal.settlement_mode,
        }
        tiers = sorted(deal.tiers.all(), key=lambda tier: tier.min_participants)
        for row, tier in enumerate(tiers[:TIER_ROWS], start=1):
            initial[f"tier_{row}_buyers"] = tier.min_participants
            initial[f"tier_{row}_price"] = tier.price_fen
        return initial
