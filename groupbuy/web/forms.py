"""Forms for the pages. They check shape only; services enforce the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: field messages on their fields, the
    message on top unless a field already says it."""
    placed: set[str] = set()
    for name, messages in (error.fields or {}).items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, str(message))
                placed.add(str(message))
    if error.message not in placed:
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


class YuanField(forms.Field):
    """A price typed in yuan ("12.5", "¥12.50") cleaned to integer fen (1250)."""

    default_error_messages = {
        "invalid": _("Enter an amount in yuan, such as 12.50."),
        "too_precise": _("Use at most two decimals (fen)."),
        "not_positive": _("The amount must be more than 0."),
    }

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "16"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            sign = "-" if value < 0 else ""
            whole, cents = divmod(abs(value), 100)
            return f"{sign}{whole}.{cents:02d}"
        return value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 16:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        text = text.replace("¥", "").replace("￥", "").replace(",", "").strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        if not amount.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(
                self.error_messages["too_precise"], code="too_precise"
            )
        if amount <= 0:
            raise forms.ValidationError(
                self.error_messages["not_positive"], code="not_positive"
            )
        return int(amount * 100)


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
