"""The shop's money page: its balance, and over a period the opening balance,
the lines that moved it and the closing balance, as a page or a CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.catalog import selectors as catalog
from groupbuy.core.i18n import join_sentences, label_colon
from groupbuy.core.money import format_fen_for_spreadsheet
from groupbuy.core.spreadsheet import BYTE_ORDER_MARK, spreadsheet_cell
from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.merchant_money import (
    MerchantMoneyPeriod,
    merchant_daily_balances,
    merchant_money_for_period,
    merchant_money_lines_for_period,
    period_end,
    period_start,
)
from groupbuy.escrow.selectors import LedgerLine, merchant_payable_fen
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.common import domain_errors_as_http, page_number


def form_refusal(form: DateRangeForm, *, as_parameters: bool = False) -> EscrowError:
    """The form's errors as one refusal, for a CSV that cannot be made (here
    and on the operator's fees page), each field named by its label; for the
    fees API (``as_parameters``) named as its query parameter, as the API
    names any refused value (``date_from: Enter a valid date.``). The colon is
    the language's ("从：" in Chinese)."""
    fields = {name: list(map(str, errors)) for name, errors in form.errors.items()}
    if as_parameters:
        message = join_sentences(
            f"{name}{label_colon()}{join_sentences(errors)}"
            for name, errors in fields.items()
        )
    else:
        reasons = join_sentences(
            f"{form.fields[name].label if name in form.fields else ''}"
            f"{label_colon()}{join_sentences(errors)}"
            for name, errors in fields.items()
        )
        message = _("The days asked for could not be read. %(reasons)s") % {
            "reasons": reasons
        }
    return EscrowError("invalid_date", message, fields=fields)


def _balance_chart(balances: list[tuple[date, int]]) -> Chart | None:
    """What is owed to the shop at the end of each day of the period: whether
    it grows, and when a payout took it."""
    if not balances:
        return None
    return Chart(
        title=_("Owed to you at the end of each day"),
        labels=[day.strftime("%m-%d") for day, _balance in balances],
        series=[Series(_("Balance"), [balance for _day, balance in balances])],
        kind="line",
        money=True,
        label_heading=_("Day"),
        dom_id="money-balance-chart",
    )


@login_required
@domain_errors_as_http
def merchant_money(request: HttpRequest, merchant_id: str) -> HttpResponse:
    merchant = catalog.merchant_get_for_owner(user=request.user, public_id=merchant_id)
    form = DateRangeForm(request.GET)
    wants_csv = request.GET.get("format") == "csv"
    if wants_csv:
        return _money_csv(request, merchant, form)
    # A period refused is said on its field with no lines nor balances below,
    # as the operator's fees page: until 2026-12-06 the whole history was
    # shown under the days typed (a reversed period read as every line).
    period = None
    if form.is_valid():
        try:
            period = merchant_money_for_period(
                user=request.user,
                merchant=merchant,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                page=page_number(request),
            )
        except EscrowError as refusal:
            if refusal.code != "invalid_date":
                raise
            add_domain_error(form, refusal)
    balance_chart = None
    if period is not None:
        form = DateRangeForm(
            initial={"date_from": period.date_from, "date_to": period.date_to}
        )
        balance_chart = _balance_chart(
            merchant_daily_balances(user=request.user, merchant=merchant, period=period)
        )
    context = {
        "merchant": merchant,
        "form": form,
        "payable_fen": merchant_payable_fen(user=request.user, merchant=merchant),
        "period": period,
        "balance_chart": balance_chart,
        "lines": period.lines if period is not None else None,
        "section": "money",
        "time_zone_note": _("Times are in the %(zone)s time zone.")
        % {"zone": settings.TIME_ZONE},
    }
    status = 200 if period is not None else 400
    return render(request, "web/merchant/money.html", context, status=status)


# The columns of the money CSV: the page's (when, what, about what, amount),
# names in English for scripts as the other exports', values for the reader.
CSV_HEADER = ("created_at", "entry", "description", "amount_yuan")


def _local_time(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _csv_line(line: LedgerLine) -> list:
    return [
        _local_time(line.created_at),
        spreadsheet_cell(line.label),
        spreadsheet_cell(line.description),
        format_fen_for_spreadsheet(line.amount_fen),
    ]


def money_csv(period: MerchantMoneyPeriod, lines: list[LedgerLine]) -> str:
    """The period's opening balance, its lines oldest first, and its closing
    balance, as CSV (``CSV_HEADER``)."""
    out = io.StringIO()
    out.write(BYTE_ORDER_MARK)
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    opened = _local_time(period_start(period.date_from)) if period.date_from else ""
    closed = _local_time(period_end(period.date_to)) if period.date_to else ""
    writer.writerow(
        [
            opened,
            _("Opening balance"),
            "",
            format_fen_for_spreadsheet(period.opening_fen),
        ]
    )
    writer.writerows(_csv_line(line) for line in lines)
    writer.writerow(
        [
            closed,
            _("Closing balance"),
            "",
            format_fen_for_spreadsheet(period.closing_fen),
        ]
    )
    return out.getvalue()


def _money_csv(request: HttpRequest, merchant, form: DateRangeForm) -> HttpResponse:
    if not form.is_valid():
        raise form_refusal(form)
    # A period refused is a 400 page saying why (domain_errors_as_http), never
    # a file of other days.
    period, lines = merchant_money_lines_for_period(
        user=request.user,
        merchant=merchant,
        date_from=form.cleaned_data.get("date_from"),
        date_to=form.cleaned_data.get("date_to"),
    )
    response = HttpResponse(
        money_csv(period, lines), content_type="text/csv; charset=utf-8"
    )
    days = f"-{period.date_from}-{period.date_to}" if period.date_from else ""
    response["Content-Disposition"] = (
        f'attachment; filename="money-{merchant.public_id}{days}.csv"'
    )
    return response
