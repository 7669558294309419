from django import forms
from django.utils.translation import gettext_lazy as _


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=_("Coupon code"),
        max_length=2000,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "id": "redeem-code",
                "placeholder": "GB1:…",
            }
        ),
        help_text=_("Scan with a USB scanner, type or paste the code."),
        error_messages={
            "max_length": _(
                "This is not a coupon code: it is far longer than any coupon code."
            )
        },
    )
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    quantity = forms.IntegerField(
        label=_("Units (empty: all left)"), required=False, min_value=1
    )

    def __init__(self, *args, branches=(), any_branch=True, **kwargs):
        super().__init__(*args, **kwargs)
        # No "—" for a cashier limited to one branch: they redeem there.
        self.fields["branch"].choices = [("", "—")] if any_branch else []
        self.fields["branch"].choices += [
            (branch.public_id, branch.name) for branch in branches
        ]


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo of the code"))


class BatchForm(forms.Form):
    batch = forms.FileField(label=_("Batch file from the station"))
