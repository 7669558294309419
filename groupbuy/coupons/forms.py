from datetime import date

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groupbuy.core.days import FIRST_DAY, LAST_DAY, validate_day
from groupbuy.core.i18n import join_sentences, label_colon
from groupbuy.coupons.errors import CouponError


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
    # Empty means one unit, not all that are left: a cashier scanning a 5-unit
    # coupon for a shopper who wants one must not take all five unasked.
    quantity = forms.IntegerField(
        label=_("Units (empty: 1)"), required=False, min_value=1
    )

    def __init__(self, *args, branches=(), any_branch=True, **kwargs):
        super().__init__(*args, **kwargs)
        branches = list(branches)
        field = self.fields["branch"]
        choices = [
            (branch.public_id, f"{branch.display_name} · {branch.address}")
            for branch in branches
        ]
        if len(branches) == 1:
            # The shop's only branch, or the one a cashier is limited to:
            # chosen already, with nothing else to choose.
            self.initial["branch"] = branches[0].public_id
        elif len(branches) > 1 and any_branch:
            # Several to choose from: the statement says where a coupon was
            # used, so the cashier says which branch they are at.
            field.required = True
            field.error_messages["required"] = _("Choose the branch you are at.")
            choices.insert(0, ("", _("Choose the branch you are at")))
        field.choices = choices


class PhotoForm(forms.Form):
    photo = forms.ImageField(label=_("Photo of the code"))


class BatchForm(forms.Form):
    batch = forms.FileField(label=_("Batch file from the station"))


def _day_field(label) -> forms.DateField:
    # ISO days only (what the page's date inputs send, and the API reads): a
    # day typed in another order is refused on its field, never guessed at.
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_day],
        error_messages={
            "invalid": _("Enter a day that exists, as YYYY-MM-DD (2026-11-30).")
        },
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "min": FIRST_DAY.isoformat(),
                "max": LAST_DAY.isoformat(),
            },
            format="%Y-%m-%d",
        ),
    )


class StatementPeriodForm(forms.Form):
    """The settlement statement's days (``statements.statement_period`` fills
    in the one left empty), as the page and the API read them."""

    start = _day_field(_("From"))
    end = _day_field(_("To"))

    def asked_days(
        self, *, as_parameters: bool = False
    ) -> tuple[date | None, date | None]:
        """Return the start and the end asked for (None for one left empty).

        A day that cannot be read is refused (CouponError invalid_date, on
        its field) rather than replaced by a default: the page names the field
        by its label and quotes what was typed; the API (``as_parameters``)
        names it as its query parameter, as it names any refused value."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        fields = {name: list(map(str, errors)) for name, errors in self.errors.items()}
        if as_parameters:
            message = join_sentences(
                f"{name}{label_colon()}{join_sentences(errors)}"
                for name, errors in fields.items()
            )
        else:
            reasons = [
                gettext("%(field)s “%(value)s”: %(reason)s")
                % {
                    "field": self.fields[name].label,
                    "value": self.data.get(name, ""),
                    "reason": join_sentences(errors),
                }
                for name, errors in fields.items()
            ]
            message = gettext("The days asked for could not be read. %(reasons)s") % {
                "reasons": join_sentences(reasons)
            }
        raise CouponError("invalid_date", message, fields=fields)


class OperatorCouponRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the coupon revoked? (kept in the audit log)"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
