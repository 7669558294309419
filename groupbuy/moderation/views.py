"""Pages: report a reply, and the operators' queue of reports."""

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
from groupbuy.sharing.selectors import message_body_shown, message_get_for_participant
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import domain_errors_as_http


@login_required
@domain_errors_as_http
def report_reply(request, message_id: str):
    """The Report form of a reply in a thread the person takes part in."""
    message = message_get_for_participant(user=request.user, message_id=message_id)
    thread_url = reverse("sharing:thread", args=[message.share.public_id])
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_message(
                actor=request.user, message=message, **form.cleaned_data
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("Thank you: the platform's operators will look at it.")
            )
            return redirect(thread_url)
    context = {
        "form": form,
        # a reply hidden since is the platform's notice here too
        "reported_text": message_body_shown(message),
        "thread_url": thread_url,
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
    context = {
        "reports": paginate(reports, page=request.GET.get("page", 1)),
        "status": status,
        "statuses": Report.Status.choices,
    }
    return render(request, "moderation/operator_reports.html", context)


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
