"""Pages: a person's data (export, erasure) and the operators' erasure queue."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.reauth import password_confirm
from groupbuy.core.echo import echoed
from groupbuy.core.pagination import paginate
from groupbuy.ops import selectors, services
from groupbuy.ops.api import export_response
from groupbuy.ops.errors import OpsError
from groupbuy.ops.forms import ErasureConfirmForm
from groupbuy.ops.models import ErasureRequest
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http


@login_required
def my_data(request):
    pending = selectors.erasure_pending_for(user=request.user)
    holdings = selectors.personal_data_holdings()
    context = {
        "pending": pending,
        # Said before they press "Delete my account", which would be refused.
        "blockers": (
            [] if pending else selectors.erasure_blockers_for(user=request.user)
        ),
        "holdings": holdings,
        "grace_days": settings.GROUPBUY_ERASURE_GRACE_DAYS,
    }
    return render(request, "ops/my_data.html", context)


@login_required
def my_data_export(request):
    return export_response(request.user)


@login_required
def my_data_erasure(request):
    """Ask whether to delete the account (GET), like cancelling an order does;
    only the confirming POST, with the password, records the request."""
    if selectors.erasure_pending_for(user=request.user) is not None:
        return redirect("ops:my_data")
    form = ErasureConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_confirm(user=request.user, password=form.cleaned_data["password"])
        except AccountError as error:
            add_domain_error(form, error)
        else:
            try:
                services.erasure_request(actor=request.user)
            except OpsError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your request is recorded."))
            return redirect("ops:my_data")
    context = {
        "form": form,
        "blockers": selectors.erasure_blockers_for(user=request.user),
        "grace_days": settings.GROUPBUY_ERASURE_GRACE_DAYS,
    }
    return render(request, "ops/erasure_confirm.html", context)


@login_required
@require_POST
def my_data_erasure_cancel(request):
    pending = selectors.erasure_pending_for(user=request.user)
    if pending is not None:
        services.erasure_cancel(actor=request.user, request=pending)
        messages.success(request, _("Your request is withdrawn."))
    return redirect("ops:my_data")


def _operator_only(request) -> None:
    if not request.user.is_authenticated or not request.user.is_operator:
        raise PermissionDenied(_("Only operators can open this page."))


@login_required
def erasure_queue(request):
    _operator_only(request)
    status = request.GET.get("status") or "pending"
    if status not in selectors.ERASURE_STATUSES:
        # say so rather than list nothing, as if there were no requests
        messages.warning(
            request,
            _("There is no list “%(status)s”: here are the pending requests.")
            % {"status": echoed(status)},
        )
        return redirect(f"{reverse('ops:erasure_queue')}?status=pending")
    requests = selectors.erasure_list_for_operator(user=request.user, status=status)
    return render(
        request,
        "ops/erasure_queue.html",
        {
            "requests": paginate(requests, page=request.GET.get("page", 1)),
            "status": status,
            "statuses": ErasureRequest.Status.choices,
        },
    )


@login_required
@domain_errors_as_http
def erasure_confirm(request, request_id: str):
    """Ask the operator whether to erase the person now, naming them: the
    erasure cannot be undone, and a queue row is easy to mistake for another."""
    _operator_only(request)
    item = selectors.erasure_get_for_operator(user=request.user, request_id=request_id)
    if item.status != ErasureRequest.Status.PENDING:
        return redirect(f"{reverse('ops:erasure_queue')}?status={item.status}")
    return render(request, "ops/erasure_perform_confirm.html", {"item": item})


@login_required
@require_POST
@domain_errors_as_http
def erasure_perform(request, request_id: str):
    _operator_only(request)
    item = selectors.erasure_get_for_operator(user=request.user, request_id=request_id)
    try:
        services.erasure_perform(actor=request.user, request=item)
    except OpsError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account is erased."))
        if item.user_id == request.user.pk:
            logout(request)
    return redirect("ops:erasure_queue")
