"""The forms of signing up, logging in and a person's profile."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import User
from groupbuy.accounts.phones import normalize_phone
from groupbuy.accounts.services.users import display_name_or_error
from groupbuy.core.errors import DomainError


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
