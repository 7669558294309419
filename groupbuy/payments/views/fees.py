"""The operator's page of the platform's fee income over a period: totals, a
chart by day or month, each merchant's part, and the period as CSV."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from groupbuy.catalog.permissions import is_operator
from groupbuy.core.money import format_fen_for_spreadsheet
from groupbuy.core.pagination import paginate
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.platform_fees import PlatformFees, platform_fees_for_period
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.common import domain_errors_as_http
from groupbuy.web.views.merchant_money import form_refusal


def fees_chart(fees: PlatformFees) -> Chart:
    by_day = fees.by == "day"
    return Chart(
        title=_("Platform fees per day") if by_day else _("Platform fees per month"),
        labels=[
            bucket.start.strftime("%m-%d" if by_day else "%Y-%m")
            for bucket in fees.buckets
        ],
        series=[
            Series(_("Fees earned"), [b.earned_fen for b in fees.buckets]),
            Series(_("Fees returned"), [b.returned_fen for b in fees.buckets]),
            Series(_("Net"), [b.net_fen for b in fees.buckets]),
        ],
        kind="bar",
        money=True,
        label_heading=_("Day") if by_day else _("Month"),
        dom_id="fees-chart",
    )


def _fees(request: HttpRequest, date_from, date_to) -> PlatformFees:
    return platform_fees_for_period(
        user=request.user, date_from=date_from, date_to=date_to
    )


@login_required
@domain_errors_as_http
def operator_fees(request: HttpRequest) -> HttpResponse:
    """Operators: the platform's fee income over a period (anyone else 404, as
    the payouts page, before anything asked for is read)."""
    if not is_operator(request.user):
        raise Http404
    form = DateRangeForm(request.GET)
    if request.GET.get("format") == "csv":
        return _fees_csv(request, form)
    # A period refused is said on its field with no figures below: until
    # 2026-12-06 this month's were shown, and its CSV linked, under the error
    # and the days typed, read as the period asked for.
    fees = None
    if form.is_valid():
        try:
            fees = _fees(
                request, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
            )
        except EscrowError as refusal:
            if refusal.code != "invalid_date":
                raise
            add_domain_error(form, refusal)
    if fees is not None:
        form = DateRangeForm(
            initial={"date_from": fees.date_from, "date_to": fees.date_to}
        )
    context = {
        "form": form,
        "fees": fees,
        "chart": fees_chart(fees) if fees is not None else None,
        "merchants": (
            paginate(fees.merchants, page=request.GET.get("page", 1))
            if fees is not None
            else None
        ),
        "time_zone_note": _("Times are in the %(zone)s time zone.")
        % {"zone": settings.TIME_ZONE},
    }
    status = 200 if fees is not None else 400
    return render(request, "payments/operator_fees.html", context, status=status)


# One row a day and merchant (names in English for scripts, as the other
# exports), then the period's total: sums of rows add up to the total.
CSV_HEADER = (
    "day",
    "merchant_id",
    "merchant",
    "fees_earned_yuan",
    "fees_returned_yuan",
    "net_yuan",
)


def fees_csv(fees: PlatformFees) -> str:
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in fees.rows:
        writer.writerow(
            [
                row.day.isoformat(),
                row.merchant_id,
                spreadsheet_cell(row.merchant_name or _("No merchant")),
                format_fen_for_spreadsheet(row.earned_fen),
                format_fen_for_spreadsheet(row.returned_fen),
                format_fen_for_spreadsheet(row.net_fen),
            ]
        )
    writer.writerow(
        [
            "",
            "",
            _("Total"),
            format_fen_for_spreadsheet(fees.total.earned_fen),
            format_fen_for_spreadsheet(fees.total.returned_fen),
            format_fen_for_spreadsheet(fees.total.net_fen),
        ]
    )
    return out.getvalue()


def _fees_csv(request: HttpRequest, form: DateRangeForm) -> HttpResponse:
    if not form.is_valid():
        raise form_refusal(form)
    # A period refused is a 400 page saying why, never a file of other days.
    fees = _fees(request, form.cleaned_data["date_from"], form.cleaned_data["date_to"])
    response = HttpResponse(fees_csv(fees), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="platform-fees-{fees.date_from}-{fees.date_to}.csv"'
    )
    return response
