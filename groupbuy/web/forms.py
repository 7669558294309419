"""Forms for the pages. They check shape only; services enforce the rules."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.services.users import display_name_or_error
from groupbuy.core.errors import DomainError
from groupbuy.core.moments import (
    MomentField,
    clean_start,
    start_help_text,
    zone_help_text,
)
from groupbuy.core.money import YuanSyntaxError, format_fen, parse_yuan, yuan_to_fen
from groupbuy.deals.services.setup import (
    MOST_BUYERS_PER_TIER,
    MOST_STOCK,
    MOST_UNITS_PER_ORDER,
    group_price_not_below,
)


def add_domain_error(
    form: forms.Form, error: DomainError, *, names: dict[str, str] | None = None
) -> None:
    """Show a service's refusal on the form: field messages on their fields (on
    top for fields the form lacks), the message on top unless already shown.
    ``names`` maps a service's field names to the form's where they differ
    (``unit_price_fen`` → ``unit_price``)."""
    placed: set[tuple[str | None, str]] = set()
    said = [str(m) for messages in (error.fields or {}).values() for m in messages]
    for name, messages in (error.fields or {}).items():
        name = (names or {}).get(name, name)
        target = name if name in form.fields else None
        for message in map(str, messages):
            if (target, message) not in placed:
                form.add_error(target, message)
                placed.add((target, message))
    # A refusal naming several fields says each of them in its message (the
    # sign-up form's): shown on the fields already.
    if error.message not in {message for _target, message in placed} and (
        error.message != " ".join(said)
    ):
        form.add_error(None, error.message)


class SignUpForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=User.Language.choices
    )


class LoginForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages[0]) from None


def _clean_display_name(form: forms.Form) -> str:
    """The service's check, on the form, so it is said with the form's other
    mistakes (an e-mail address the form refuses before any service runs)."""
    try:
        return display_name_or_error(form.cleaned_data.get("display_name") or "")
    except DomainError as error:
        raise forms.ValidationError(error.message) from None


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"), max_length=60, required=False
    )
    email = forms.EmailField(label=_("Email"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=User.Language.choices
    )
    contact_channel = forms.ChoiceField(
        label=_("How to notify me"),
        choices=User.ContactChannel.choices,
        help_text=_("Besides the in-app inbox, how important news reaches you."),
    )

    clean_display_name = _clean_display_name


# A number of yuan written with digits (thousands' commas, a point) only.
_DIGITS_ONLY = re.compile(r"[¥￥]?[0-9][0-9,]*(\.[0-9]*)?")


class YuanField(forms.Field):
    """A price typed in yuan ("12.5", "¥12.50", "1,299") cleaned to integer fen
    (1250). Commas only separate thousands (core.money.parse_yuan): "0,05" is
    refused, not read as ¥5."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 12.50."),
        "misplaced_comma": _(
            "Write fen after a point and commas only between thousands, "
            "such as 1,234.50."
        ),
        "too_precise": _("Use at most two decimals (fen)."),
        "not_positive": _("The amount must be more than 0."),
        "too_large": _("This amount is too large."),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "16"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_fen(value, symbol="", grouping=False)
        return value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 16:
            code = "too_large" if _DIGITS_ONLY.fullmatch(text) else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code)
        try:
            amount = parse_yuan(text)  # no exponent, NaN nor infinity
        except YuanSyntaxError as error:
            raise forms.ValidationError(
                self.error_messages[error.code], code=error.code
            ) from None
        # Under a trillion yuan (16 characters allow no more, but the field's
        # limit may be raised).
        if abs(amount) >= Decimal(10) ** 12:
            # A number, but past any amount (it was "Enter an amount in yuan").
            raise forms.ValidationError(
                self.error_messages["too_large"], code="too_large"
            )
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                self.error_messages["too_precise"], code="too_precise"
            )
        if amount <= 0:
            raise forms.ValidationError(
                self.error_messages["not_positive"], code="not_positive"
            )
        return yuan_to_fen(amount)


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


class DealFilterForm(forms.Form):
    """The deal list's search box, category filter and shared location."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lng") is None):
            cleaned["lat"] = cleaned["lng"] = None
        return cleaned


class JoinForm(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(
            attrs={
                "id": "join-quantity",
                "inputmode": "numeric",
                "aria-describedby": "join-units-left",
            }
        ),
    )
    # Only where the merchant has several branches (see __init__).
    pickup_branch = forms.ChoiceField(
        label=_("Pick up at"),
        widget=forms.Select(attrs={"id": "join-pickup-branch"}),
        error_messages={
            "required": _("Choose the branch you will pick it up at."),
            # Only open branches are choices: another was offered by a page
            # loaded before it closed.
            "invalid_choice": _(
                "This branch has closed since the page was opened: choose another."
            ),
        },
    )

    def __init__(
        self,
        *args,
        max_quantity: int = 99,
        units_left: int | None = None,
        branches=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].max_value = max_quantity
        # The stepper stops at what this buyer may take now; a larger number
        # still reaches the service, which says why it is refused.
        self.fields["quantity"].widget.attrs["max"] = max(
            1, min(max_quantity, units_left if units_left is not None else max_quantity)
        )
        self.fields["quantity"].validators.append(MaxValueValidator(max_quantity))
        self.branches = {branch.public_id: branch for branch in branches}
        if len(self.branches) < 2:
            # One branch (or none): nothing to choose; the view takes the one.
            del self.fields["pickup_branch"]
        else:
            self.fields["pickup_branch"].choices = [
                ("", _("Choose a branch")),
                *(
                    (branch.public_id, _pickup_choice_label(branch))
                    for branch in branches
                ),
            ]

    def add_error(self, field, error):
        # The quantity names its own description (the units left), so Django
        # does not add its error's id: a screen reader would read the field
        # without the reason it was refused (the list is #join-quantity-errors,
        # deals/detail.html), whether the form or the service refused it.
        super().add_error(field, error)
        if "quantity" in self._errors:
            self.fields["quantity"].widget.attrs["aria-describedby"] = (
                "join-units-left join-quantity-errors"
            )

    def chosen_branch(self):
        """Return the branch to collect from: the chosen one, or the only one."""
        if "pickup_branch" in self.fields:
            return self.branches[self.cleaned_data["pickup_branch"]]
        return next(iter(self.branches.values()), None)


def _pickup_choice_label(branch) -> str:
    """Name the branch as the reader reads it, where it is and when it opens."""
    parts = [branch.display_name, branch.address, branch.hours_summary]
    return " · ".join(part for part in parts if part)


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
