"""The console form for a deal in team mode.

It only checks types (a whole number, an amount in yuan, a date); the team
rules (size 2–10, team price at most the solo price, the window inside the
sales period) are the service's, shown on their fields by ``add_domain_error``.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.core.moments import (
    MomentField,
    clean_start,
    start_help_text,
    zone_help_text,
)
from groupbuy.web.forms import YuanField


class TeamDealForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    team_size = forms.IntegerField(
        label=_("Team size (people)"), initial=2, help_text=_("From 2 to 10.")
    )
    window_hours = forms.IntegerField(
        label=_("Team window (hours)"),
        initial=24,
        help_text=_("How long a team has to fill once opened."),
    )
    team_price_fen = YuanField(label=_("Team price (¥)"))
    solo_price_fen = YuanField(label=_("Solo price (¥)"))
    stock = forms.IntegerField(label=_("Stock shared by all teams (units)"))
    limit_per_shopper = forms.IntegerField(
        label=_("Teams per shopper"),
        initial=1,
        help_text=_("How many teams of this deal one shopper may open or join."),
    )
    # Empty is now: a start filled in with the time the page was loaded would
    # have passed by the time the form is sent.
    starts_at = MomentField(label=_("Starts at"), required=False)
    ends_at = MomentField(label=_("Team buying ends"))
    # One per form shown: the form sent again (a retry after a timeout, reload
    # and resend) answers the team buy the first one opened (team_deal_create)
    # instead of opening a second one for shoppers.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("Choose a product")), *products]
        zone = timezone.get_current_timezone_name()
        self.fields["starts_at"].help_text = start_help_text(zone)
        self.fields["ends_at"].help_text = zone_help_text(zone)

    def clean_starts_at(self):
        return clean_start(self.cleaned_data.get("starts_at"))

    def service_arguments(self) -> dict:
        """The ``team_deal_create`` keyword arguments (no product)."""
        names = [name for name in self.fields if name != "product"]
        arguments = {name: self.cleaned_data[name] for name in names}
        arguments["starts_at"] = arguments["starts_at"] or timezone.now()
        return arguments

    @staticmethod
    def initial_now() -> dict:
        """The end three days out; the start is left empty (now); a new key."""
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {
            "ends_at": now + timedelta(days=3),
            "idempotency_key": secrets.token_urlsafe(16),
        }


class ExtendSalesForm(forms.Form):
    ends_at = MomentField(label=_("New end of sales"))
