"""The operators' page of failed deliveries (/operator/deliveries/): see them
by channel, the failures of the last 30 days, and retry them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.pagination import paginate
from groupbuy.notify import selectors, services
from groupbuy.web.charts import Chart, Series
from groupbuy.web.views.common import domain_errors_as_http

CHART_DAYS = 30


def failures_chart(days: list[dict]) -> Chart:
    return Chart(
        title=_("Failed deliveries per day, last 30 days"),
        labels=[day["date"].strftime("%m-%d") for day in days],
        series=[
            Series(label, [day["counts"][channel] for day in days])
            for channel, label in selectors.delivery_channel_labels().items()
        ],
        kind="bar",
        label_heading=_("Day"),
        dom_id="failed-deliveries-chart",
    )


@login_required
@domain_errors_as_http
def failed_deliveries(request: HttpRequest) -> HttpResponse:
    selectors.deliveries_operator_check(request.user)
    channel = request.GET.get("channel", "")
    labels = selectors.delivery_channel_labels()
    if channel and channel not in labels:
        # An old or mistyped link: show every failure, as moderation's list
        # does for an unknown status (the API keeps its 400).
        return redirect(reverse("notify_operator:failed"))
    deliveries = selectors.delivery_failed_list_for_operator(
        user=request.user, channel=channel
    )
    page = paginate(deliveries, page=request.GET.get("page", 1))
    page.items = [selectors.delivery_failed_row(item) for item in page.items]
    days = selectors.delivery_failed_per_day(user=request.user, days=CHART_DAYS)
    context = {
        "page": page,
        "channel": channel,
        "channel_label": labels.get(channel, ""),
        "channels": list(labels.items()),
        "chart": failures_chart(days),
    }
    return render(request, "notify/operator_failed_deliveries.html", context)


@login_required
@require_POST
@domain_errors_as_http
def failed_deliveries_retry(request: HttpRequest) -> HttpResponse:
    """Retry the deliveries ticked, or (its button) every failed one of the
    channel shown."""
    selectors.deliveries_operator_check(request.user)
    channel = selectors.delivery_channel_checked(request.POST.get("channel", ""))
    back = reverse("notify_operator:failed")
    if channel:
        queued = services.delivery_retry_failed(actor=request.user, channel=channel)
        back += f"?channel={channel}"
    elif references := request.POST.getlist("delivery"):
        queued = services.delivery_retry_failed(
            actor=request.user,
            delivery_ids=selectors.delivery_ids_for_references(references),
        )
    else:
        messages.error(request, _("Tick the deliveries to retry first."))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(count)d delivery queued again.",
            "%(count)d deliveries queued again.",
            queued,
        )
        % {"count": queued},
    )
    return redirect(back)
