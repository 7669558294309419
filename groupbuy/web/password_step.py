"""The password step of a page whose change needs the person's password
confirmed recently (``accounts.reauth``: creating an API token, changing where a
shop's payouts go, an operator's one-off payout).

While the session's window is open the page shows no such step; otherwise its
form gains a ``password`` field, checked before the change is asked for.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.reauth import reauthenticate, recent_authentication
from groupbuy.core.errors import DomainError
from groupbuy.web.forms import add_domain_error


def password_step_add(
    form: forms.Form, *, request: HttpRequest, required: bool
) -> None:
    """Add the password field to ``form`` unless the session's window is open.

    ``required``: whether every change of the form needs it (a token), or only
    some (a payout schedule needs it when where the money goes changes)."""
    if recent_authentication(request).is_recent():
        return
    form.fields["password"] = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        required=required,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_(
            "So that nobody else using this device can do this. You will not be "
            "asked again for a few minutes."
        ),
    )


def password_step_confirm(request: HttpRequest, form: forms.Form) -> None:
    """Confirm the password typed in the step, if any (raises AccountError)."""
    password = form.cleaned_data.get("password")
    if password:
        reauthenticate(request, password=password)


def password_step_refusal(
    request: HttpRequest, form: forms.Form, error: DomainError
) -> None:
    """Show a refusal on the form; one asking for the password, on its field.

    A refusal for another reason after the password was accepted drops the
    step: the window is open now, and the step shown again, empty, read as
    the password being the problem and buried the real reason."""
    if error.code == "reauthentication_required" and "password" in form.fields:
        form.add_error("password", error.message)
        return
    if recent_authentication(request).is_recent():
        form.fields.pop("password", None)
    add_domain_error(form, error)
