"""The operator dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.utils.translation import gettext as _

from groupbuy.deals.selectors import deal_list_open, operator_overview
from groupbuy.escrow.selectors import platform_money_overview
from groupbuy.web.presenters import deal_cards

CLOSING_SOON_COUNT = 10
# The snap app provides the first when it has demand alerts to show.
DEMAND_ALERTS_TEMPLATES = [
    "snap/operator/demand_alerts.html",
    "web/operator/_no_demand_alerts.html",
]


@login_required
def operator_home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied(_("Only operators can open the dashboard."))
    overview = operator_overview(user=request.user)
    closing = deal_list_open(page_size=CLOSING_SOON_COUNT)
    context = {
        "overview": overview,
        "money": platform_money_overview(user=request.user),
        "orders_today": overview["orders_joined_today"],
        "closing_soon": deal_cards(closing.items),
        "demand_alerts_template": select_template(DEMAND_ALERTS_TEMPLATES),
    }
    return render(request, "web/operator/home.html", context)
