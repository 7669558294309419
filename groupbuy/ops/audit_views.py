"""The operators' audit trail page (/operator/audit/): every audit entry,
newest first, filtered; the API has the same (``api_operator.audit``)."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from groupbuy.core.days import validate_day
from groupbuy.core.pagination import PageResult
from groupbuy.core.plugins import audit_action_groups
from groupbuy.ops.audit_trail import (
    AuditFilters,
    audit_entries_for_operator,
    audit_rows,
    object_types,
)
from groupbuy.ops.errors import OpsError
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import page_number
from groupbuy.web.views.operator import operator_required

GROUP_CHOICE = "app:"  # the value choosing every action an app labels


def action_choices() -> list:
    """Return the labelled actions, grouped by the app that writes them, each
    group led by the choice of all of them; labels in the reader's language."""
    choices: list = [("", _("Any action"))]
    for app_label, app_name, labels in audit_action_groups():
        every = _("Every action in %(app)s") % {"app": app_name}
        options = sorted((str(label), code) for code, label in labels.items())
        choices.append(
            (
                app_name,
                [(GROUP_CHOICE + app_label, every)]
                + [(code, label) for label, code in options],
            )
        )
    return choices


def chosen_actions(value: str) -> tuple[str, ...]:
    """Return the codes a choice of ``action_choices`` stands for."""
    if not value.startswith(GROUP_CHOICE):
        return (value,) if value else ()
    app_label = value.removeprefix(GROUP_CHOICE)
    groups = {label: codes for label, _name, codes in audit_action_groups()}
    return tuple(groups.get(app_label, ()))


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(
        label=_("By (phone or person's number)"), max_length=40, required=False
    )
    object_type = forms.ChoiceField(label=_("Kind of object"), required=False)
    object_id = forms.CharField(
        label=_("Object's number"), max_length=60, required=False
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_day],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_day],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()
        kinds = sorted(object_types().items())
        self.fields["object_type"].choices = [
            ("", _("Any kind")),
            *((value, f"{label} ({value})") for value, label in kinds),
        ]


def _filters(cleaned: dict) -> AuditFilters:
    # The page's action is a choice of exact codes; the API's is a prefix.
    actions = chosen_actions(cleaned["action"])
    return AuditFilters(**{**cleaned, "action": "", "actions": actions})


def _no_entries() -> PageResult:
    return PageResult(items=[], page=1, page_size=1, total=0)


@operator_required
def operator_audit(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    entries = _no_entries()
    if form.is_valid():
        try:
            entries = audit_entries_for_operator(
                user=request.user,
                filters=_filters(form.cleaned_data),
                page=page_number(request),
            )
        except OpsError as error:
            add_domain_error(form, error)
    status = 400 if form.errors else 200
    rows = audit_rows(entries.items)
    for row in rows:
        row["data_text"] = json.dumps(
            row["data"], ensure_ascii=False, indent=1, sort_keys=True, default=str
        )
    context = {"form": form, "entries": entries, "rows": rows}
    return render(request, "ops/operator_audit.html", context, status=status)
