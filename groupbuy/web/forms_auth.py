"""Forms of the sign-up, password and API-token pages (shape only)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def _phone_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Phone number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9]*",
            }
        ),
    )


class PasswordResetForm(forms.Form):
    phone = _phone_field()


class PhoneChangeForm(forms.Form):
    new_phone = _phone_field(label=_("New phone number"))
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("So that nobody else using this device can move your account."),
    )


class PasswordCodeForm(CodeForm):
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )


def _lifetimes() -> list[tuple[int, str]]:
    longest = settings.GROUPBUY_API_TOKEN_DAYS
    days = sorted({day for day in (7, 30, longest) if day <= longest})
    return [(day, _("%(days)d days") % {"days": day}) for day in days]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("Where you use it, e.g. “my shop script”."),
    )
    days = forms.TypedChoiceField(label=_("Expires after"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].choices = _lifetimes()
        self.fields["days"].initial = settings.GROUPBUY_API_TOKEN_DAYS
