from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.moderation.models import NOTE_MAX_CHARS, Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report it?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Anything to add (optional)"),
        max_length=NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
