"""Forms of the operator pages: launch a deal from demand, label a snap.

They only parse input; the deals and snap services enforce the rules and
their DomainErrors come back as form errors (``add_domain_error``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.models import Category, Merchant
from groupbuy.catalog.selectors import merchants_selling
from groupbuy.core.moments import MomentField, clean_start, start_help_text
from groupbuy.deals.services.setup import (
    MOST_BUYERS_PER_TIER,
    MOST_STOCK,
    MOST_UNITS_PER_ORDER,
)
from groupbuy.web.forms import YuanField  # the site's one price field

MAX_TIER_ROWS = 3


class DomainErrorsMixin:
    def add_domain_error(self, error) -> None:
        """Show a service's DomainError on the fields it names, else on top."""
        placed = False
        for name, messages in (error.fields or {}).items():
            target = name if name in self.fields else self.field_for_service.get(name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)

    field_for_service: dict = {}


class LaunchDealForm(DomainErrorsMixin, forms.Form):
    # Only shops that can sell the product (merchants_selling); the first in
    # the list used to be chosen for the operator, a shop with no branch too.
    merchant = forms.ModelChoiceField(
        label=_("Merchant"),
        queryset=Merchant.objects.none(),
        to_field_name="public_id",
        empty_label=_("Choose a merchant"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    list_price = YuanField(label=_("List price (¥)"))
    tier1_buyers = forms.IntegerField(
        label=_("First tier: at least this many buyers"),
        min_value=1,
        max_value=MOST_BUYERS_PER_TIER,
    )
    tier1_price = YuanField(label=_("First tier: price (¥)"))
    tier2_buyers = forms.IntegerField(
        label=_("Second tier: buyers"),
        min_value=1,
        max_value=MOST_BUYERS_PER_TIER,
        required=False,
    )
    tier2_price = YuanField(label=_("Second tier: price (¥)"), required=False)
    tier3_buyers = forms.IntegerField(
        label=_("Third tier: buyers"),
        min_value=1,
        max_value=MOST_BUYERS_PER_TIER,
        required=False,
    )
    tier3_price = YuanField(label=_("Third tier: price (¥)"), required=False)
    stock = forms.IntegerField(
        label=_("Stock (units)"), min_value=1, max_value=MOST_STOCK
    )
    max_quantity_per_order = forms.IntegerField(
        label=_("Most units per order"),
        min_value=1,
        max_value=MOST_UNITS_PER_ORDER,
        initial=5,
    )
    # Empty is now; a start that has passed is refused as on the deal forms
    # and the deal API (core.moments.start_refusal).
    starts_at = MomentField(label=_("Starts"), required=False)
    deadline_at = MomentField(label=_("Deadline"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # One per form shown (launch_initial): the form sent again (back button,
    # double click) opens the deal it opened the first time (deal_create).
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    field_for_service = {
        "list_price_fen": "list_price",
        "tiers": "tier1_price",
        "product": None,
    }

    def __init__(self, *args, product, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = start_help_text(
            timezone.get_current_timezone_name()
        )
        merchants = merchants_selling(product=product)
        field = self.fields["merchant"]
        field.queryset = merchants
        # The shop's name in the operator's language (its English name on
        # English pages), as the everyday prices above the form name it.
        field.label_from_instance = lambda merchant: merchant.display_name
        cheapest = merchants.first()
        if cheapest is None:
            field.help_text = _(
                "No merchant can sell this product yet: a merchant needs a listing "
                "of it and an active branch where buyers collect."
            )
        else:
            self.initial.setdefault("merchant", cheapest.public_id)
            field.help_text = _(
                "Merchants that list this product and have a branch to collect "
                "from, cheapest first."
            )

    def clean_starts_at(self):
        return clean_start(self.cleaned_data.get("starts_at"))

    def clean(self):
        cleaned = super().clean()
        tiers = []
        for row in range(1, MAX_TIER_ROWS + 1):
            names = (f"tier{row}_buyers", f"tier{row}_price")
            if any(name in self.errors for name in names):
                continue  # already said what is wrong with this row
            buyers, price = (cleaned.get(name) for name in names)
            if buyers is None and price is None:
                continue
            if buyers is None or price is None:
                self.add_error(
                    f"tier{row}_price",
                    _("Give both the number of buyers and the price, or neither."),
                )
                continue
            tiers.append((buyers, price))
        cleaned["tiers"] = tiers
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "merchant": data["merchant"],
            "title": data["title"],
            "list_price_fen": data["list_price"],
            "tiers": data["tiers"],
            "stock": data["stock"],
            "max_quantity_per_order": data["max_quantity_per_order"],
            "starts_at": data["starts_at"] or timezone.now(),
            "deadline_at": data["deadline_at"],
            "description": data["description"],
            "idempotency_key": data["idempotency_key"],
        }


def launch_initial(prefill: dict) -> dict:
    """Return the launch form's starting values from snap's launch prefill."""
    everyday = prefill["everyday_price_fen"]
    buyers = max(2, prefill["suggested_min_participants"])
    initial = {
        "title": prefill["title"],
        "tier1_buyers": buyers,
        "stock": max(buyers * 5, 20),
        "max_quantity_per_order": 5,
        # No start: empty is now, and a prefilled "now" would have passed by
        # the time a slow operator sends the form.
        "deadline_at": timezone.localtime(prefill["deadline_at"]),
        "idempotency_key": secrets.token_urlsafe(16),
    }
    if everyday:
        initial["list_price"] = everyday
        # A first tier 10% under the everyday price is a sensible start.
        initial["tier1_price"] = max(1, everyday * 9 // 10)
    return initial


def default_deadline():
    return timezone.localtime() + timedelta(days=7)


class LabelExistingForm(forms.Form):
    product = forms.CharField(label=_("Product"), max_length=40)


class LabelNewProductForm(DomainErrorsMixin, forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    brand = forms.CharField(label=_("Brand"), max_length=120, required=False)
    spec = forms.CharField(label=_("Specification"), max_length=120, required=False)
    gtin = forms.CharField(label=_("Barcode (GTIN)"), max_length=20, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("name_en"),
        to_field_name="public_id",
        required=False,
    )

    def product_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            key: data[key] for key in ("name_zh", "name_en", "brand", "spec", "gtin")
        }
        if data.get("category") is not None:
            fields["category"] = data["category"]
        return fields
