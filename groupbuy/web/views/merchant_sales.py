"""The merchant console's sales at a glance: per day and per deal, as charts
with their figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groupbuy.catalog import selectors as catalog
from groupbuy.core.pagination import paginate
from groupbuy.deals.errors import DealError
from groupbuy.deals.merchant_selectors import Sales, merchant_sales, sales_period
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.common import domain_errors_as_http


def _charts(sales: Sales) -> list[Chart]:
    days = sales.days
    labels = [row.label for row in days]
    return [
        Chart(
            title=_("Money per day"),
            labels=labels,
            series=[
                Series(_("Revenue"), [row.revenue_fen for row in days]),
                Series(_("Refunds"), [row.refunds_fen for row in days]),
                Series(_("Platform fees"), [row.fees_fen for row in days]),
            ],
            kind="bar",
            money=True,
            label_heading=_("Day"),
            dom_id="sales-money-chart",
        ),
        Chart(
            title=_("Orders and units per day"),
            labels=labels,
            series=[
                Series(_("Orders"), [row.orders for row in days]),
                Series(_("Units"), [row.units for row in days]),
            ],
            kind="line",
            label_heading=_("Day"),
            dom_id="sales-orders-chart",
        ),
    ]


@login_required
@domain_errors_as_http
def merchant_sales_page(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = DateRangeForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        date_from, date_to = sales_period(data.get("date_from"), data.get("date_to"))
    except DealError as refusal:
        # Said on its field (a period too long), the default period shown.
        add_domain_error(form, refusal)
        date_from, date_to = sales_period(None, None)
    sales = merchant_sales(
        user=request.user, merchant=merchant, date_from=date_from, date_to=date_to
    )
    if not form.is_bound or not request.GET:
        form = DateRangeForm(initial={"date_from": date_from, "date_to": date_to})
    context = {
        "merchant": merchant,
        "form": form,
        "sales": sales,
        # One page of the deals, as /api/deals/merchants/{id}/sales pages them;
        # the totals and the charts stay the whole period's.
        "deals": paginate(sales.deals, page=request.GET.get("page", 1)),
        "charts": _charts(sales),
        "section": "sales",
    }
    return render(request, "web/merchant/sales.html", context)
