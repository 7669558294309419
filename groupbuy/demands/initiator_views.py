"""What the initiator of a demand does on its page besides publishing and
cancelling: move its deadline, add and remove its photos."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.demands import selectors, services
from groupbuy.demands.forms import DeadlineForm, PhotoForm
from groupbuy.web.views.common import domain_errors_as_http


def _refusal_or_raise(request, error: DomainError, demand_id: str):
    if error.status in (403, 404):
        raise error
    messages.error(request, error.message)
    return redirect("demands:detail", demand_id)


@login_required
@require_POST
@domain_errors_as_http
def demand_deadline(request, demand_id: str):
    demand = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new deadline as a date and time."))
        return redirect("demands:detail", demand_id)
    try:
        services.demand_change_deadline(
            actor=request.user, demand=demand, deadline_at=form.cleaned_data["deadline"]
        )
    except DomainError as error:
        return _refusal_or_raise(request, error, demand_id)
    messages.success(
        request,
        _("The deadline is moved; everyone who joined or made an offer is told."),
    )
    return redirect("demands:detail", demand_id)


@login_required
@require_POST
@domain_errors_as_http
def demand_photo_add(request, demand_id: str):
    demand = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a photo to upload."))
        return redirect("demands:detail", demand_id)
    try:
        services.demand_photo_add(
            actor=request.user, demand=demand, upload=form.cleaned_data["photo"]
        )
    except DomainError as error:
        return _refusal_or_raise(request, error, demand_id)
    messages.success(request, _("Photo added."))
    return redirect("demands:detail", demand_id)


@login_required
@require_POST
@domain_errors_as_http
def demand_photo_delete(request, demand_id: str, photo_id: str):
    demand = selectors.demand_get_for_user(user=request.user, demand_id=demand_id)
    services.demand_photo_delete(actor=request.user, demand=demand, photo_id=photo_id)
    messages.success(request, _("Photo removed."))
    return redirect("demands:detail", demand_id)
