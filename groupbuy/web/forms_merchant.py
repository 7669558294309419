"""Forms of the merchant console: order filters, deal actions, sales, staff and
branches. They check shape only; the services enforce the rules."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.accounts.phones import normalize_phone
from groupbuy.catalog.hours import DAYS, day_label
from groupbuy.core.days import FIRST_DAY, LAST_DAY, validate_day
from groupbuy.core.moments import MomentField
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services.refunds import REASON_MAX_LENGTH
from groupbuy.deals.services.stock import MOST_UNITS_ADDED
from groupbuy.deals.services.unit_refunds import more_than_paid_message


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        validators=[validate_day],
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "min": FIRST_DAY.isoformat(),
                "max": LAST_DAY.isoformat(),
            },
            format="%Y-%m-%d",
        ),
    )


class DateRangeForm(forms.Form):
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class OrderFilterForm(DateRangeForm):
    """The console's order list: search, deal, status and the days joined or
    paid."""

    q = forms.CharField(
        label=_("Order number or phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. +86138****1234")}
        ),
    )
    deal = forms.ChoiceField(label=_("Group buy"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    # Which day of an order From and To are: Sales counts an order on the day
    # it was paid, so "paid" gives the orders a Sales period counts.
    date_by = forms.ChoiceField(
        label=_("Days are"),
        required=False,
        choices=[
            ("joined", _("the day the order was made")),
            ("paid", _("the day it was paid (as Sales counts)")),
        ],
    )

    field_order = ["q", "deal", "status", "date_by", "date_from", "date_to"]

    def __init__(self, *args, deals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].choices = [("", _("All group buys")), *deals]
        self.fields["status"].choices = [
            ("", _("Any status")),
            *DealOrder.Status.choices,
        ]


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the buyer sees it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Out of stock")}),
    )


class RefundUnitsForm(forms.Form):
    """Some units of one order, with the reason; sent once to be confirmed
    (``confirmed`` empty: the page asks again), then with ``confirmed``."""

    units = forms.IntegerField(label=_("Units to refund"), min_value=1)
    reason = forms.CharField(
        label=_("Reason (the buyer sees it)"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Out of stock")}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # One per page shown: the confirmation sent twice refunds once.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, quantity: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.quantity = quantity
        self.fields["units"].widget.attrs["max"] = quantity
        if not self.is_bound:
            self.initial.setdefault("units", 1)
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(16))

    def clean(self):
        data = super().clean()
        # Asked before the confirmation; a confirmation is the service's to
        # check (sent twice, the second answers the first refund).
        units = data.get("units")
        if not data.get("confirmed") and units and units > self.quantity:
            self.add_error("units", more_than_paid_message(self.quantity))
        return data


class AddStockForm(forms.Form):
    units = forms.IntegerField(
        label=_("Units to add"), min_value=1, max_value=MOST_UNITS_ADDED
    )
    # One per form shown: the form sent again (a retry after a timeout, reload
    # and resend) adds its units once (deal_add_stock's idempotency_key).
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", secrets.token_urlsafe(16))


class ExtendForm(forms.Form):
    deadline_at = MomentField(label=_("New deadline"))


class StopForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX_LENGTH, required=False
    )


class StaffInviteForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MerchantMembership.Role.choices,
        initial=MerchantMembership.Role.CASHIER,
    )
    branch = forms.ChoiceField(
        label=_("Branch"),
        required=False,
        help_text=_("A cashier limited to one branch redeems coupons there only."),
    )

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].choices = [("", _("All branches")), *branches]

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class StaffRoleForm(forms.Form):
    """One staff member's role and branch, on their row of the staff page."""

    role = forms.ChoiceField(label=_("Role"), choices=MerchantMembership.Role.choices)
    branch = forms.ChoiceField(
        label=_("Branch"),
        required=False,
        help_text=_("For a cashier: where they redeem coupons."),
    )

    def __init__(self, *args, branches=(), membership=None, **kwargs):
        if membership is not None:
            kwargs.setdefault("prefix", f"role-{membership.user.public_id}")
            kwargs.setdefault(
                "initial",
                {
                    "role": membership.role,
                    "branch": membership.branch.public_id if membership.branch else "",
                },
            )
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.fields["branch"].choices = [("", _("All branches")), *branches]


def _hour_field(label) -> forms.CharField:
    # Text, not <input type="time">: that cannot say 24:00 (midnight close).
    return forms.CharField(
        label=label,
        required=False,
        max_length=5,
        widget=forms.TextInput(attrs={"placeholder": "08:00", "size": 5}),
    )


class MerchantProfileForm(forms.Form):
    """The shop's own details its owners keep: its name and English name."""

    name = forms.CharField(label=_("Shop name"), max_length=120)
    name_en = forms.CharField(
        label=_("English name"),
        max_length=120,
        required=False,
        help_text=_("Shown on English pages; leave empty to show the name."),
    )

    @classmethod
    def initial_for(cls, merchant) -> dict:
        return {"name": merchant.name, "name_en": merchant.name_en}


class BranchForm(forms.Form):
    """A branch, with its week of opening hours as seven rows of opening and
    closing times (``catalog.hours``); an empty row is a day it is closed."""

    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(
        label=_("English name"),
        max_length=120,
        required=False,
        help_text=_("Shown on English pages; leave empty to show the name."),
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in DAYS:
            self.fields[f"opens_{day}"] = _hour_field(
                _("%(day)s opens") % {"day": day_label(day)}
            )
            self.fields[f"closes_{day}"] = _hour_field(
                _("%(day)s closes") % {"day": day_label(day)}
            )

    @classmethod
    def initial_for(cls, branch) -> dict:
        initial = {
            name: getattr(branch, name)
            for name in ("name", "name_en", "address", "latitude", "longitude", "phone")
        }
        for entry in branch.opening_hours:
            initial[f"opens_{entry['day']}"] = entry["opens"]
            initial[f"closes_{entry['day']}"] = entry["closes"]
        return initial

    def detail_fields(self):
        """The fields other than the hours, in order."""
        return [field for field in self if not field.name.startswith(HOUR_PREFIXES)]

    def hour_rows(self):
        """(day's name, opening field, closing field) for each day of the week."""
        return [
            (day_label(day), self[f"opens_{day}"], self[f"closes_{day}"])
            for day in DAYS
        ]

    def clean(self):
        """Turn the rows into the service's ``opening_hours`` (a half-filled row
        is passed on, for the service to say what is missing)."""
        data = super().clean()
        hours = []
        for day in DAYS:
            opens = (data.pop(f"opens_{day}", "") or "").strip()
            closes = (data.pop(f"closes_{day}", "") or "").strip()
            if opens or closes:
                hours.append({"day": day, "opens": opens, "closes": closes})
        data["opening_hours"] = hours
        return data


HOUR_PREFIXES = ("opens_", "closes_")
