from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.moments import MomentField
from groupbuy.core.money import YuanSyntaxError, parse_yuan, yuan_to_fen
from groupbuy.pooling import savings
from groupbuy.pooling.models import CartReport, Promotion
from groupbuy.pooling.services.shoppers import at_most_said
from groupbuy.web.forms import YuanField  # the site's one price field

# The most an amount or a price may be, as the API allows (savings.MAX_FEN).
MOST_YUAN = Decimal(savings.MAX_FEN) / 100


class _YuanDecimalField(forms.DecimalField):
    """Yuan as a Decimal, read as every price field reads it (YuanField,
    core.money.parse_yuan): "1e2" is not ¥100, and a comma only separates
    thousands ("1,299"; "0,05" is refused, not ¥5)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_yuan(str(value))
        except YuanSyntaxError as error:
            messages = YuanField.default_error_messages
            message = messages.get(error.code) or self.error_messages["invalid"]
            raise forms.ValidationError(message, code=error.code) from None


def _yuan(label, *, least: str = "0.01") -> forms.DecimalField:
    return _YuanDecimalField(
        label=label,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal(least),
        max_value=MOST_YUAN,
        error_messages={
            "max_value": at_most_said(),
            # Django's "Ensure this value is greater than or equal to 0.01."
            "min_value": (
                _("Enter an amount of zero or more.")
                if Decimal(least) == 0
                else _("Enter an amount above zero.")
            ),
        },
        required=False,
    )


# Django's own "Ensure this value is greater than or equal to 1." reads as a
# rule about a value; a shopper needs the limit, in the field's unit if it has
# one (as the group buy's join form, web.forms.shopping.JoinForm).
_AT_LEAST_AT_MOST = {
    "min_value": _("At least %(limit_value)s."),
    "max_value": _("At most %(limit_value)s."),
}


def _how_many(most: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=most,
        initial=1,
        required=False,
        error_messages=_AT_LEAST_AT_MOST,
    )


class PoolRequestForm(forms.Form):
    """Spend-and-save promotions pool the cart's amount; buy-n-pay-m and
    second-item ones pool a product, its price and how many (clean() asks for
    what the chosen promotion needs)."""

    promotion = forms.ChoiceField(label=_("Promotion"))
    amount = _yuan(_("My cart (¥), for spend-and-save"))
    minutes = forms.IntegerField(
        label=_("I shop within (minutes)"),
        min_value=5,
        max_value=24 * 60,
        initial=60,
        # In minutes, which the label asks for: Django's "Ensure this value is
        # greater than or equal to 5." does not say 5 of what.
        error_messages={
            "min_value": _("At least %(limit_value)s minutes."),
            "max_value": _("At most %(limit_value)s minutes."),
        },
    )
    max_group_size = forms.TypedChoiceField(
        label=_("Largest group"),
        coerce=int,
        choices=[(n, str(n)) for n in range(2, 7)],
        initial=4,
    )
    product = forms.ChoiceField(
        label=_("A product I plan to buy (others looking for it may ask to connect)"),
        required=False,
    )
    unit_price = _yuan(_("Its price (¥), for buy-n-pay-m and second-item"))
    quantity = _how_many(99)
    # Filled by "Use my location" (the browser's geolocation, locate.js), never
    # typed: raw numbers meant nothing to shoppers. The page says "Using your
    # location" instead, with a button to clear it.
    latitude = forms.DecimalField(
        label=_("Where I am: latitude (optional)"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        max_digits=9,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label=_("Where I am: longitude (optional)"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        max_digits=9,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, promotions: list[Promotion], products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = {p.public_id: p.kind for p in promotions}
        self.fields["promotion"].choices = [(p.public_id, p.title) for p in promotions]
        # Spend-and-save is what most shoppers come to pool for.
        self.fields["promotion"].initial = next(
            (p.public_id for p in promotions if p.kind == Promotion.Kind.THRESHOLD),
            None,
        )
        self.fields["product"].choices = [("", "—")] + [
            (p.public_id, p.name) for p in products
        ]

    @property
    def pools_items(self) -> bool:
        kind = self.kinds.get(self.cleaned_data.get("promotion"))
        return kind is not None and kind != Promotion.Kind.THRESHOLD

    def clean(self):
        data = super().clean()
        if "latitude" in self.errors or "longitude" in self.errors:
            # A hidden field's error would show nowhere: say it above the form.
            self.add_error(None, LOCATION_UNREADABLE)
        if "promotion" not in data:
            return data
        if not self.pools_items:
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Give your cart's amount."))
            return data
        if not data.get("product"):
            self.add_error("product", _("Pick the product this promotion is for."))
        if data.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Give the product's price."))
        if data.get("quantity") is None and "quantity" not in self.errors:
            data["quantity"] = 1
        return data

    def items(self) -> list[dict]:
        """The cart's lines: the product at its price for item promotions, or
        (unpriced) the product named for others looking for it."""
        data = self.cleaned_data
        if not data.get("product"):
            return []
        if not self.pools_items:
            return [{"product_id": data["product"], "unit_price_fen": 0, "quantity": 1}]
        return [
            {
                "product_id": data["product"],
                "unit_price_fen": yuan_to_fen(data["unit_price"]),
                "quantity": data["quantity"],
            }
        ]


LOCATION_UNREADABLE = _(
    "Your location could not be read: press “Use my location” again, or clear it."
)

PLANNED_WINDOW = timedelta(hours=2)


def default_windows(now: datetime) -> dict[str, tuple[datetime, datetime]]:
    """The window a cart report starts with, by kind: a purchase in the hour
    just past; a planned one from the next quarter hour, two hours long."""
    now = timezone.localtime(now).replace(second=0, microsecond=0)
    planned_from = now + timedelta(minutes=-now.minute % 15)
    return {
        CartReport.Kind.PURCHASE: (now - timedelta(hours=1), now),
        CartReport.Kind.INTENDED: (planned_from, planned_from + PLANNED_WINDOW),
    }


class CartReportForm(forms.Form):
    """A purchase made or a cart intended: an amount, or a product with its
    price and how many (the amount is then theirs), and when."""

    branch = forms.ChoiceField(label=_("Shop"))
    kind = forms.ChoiceField(
        label=_("This is"),
        choices=CartReport.Kind.choices,
        initial=CartReport.Kind.PURCHASE,
        widget=forms.RadioSelect,
    )
    amount = _yuan(_("Amount (¥)"))
    product = forms.ChoiceField(label=_("Or a product"), required=False)
    unit_price = _yuan(_("Its price (¥)"), least="0")
    quantity = _how_many(999)
    window_start_at = MomentField(label=_("From"))
    window_end_at = MomentField(label=_("Until"))

    def __init__(self, *args, branches=(), products=(), now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [
            (b.public_id, f"{b.merchant.display_name} · {b.display_name}")
            for b in branches
        ]
        self.fields["product"].choices = [("", "—")] + [
            (p.public_id, p.name) for p in products
        ]
        self._start_with_windows(default_windows(now or timezone.now()))

    def _start_with_windows(self, windows) -> None:
        """Start on the default kind's window; each window field also carries
        every kind's (data-default-<kind>) for cart-window.js to switch to when
        the kind changes."""
        kind = self.fields["kind"].initial
        for index, name in enumerate(("window_start_at", "window_end_at")):
            self.fields[name].initial = windows[kind][index]
            self.fields[name].widget.attrs.update(
                {
                    f"data-default-{each}": timezone.localtime(window[index]).strftime(
                        MomentField.input_format
                    )
                    for each, window in windows.items()
                }
            )

    def clean(self):
        data = super().clean()
        if data.get("product") and data.get("unit_price") is None:
            if "unit_price" not in self.errors:  # one reason at a time
                self.add_error("unit_price", _("Give the product's price."))
        elif (
            not data.get("product")
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("Give the amount, or a product."))
        return data

    def items(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("product"):
            return []
        return [
            {
                "product_id": data["product"],
                "unit_price_fen": yuan_to_fen(data["unit_price"]),
                "quantity": data.get("quantity") or 1,
            }
        ]


class ProfileForm(forms.Form):
    max_group_size = forms.TypedChoiceField(
        label=_("Largest group"), coerce=int, choices=[(n, str(n)) for n in range(2, 7)]
    )
    max_walk_m = forms.IntegerField(
        label=_("How far I will walk (m)"),
        min_value=0,
        max_value=50_000,
        error_messages={
            "min_value": _("At least %(limit_value)s metres."),
            "max_value": _("At most %(limit_value)s metres."),
        },
    )
    is_discoverable = forms.BooleanField(
        label=_("Others planning the same purchase may find me"), required=False
    )
    is_invitable = forms.BooleanField(
        label=_("Invite me when someone asks to pool at a shop where I reported carts"),
        required=False,
    )


class PromotionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Promotion.Kind.choices)
    tiers = forms.CharField(
        label=_("Tiers (spend-save in yuan)"),
        required=False,
        help_text=_("For example: 200-20, 300-50, 500-100"),
    )
    # The API's limits (schemas.PromotionIn): a larger n is a typing mistake.
    buy_n = forms.IntegerField(
        label=_("Buy n"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages=_AT_LEAST_AT_MOST,
    )
    pay_m = forms.IntegerField(
        label=_("Pay m"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages=_AT_LEAST_AT_MOST,
    )
    second_item_percent = forms.IntegerField(
        label=_("Second item costs (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": _("Between 0 and 100 percent."),
            "max_value": _("Between 0 and 100 percent."),
        },
    )
    days = forms.IntegerField(
        label=_("Runs for (days)"),
        min_value=1,
        max_value=savings.MAX_PROMOTION_DAYS,
        initial=7,
        error_messages={
            "min_value": _("Run it for at least one day."),
            "max_value": _("Run it for at most %(limit_value)s days."),
        },
    )
    # A new key each time the form is shown: sent twice (a double click, back
    # and resend), it publishes once (services.promotion_publish).
    client_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=64
    )

    def __init__(self, *args, branches, whole_merchant=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_key"].initial = uuid.uuid4().hex
        # Only those who may publish for every branch get "All branches"
        # (pooling/selectors/publishing.py); a cashier picks their own.
        everywhere = [("", _("All branches"))] if whole_merchant else []
        self.fields["branch"].required = not whole_merchant
        self.fields["branch"].choices = everywhere + [
            (branch.public_id, branch.display_name) for branch in branches
        ]

    def clean_tiers(self) -> list[tuple[int, int]]:
        """Each "spend-save" pair in fen, each amount read as every price field
        reads one (YuanField): "20.555" is refused, not rounded to 20.56."""
        tiers = []
        for part in (
            (self.cleaned_data.get("tiers") or "").replace("，", ",").split(",")
        ):
            if not part.strip():
                continue
            amounts = part.split("-")
            if len(amounts) != 2:
                raise forms.ValidationError(TIERS_AS_WRITTEN)
            tiers.append(tuple(_tier_amount(amount) for amount in amounts))
        return tiers


TIERS_AS_WRITTEN = _("Write tiers as spend-save, e.g. 300-50.")


def _tier_amount(text: str) -> int:
    try:
        return YuanField().clean(text)
    except forms.ValidationError as error:
        # Too many decimals, or nothing: said as the price fields say it.
        if error.code in ("too_precise", "not_positive"):
            raise
        raise forms.ValidationError(TIERS_AS_WRITTEN) from None


BUYING_BEFORE_AHEAD = timedelta(days=7)


class BuyersForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    before = forms.DateField(
        label=_("Buying before"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.public_id, p.name) for p in products]
        # A week ahead, the window most shoppers ask about: an empty date box
        # reads as broken on a phone.
        self.fields["before"].initial = timezone.localdate() + BUYING_BEFORE_AHEAD
