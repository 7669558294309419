"""What an owner does to a group buy: open it, and while it sells add stock,
extend the deadline, close it now, or stop it and refund everyone.

Each goes through its deals service, which checks the role, audits the change
and pushes the new figures to the shoppers watching the deal page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.core.money import format_fen
from groupbuy.core.times import format_local_time
from groupbuy.deals.models import Deal
from groupbuy.deals.selectors import deal_failure_refunded_buyers
from groupbuy.deals.services import (
    deal_add_stock,
    deal_change_schedule,
    deal_close_now,
    deal_open,
    deal_stop,
)
from groupbuy.web.forms_merchant import AddStockForm, ExtendForm, StopForm
from groupbuy.web.views.common import domain_errors_as_http, run_form_action
from groupbuy.web.views.merchant_access import merchant_deal

# What a deal's console page says to do next after ?step=… (the owners' links).
NEXT_STEPS = ("created", "opened")


def deal_page_next(merchant_id: str, deal_id: str, *, step: str) -> HttpResponse:
    """Redirect to the deal's console page, which says what to do after
    ``step`` (one of NEXT_STEPS)."""
    page = reverse("web:merchant_deal_detail", args=[merchant_id, deal_id])
    return redirect(f"{page}?step={step}")


def deal_opened_message(deal) -> str:
    """What the owner reads once ``deal`` is open (a team buy too: teams' form
    opens it at once), or scheduled to start later."""
    if deal.is_scheduled():
        return _("The group buy is scheduled: it starts at %(starts_at)s.") % {
            "starts_at": format_local_time(deal.starts_at)
        }
    return _("The group buy is open.")


@login_required
@require_POST
@domain_errors_as_http
def merchant_deal_open(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    _merchant, deal = merchant_deal(request, merchant_id, deal_id)
    try:
        deal = deal_open(actor=request.user, deal=deal)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("web:merchant_deal_detail", merchant_id, deal_id)
    messages.success(request, deal_opened_message(deal))
    return deal_page_next(merchant_id, deal_id, step="opened")


def _run(
    request: HttpRequest,
    merchant_id: str,
    deal_id: str,
    form_class,
    action: Callable[..., object],
    done: str | Callable[[Any], str],
) -> HttpResponse:
    _merchant, deal = merchant_deal(request, merchant_id, deal_id)
    run_form_action(request, form_class, lambda data: action(deal, data), done)
    return redirect("web:merchant_deal_detail", merchant_id, deal_id)


@login_required
@require_POST
@domain_errors_as_http
def merchant_deal_add_stock(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    def action(deal, data):
        deal_add_stock(
            actor=request.user,
            deal=deal,
            units=data["units"],
            idempotency_key=data["idempotency_key"],
        )

    return _run(
        request, merchant_id, deal_id, AddStockForm, action, _("The stock is added.")
    )


@login_required
@require_POST
@domain_errors_as_http
def merchant_deal_extend(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    def action(deal, data):
        deal_change_schedule(
            actor=request.user, deal=deal, deadline=data["deadline_at"]
        )

    return _run(
        request, merchant_id, deal_id, ExtendForm, action, _("The deadline is moved.")
    )


@login_required
@require_POST
@domain_errors_as_http
def merchant_deal_close(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    def action(deal, data):
        return deal_close_now(actor=request.user, deal=deal)

    return _run(request, merchant_id, deal_id, StopForm, action, deal_closed_message)


def deal_closed_message(deal: Deal) -> str:
    """Say how closing ``deal`` now ended: at the price of the tier it reached,
    or failed below its first tier with its buyers refunded. A deal another
    app sells (teams) ends the way that app says (``Deal.kept_outcome``)."""
    if (kept := deal.kept_outcome) is not None:
        return _("The group buy is closed. %(outcome)s.") % {"outcome": kept.label}
    if deal.shown_state != Deal.State.FAILED:
        if deal.final_price_fen is None:  # not expected of the deals' own
            return _("The group buy is closed and succeeded.")
        return _(
            "The group buy is closed and succeeded: each unit costs %(price)s, "
            "the price of the tier it reached."
        ) % {"price": format_fen(deal.final_price_fen)}
    refunded = deal_failure_refunded_buyers(deal=deal)
    if not refunded:
        return _(
            "The group buy is closed below its first tier, so it failed; nobody "
            "had paid, so nobody is refunded."
        )
    return ngettext(
        "The group buy is closed below its first tier, so it failed: "
        "%(count)s buyer is refunded in full.",
        "The group buy is closed below its first tier, so it failed: "
        "%(count)s buyers are refunded in full.",
        refunded,
    ) % {"count": refunded}


@login_required
@require_POST
@domain_errors_as_http
def merchant_deal_stop(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    def action(deal, data):
        deal_stop(actor=request.user, deal=deal, reason=data["reason"])

    return _run(
        request,
        merchant_id,
        deal_id,
        StopForm,
        action,
        _("The group buy is stopped; every buyer is refunded in full."),
    )
