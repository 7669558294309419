"""My money: held, spent and refunded totals and the ledger lines behind them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from groupbuy.escrow.selectors import shopper_ledger_lines, shopper_money_summary
from groupbuy.web.views.common import page_number


@login_required
def money(request: HttpRequest) -> HttpResponse:
    context = {
        "summary": shopper_money_summary(user=request.user),
        "lines": shopper_ledger_lines(user=request.user, page=page_number(request)),
    }
    return render(request, "web/money/summary.html", context)
