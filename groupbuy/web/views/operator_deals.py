"""An operator's page of a group buy: its state, merchant, tiers, buyers and
the money it holds, with Close now and Stop and refund everyone
(``deals.services``; the operator API has the same)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.money import format_fen
from groupbuy.deals.order_keepers import kept_sales
from groupbuy.deals.selectors import (
    deal_get_for_operator,
    deal_held_money,
    deal_orders_for_operator,
)
from groupbuy.deals.services import deal_close_now, deal_stop
from groupbuy.deals.services.closing import STOP_REASON_MAX_LENGTH
from groupbuy.web.views.common import page_number, run_action, run_form_action
from groupbuy.web.views.merchant_deal_actions import deal_closed_message
from groupbuy.web.views.operator import operator_required


class OperatorStopForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (the buyers read it)"),
        max_length=STOP_REASON_MAX_LENGTH,
        strip=True,
    )


@operator_required
def operator_deal(request: HttpRequest, deal_id: str) -> HttpResponse:
    deal = deal_get_for_operator(user=request.user, deal_id=deal_id)
    context = {
        "deal": deal,
        "tiers": sorted(deal.tiers.all(), key=lambda tier: tier.min_participants),
        "held": deal_held_money(deal=deal),
        # A team buy closes team by team (its keeper says how it ends).
        "is_sold_in_teams": deal.pk in kept_sales([deal]),
        "orders": deal_orders_for_operator(deal=deal, page=page_number(request)),
        "stop_form": OperatorStopForm(),
    }
    return render(request, "web/operator/deal.html", context)


@require_POST
@operator_required
def operator_deal_close(request: HttpRequest, deal_id: str) -> HttpResponse:
    deal = deal_get_for_operator(user=request.user, deal_id=deal_id)
    run_action(
        request,
        lambda: deal_close_now(actor=request.user, deal=deal),
        deal_closed_message,
    )
    return redirect("web:operator_deal", deal_id)


def _stopped_message(held) -> str:
    return ngettext(
        "The group buy is stopped: %(amount)s goes back in full to %(count)s "
        "buyer, who is told the reason.",
        "The group buy is stopped: %(amount)s goes back in full to %(count)s "
        "buyers, who are told the reason.",
        held.buyers,
    ) % {"amount": format_fen(held.held_fen), "count": held.buyers}


@require_POST
@operator_required
def operator_deal_stop(request: HttpRequest, deal_id: str) -> HttpResponse:
    deal = deal_get_for_operator(user=request.user, deal_id=deal_id)
    held = deal_held_money(deal=deal)  # read before: the stop gives it all back

    def stop(data):
        deal_stop(actor=request.user, deal=deal, reason=data["reason"])
        return held

    run_form_action(request, OperatorStopForm, stop, _stopped_message)
    return redirect("web:operator_deal", deal_id)
