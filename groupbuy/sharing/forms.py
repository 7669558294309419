from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.sharing.contacts import typed_numbers_split


class ShareForm(forms.Form):
    recipients = forms.CharField(
        label=_("Phone numbers or email addresses"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "139 0000 0000"}),
        required=False,
        help_text=_("One or more, separated by commas or new lines."),
    )
    member_ids = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    voice_note = forms.FileField(
        label=_("Voice note (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )

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
