"""The merchant console's team buys: the list, a new team deal, a deal's teams
and the stock and end-of-sales changes made there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.accounts.names import mask_display_name
from groupbuy.catalog import selectors as catalog
from groupbuy.catalog.models import Merchant
from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.pagination import paginate
from groupbuy.deals.services.common import check_can_manage
from groupbuy.teams import selectors, services
from groupbuy.teams.forms import ExtendSalesForm, TeamDealForm
from groupbuy.web.forms import add_domain_error
from groupbuy.web.forms_merchant import AddStockForm
from groupbuy.web.views.common import domain_errors_as_http, run_form_action
from groupbuy.web.views.merchant import listed_product_choices, listing_prices
from groupbuy.web.views.merchant_deal_actions import (
    deal_opened_message,
    deal_page_next,
)


def _merchant_team_deal(request, merchant_id: str, deal_id: str):
    return selectors.team_deal_get_for_shop(
        actor=request.user, merchant_id=merchant_id, deal_id=deal_id
    )


@login_required
@domain_errors_as_http
def merchant_teams(request, merchant_id: str, deal_id: str):
    team_deal = _merchant_team_deal(request, merchant_id, deal_id)
    teams = paginate(
        selectors.teams_for_merchant(actor=request.user, team_deal=team_deal),
        page=request.GET.get("page", 1),
    )
    for team in teams.items:
        team.opener_name = mask_display_name(team.opener)
    return render(
        request,
        "teams/merchant_teams.html",
        {
            "merchant": team_deal.deal.merchant,
            "team_deal": team_deal,
            "deal": team_deal.deal,
            "teams": teams,
            "section": "teams",
            "stock_form": AddStockForm(),
            "extend_form": ExtendSalesForm(
                initial={"ends_at": timezone.localtime(team_deal.ends_at)}
            ),
        },
    )


def _change_sales(request, merchant_id, deal_id, form_class, action, done: str):
    team_deal = _merchant_team_deal(request, merchant_id, deal_id)
    run_form_action(request, form_class, lambda data: action(team_deal, data), done)
    return redirect("teams:merchant_teams", merchant_id, deal_id)


@login_required
@require_POST
@domain_errors_as_http
def merchant_add_stock(request, merchant_id: str, deal_id: str):
    def action(team_deal, data):
        services.team_deal_add_stock(
            actor=request.user,
            team_deal=team_deal,
            units=data["units"],
            idempotency_key=data["idempotency_key"],
        )

    return _change_sales(
        request, merchant_id, deal_id, AddStockForm, action, _("The stock is added.")
    )


@login_required
@require_POST
@domain_errors_as_http
def merchant_extend(request, merchant_id: str, deal_id: str):
    def action(team_deal, data):
        services.team_deal_extend(
            actor=request.user, team_deal=team_deal, ends_at=data["ends_at"]
        )

    return _change_sales(
        request,
        merchant_id,
        deal_id,
        ExtendSalesForm,
        action,
        _("The end of sales is moved."),
    )


@login_required
@domain_errors_as_http
def merchant_deals(request, merchant_id: str):
    """The merchant console's team deals, with their teams by outcome."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    team_deals = selectors.team_deals_for_merchant(
        actor=request.user, merchant=merchant
    )
    return render(
        request,
        "teams/merchant_deals.html",
        {
            "merchant": merchant,
            "team_deals": paginate(team_deals, page=request.GET.get("page", 1)),
            "section": "teams",
        },
    )


@login_required
@domain_errors_as_http
def merchant_deal_create(request, merchant_id: str):
    """The console form for a new deal in team mode (owners and operators)."""
    merchant = Merchant.objects.filter(public_id=merchant_id).first()
    if merchant is None:
        raise NotFound("not_found", _("There is no such merchant."))
    check_can_manage(actor=request.user, merchant=merchant)
    form = TeamDealForm(
        request.POST or None,
        products=listed_product_choices(merchant),
        initial=TeamDealForm.initial_now(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            product = catalog.product_get(public_id=form.cleaned_data["product"])
            team_deal = services.team_deal_create(
                actor=request.user,
                merchant=merchant,
                product=product,
                **form.service_arguments(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            # The group buy's own next steps: its page as shoppers see it,
            # its link to share, its stock and end (its teams page).
            messages.success(request, deal_opened_message(team_deal.deal))
            return deal_page_next(merchant_id, team_deal.deal.public_id, step="opened")
    return render(
        request,
        "teams/merchant_deal_form.html",
        {
            "merchant": merchant,
            "form": form,
            "section": "teams",
            "listing_prices": listing_prices(merchant),
        },
    )
