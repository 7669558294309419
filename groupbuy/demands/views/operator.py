"""An operator's page of a buyer demand: who joined, the deposits held, every
shop's offer, with Cancel the demand… and Withdraw this offer… for one that
breaks the rules (``services.demand_cancel_by_platform`` and
``offer_withdraw_by_platform``; the operator API has the same)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.money import format_fen
from groupbuy.demands import services
from groupbuy.demands.operator_selectors import (
    demand_for_operator,
    demand_get_for_operator,
    offer_get_for_operator,
)
from groupbuy.demands.services.lifecycle.common import PLATFORM_REASON_CHARS
from groupbuy.web.views.common import run_form_action
from groupbuy.web.views.operator import operator_required


class OperatorReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the people affected read it)"),
        max_length=PLATFORM_REASON_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@operator_required
def operator_demand(request: HttpRequest, demand_id: str) -> HttpResponse:
    demand = demand_get_for_operator(user=request.user, demand_id=demand_id)
    context = {
        "demand": demand,
        "seen": demand_for_operator(demand=demand),
        "reason_form": OperatorReasonForm(auto_id="demand-cancel-%s"),
    }
    return render(request, "demands/operator_demand.html", context)


def _cancelled_message(seen) -> str:
    if not seen.holders:
        return _("The demand is cancelled; everyone in it is told the reason.")
    return ngettext(
        "The demand is cancelled: %(amount)s of deposits goes back to %(count)s "
        "buyer; everyone in it is told the reason.",
        "The demand is cancelled: %(amount)s of deposits goes back to %(count)s "
        "buyers; everyone in it is told the reason.",
        seen.holders,
    ) % {"amount": format_fen(seen.held_fen), "count": seen.holders}


@require_POST
@operator_required
def operator_demand_cancel(request: HttpRequest, demand_id: str) -> HttpResponse:
    demand = demand_get_for_operator(user=request.user, demand_id=demand_id)
    seen = demand_for_operator(demand=demand)  # before: the cancel refunds it

    def cancel(data):
        services.demand_cancel_by_platform(
            actor=request.user, demand=demand, reason=data["reason"]
        )
        return seen

    run_form_action(request, OperatorReasonForm, cancel, _cancelled_message)
    return redirect("demands_operator:detail", demand_id)


@require_POST
@operator_required
def operator_offer_withdraw(request: HttpRequest, offer_id: str) -> HttpResponse:
    offer = offer_get_for_operator(user=request.user, offer_id=offer_id)

    def withdraw(data):
        return services.offer_withdraw_by_platform(
            actor=request.user, offer=offer, reason=data["reason"]
        )

    run_form_action(
        request,
        OperatorReasonForm,
        withdraw,
        lambda offer: (
            _("%(merchant)s's offer is withdrawn; the shop is told the reason.")
            % {"merchant": offer.merchant.display_name}
        ),
    )
    return redirect("demands_operator:detail", offer.demand.public_id)
