import json
import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.sharing.contacts import typed_numbers_split

# 500 recipients with long names fit many times over.
RECIPIENT_NAMES_MAX_CHARS = 200_000


class ShareForm(forms.Form):
    recipients = forms.CharField(
        label=_("Phone numbers or email addresses"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "139 0000 0000"}),
        required=False,
        help_text=_("One or more, separated by commas or new lines."),
    )
    member_ids = forms.CharField(widget=forms.HiddenInput, required=False)
    # {number: name} for the numbers picked from the sender's contacts (the
    # page's script fills it): the names only the sender sees in the thread.
    recipient_names = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    voice_note = forms.FileField(
        label=_("Voice note (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )
    # One per compose form shown (ShareForm.new_key): the form sent again (a
    # double tap, the back button) answers the share the first one sent
    # (share_send) instead of sending a second.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    def clean_recipient_names(self) -> dict[str, str]:
        text = self.cleaned_data.get("recipient_names") or ""
        if not text:
            return {}
        unreadable = forms.ValidationError(
            _("The names of the contacts you picked could not be read.")
        )
        if len(text) > RECIPIENT_NAMES_MAX_CHARS:
            raise unreadable
        try:
            names = json.loads(text)
        except ValueError:
            raise unreadable from None
        if not isinstance(names, dict) or not all(
            isinstance(name, str) for name in names.values()
        ):
            raise unreadable
        return names

    def clean(self):
        cleaned = super().clean()
        # A hidden field's error would show nowhere: on top of the form instead.
        for message in self.errors.pop("recipient_names", []):
            self.add_error(None, message)
        return cleaned

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(16)

    def key_renew(self) -> None:
        """Give the form shown again a new one-time key: its own already sent
        another share (idempotency_key_reused), and sending it again is the
        sender's new request."""
        self.data = self.data.copy()
        self.data["idempotency_key"] = self.new_key()

    def names(self) -> dict[str, str]:
        """The sender's names for the numbers they picked, {number: name}."""
        return self.cleaned_data.get("recipient_names") or {}

    def numbers(self) -> list[str]:
        return typed_numbers_split(self.cleaned_data.get("recipients") or "")

    def members(self) -> list[str]:
        text = self.cleaned_data.get("member_ids") or ""
        return [part for part in text.split(",") if part]


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    product_id = forms.CharField(required=False, widget=forms.HiddenInput)
    client_key = forms.CharField(
        required=False, widget=forms.HiddenInput, max_length=64
    )


class BookForm(forms.Form):
    file = forms.FileField(label=_("vCard file (.vcf)"))
