"""Pages: report an item, and the operators' queue of reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.core.pagination import paginate
from groupbuy.moderation import selectors, services
from groupbuy.moderation.forms import ReportForm
from groupbuy.moderation.models import Report
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http


@login_required
@domain_errors_as_http
def report(request, kind_path: str, item_id: str):
    """The Report form of an item someone else wrote where the person takes
    part (a thread's reply, a chat's message)."""
    item = selectors.item_for_reporter(
        user=request.user, path=kind_path, item_id=item_id
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_item(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Thank you: the platform's operators will look at it.")
            )
            return redirect(item.url)
    wording = selectors.kind_wording(item.kind)
    context = {
        "form": form,
        "wording": wording,
        # an item hidden since is the platform's notice here too
        "reported_text": wording.removed_text if item.is_hidden else item.body,
        "reported_image_url": "" if item.is_hidden else item.image_url,
        "back_url": item.url,
    }
    status = 400 if form.errors else 200
    return render(request, "moderation/report.html", context, status=status)


def _operator_only(request) -> None:
    if not request.user.is_operator:
        raise PermissionDenied(_("Only operators can open this page."))


@login_required
def operator_reports(request):
    _operator_only(request)
    status = request.GET.get("status") or Report.Status.OPEN
    if status not in Report.Status.values:
        return redirect(reverse("moderation_operator:reports"))
    reports = selectors.report_list_for_operator(user=request.user, status=status)
    page = paginate(reports, page=request.GET.get("page", 1))
    selectors.reports_with_items(page.items)
    context = {
        "reports": page,
        "status": status,
        "statuses": Report.Status.choices,
    }
    return render(request, "moderation/operator_reports.html", context)


@login_required
@domain_errors_as_http
def operator_report(request, report_id: str):
    """A report, and its message among those written around it."""
    _operator_only(request)
    report = selectors.report_get_for_operator(user=request.user, report_id=report_id)
    return render(request, "moderation/operator_report.html", {"report": report})


def _act(request, report_id: str, action, done: str):
    _operator_only(request)
    try:
        action(actor=request.user, report_id=report_id)
    except DomainError as error:
        if error.status == 404:
            raise Http404(error.message) from None
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(reverse("moderation_operator:reports"))


@login_required
@require_POST
def operator_report_hide(request, report_id: str):
    return _act(request, report_id, services.report_hide, _("The item is hidden."))


@login_required
@require_POST
def operator_report_dismiss(request, report_id: str):
    return _act(
        request, report_id, services.report_dismiss, _("The report is dismissed.")
    )
