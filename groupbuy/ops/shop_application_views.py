"""Pages: a person's application to open a shop, and the operators' queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.echo import echoed
from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import paginate
from groupbuy.ops import selectors
from groupbuy.ops.forms import DeclineForm, ShopApplicationForm
from groupbuy.ops.models import ShopApplication
from groupbuy.ops.shop_applications import (
    shop_application_approve,
    shop_application_decline,
    shop_application_submit,
    shop_application_view_for_operator,
    shop_application_withdraw,
)
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http


@login_required
def shop_apply(request):
    """Open a shop on groupbuy: the form, or the application still pending."""
    form = ShopApplicationForm(
        request.POST or None, initial={"idempotency_key": ShopApplicationForm.new_key()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = shop_application_submit(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
            if error.code == "idempotency_key_reused":
                # Sent again, the form is the person's new application.
                form.data = form.data.copy()
                form.data["idempotency_key"] = ShopApplicationForm.new_key()
        else:
            if not application.is_repeat:
                messages.success(request, _("Your application is sent."))
            return redirect("ops:shop_application", application.public_id)
    context = {
        "form": form,
        "pending": selectors.shop_application_pending_for(user=request.user),
        "applications": selectors.shop_application_list_for_user(user=request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "ops/shop_apply.html", context, status=status)


@login_required
def shop_application(request, application_id: str):
    application = selectors.shop_application_get_for_user(
        user=request.user, application_id=application_id
    )
    return render(request, "ops/shop_application.html", {"application": application})


@login_required
@require_POST
def shop_application_withdraw_view(request, application_id: str):
    application = selectors.shop_application_get_for_user(
        user=request.user, application_id=application_id
    )
    try:
        shop_application_withdraw(actor=request.user, application=application)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("ops:shop_application", application.public_id)


def _operator_only(request) -> None:
    if not request.user.is_operator:
        raise PermissionDenied(_("Only operators can open this page."))


@login_required
def operator_shop_applications(request):
    _operator_only(request)
    status = request.GET.get("status") or "pending"
    if status not in ShopApplication.Status.values:
        # say so rather than show another list, as if it were the one asked
        messages.warning(
            request,
            _("There is no list “%(status)s”: here are the pending applications.")
            % {"status": echoed(status)},
        )
        return redirect(f"{reverse('ops:operator_shop_applications')}?status=pending")
    applications = selectors.shop_application_list_for_operator(
        user=request.user, status=status
    )
    context = {
        "applications": paginate(applications, page=request.GET.get("page", 1)),
        "status": status,
        "statuses": ShopApplication.Status.choices,
    }
    return render(request, "ops/operator_shop_applications.html", context)


def _operator_detail(request, application, decline_form=None, status=200):
    context = {
        "application": application,
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "ops/operator_shop_application.html", context, status=status)


@login_required
@domain_errors_as_http
def operator_shop_application(request, application_id: str):
    _operator_only(request)
    application = shop_application_view_for_operator(
        actor=request.user, application_id=application_id
    )
    return _operator_detail(request, application)


@login_required
@require_POST
@domain_errors_as_http
def operator_shop_application_approve(request, application_id: str):
    _operator_only(request)
    application = selectors.shop_application_get_for_operator(
        user=request.user, application_id=application_id
    )
    try:
        shop_application_approve(actor=request.user, application=application)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The shop is open; its owner is told."))
    return redirect("ops:operator_shop_application", application.public_id)


@login_required
@require_POST
@domain_errors_as_http
def operator_shop_application_decline(request, application_id: str):
    _operator_only(request)
    application = selectors.shop_application_get_for_operator(
        user=request.user, application_id=application_id
    )
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            shop_application_decline(
                actor=request.user,
                application=application,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The application is declined."))
            return redirect("ops:operator_shop_application", application.public_id)
    return _operator_detail(request, application, decline_form=form, status=400)
