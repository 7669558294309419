"""The deal list (home page) and the deal page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def deal_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/deals/list.html", {})
