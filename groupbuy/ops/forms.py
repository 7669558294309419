"""Forms of ops' pages. They check shape only; the services enforce the rules."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.ops.shop_applications import (
    ADDRESS_MAX_CHARS,
    NAME_MAX_CHARS,
    NOTE_MAX_CHARS,
    REASON_MAX_CHARS,
    SELLS_MAX_CHARS,
)
from groupbuy.ops.shop_switching import (
    REASON_MAX_LENGTH as SWITCH_OFF_REASON_MAX_LENGTH,
)


class ShopApplicationForm(forms.Form):
    name = forms.CharField(label=_("Shop name (Chinese)"), max_length=NAME_MAX_CHARS)
    name_en = forms.CharField(
        label=_("Shop name in English"), max_length=NAME_MAX_CHARS, required=False
    )
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=32,
        required=False,
        help_text=_("Leave empty to be reached at your own number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    branch_address = forms.CharField(
        label=_("Address of your first branch"), max_length=ADDRESS_MAX_CHARS
    )
    sells = forms.CharField(
        label=_("What you sell"),
        max_length=SELLS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("A note for the operators"),
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # One per form shown: the form sent twice (a double tap, the back button)
    # answers the application the first made (shop_application_submit).
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(16)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"),
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SwitchOffForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the shop switched off? (its owners read it)"),
        max_length=SWITCH_OFF_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ErasureConfirmForm(forms.Form):
    """The password again before an account is put on the way to deletion, as
    moving it to another number asks (accounts.reauth counts wrong ones)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("So that nobody else using this device can delete your account."),
    )
