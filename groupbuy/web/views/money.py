"""My money: held, spent and refunded totals and the ledger lines behind them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def money(request: HttpRequest) -> HttpResponse:
    return render(request, "web/money/summary.html", {})
