"""The payout forms: the operator's payout and the owner's daily payout. They
check shape only; ``payouts`` enforces the rules (the payable covers the amount,
the provider can pay merchants, an account is named)."""

from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from groupbuy.core.redaction import mask_account
from groupbuy.escrow.providers import SANDBOX, provider_label
from groupbuy.escrow.providers.sandbox import REFUSED_PAYEE_ACCOUNT
from groupbuy.web.forms import YuanField


class _PayeeForm(forms.Form):
    """Where the money goes: a provider that can pay merchants, and its account."""

    provider = forms.ChoiceField(label=_("Pay by"), choices=())
    payee_account = forms.CharField(
        label=_("Account (Alipay login, or WeChat openid)"), max_length=100
    )
    payee_name = forms.CharField(
        label=_("Account holder's name"), max_length=100, required=False
    )

    def __init__(self, *args, providers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Named for people ("Alipay", 支付宝), sent as the provider's code.
        self.fields["provider"].choices = [
            (name, provider_label(name)) for name in providers
        ]
        if SANDBOX in providers:  # the demo's and test installations' case
            self.fields["payee_account"].help_text = _(
                "With the sandbox (test payment) any account is paid at once and no "
                "money moves; %(refused)s is refused, to try a failed payout."
            ) % {"refused": REFUSED_PAYEE_ACCOUNT}


class PayoutForm(_PayeeForm):
    field_order = ["merchant", "amount_fen"]

    merchant = forms.CharField(
        label=_("Merchant id"),
        max_length=40,
        help_text=_(
            "Choose “Pay out” beside a merchant above, or type its id (mer_…)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    # Named after the service's field, so its refusals land on this input.
    amount_fen = YuanField(label=_("Amount (¥)"))
    # One per form shown (the view's GET): the form sent again (a second
    # click, the back button, two tabs) returns the payout it made the first
    # time instead of paying twice (payout_create), as the deal launch form does.
    idempotency_key = forms.CharField(
        max_length=64, required=False, widget=forms.HiddenInput
    )


def payout_form_key() -> str:
    """A new one-time key for a payout form shown."""
    return secrets.token_urlsafe(16)


class PayoutScheduleForm(_PayeeForm):
    """The merchant owner's daily payout: where, and from what balance."""

    field_order = ["enabled"]

    enabled = forms.BooleanField(label=_("Pay out every day"), required=False)
    # Needed only while the daily payout is on: the service says so.
    payee_account = forms.CharField(
        label=_("Account (Alipay login, or WeChat openid)"),
        max_length=100,
        required=False,
    )
    # Named after the service's field, so its refusals land on this input.
    minimum_fen = YuanField(label=_("Minimum (yuan)"))

    def __init__(
        self,
        *args,
        providers: list[str],
        schedule=None,
        account_in_full: bool = True,
        **kwargs,
    ):
        if schedule is None:
            initial = {"enabled": True, "minimum_fen": 10_000}
        else:
            initial = {
                "enabled": schedule.enabled,
                "provider": schedule.provider,
                "payee_account": schedule.payee_account,
                "payee_name": schedule.payee_name,
                "minimum_fen": schedule.minimum_fen,
            }
        # Someone who may change the schedule but not read the shop's own
        # account (an operator) sees it masked and leaves the field empty to
        # keep it (``kept_payee_account``).
        self.kept_account = ""
        if schedule is not None and not account_in_full:
            self.kept_account = schedule.payee_account
            initial["payee_account"] = ""
        super().__init__(*args, providers=providers, initial=initial, **kwargs)
        if self.kept_account:
            self.fields["payee_account"].help_text = _(
                "Now %(account)s. Leave this empty to keep it."
            ) % {"account": mask_account(self.kept_account)}

    def kept_payee_account(self) -> str:
        """The account to save: the one typed, else the one kept."""
        return self.cleaned_data["payee_account"] or self.kept_account
