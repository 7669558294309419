"""The merchant's promotions page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from groupbuy.catalog.models import Merchant
from groupbuy.catalog.permissions import is_merchant_money_reader, is_merchant_staff
from groupbuy.core.errors import DomainError
from groupbuy.pooling import selectors, services
from groupbuy.pooling.forms import (
    PromotionForm,
)
from groupbuy.pooling.selectors.figures import (
    figure_charts,
    promotion_figures,
    promotions_for_staff,
)
from groupbuy.pooling.selectors.publishing import (
    promotion_ids_user_may_end,
    publish_scope,
)
from groupbuy.web.views.common import domain_errors_as_http, run_action


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def merchant_promotions(request, merchant_id: str):
    """The merchant's promotions with what pooling did for each, the last
    30 days as charts, and the form to publish one."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    if not is_merchant_staff(request.user, merchant):
        raise PermissionDenied(_("Only the merchant's staff may see its promotions."))
    scope = publish_scope(user=request.user, merchant=merchant)
    branches = scope.branches
    form = PromotionForm(
        request.POST or None, branches=branches, whole_merchant=scope.whole_merchant
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        now = timezone.now()
        try:
            services.promotion_publish(
                actor=request.user,
                merchant=merchant,
                branch=next(
                    (b for b in branches if b.public_id == data["branch"]), None
                ),
                title=data["title"],
                kind=data["kind"],
                tiers=data["tiers"],
                buy_n=data["buy_n"] or 0,
                pay_m=data["pay_m"] or 0,
                second_item_percent=data["second_item_percent"] or 100,
                starts_at=now,
                ends_at=now + timedelta(days=data["days"]),
                client_key=data["client_key"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Promotion published."))
            return redirect("pooling:merchant_promotions", merchant_id)
    promotions, charts = _promotions_and_figures(request, merchant)
    endable = promotion_ids_user_may_end(
        user=request.user,
        merchant=merchant,
        promotions=[row["promotion"] for row in promotions.items],
    )
    for row in promotions.items:
        row["may_end"] = row["promotion"].pk in endable
    return render(
        request,
        "pooling/merchant_promotions.html",
        {
            "merchant": merchant,
            "section": "promotions",
            "form": form,
            "can_publish": scope.can_publish,
            "promotions": promotions,
            "shows_figures": charts is not None,
            "charts": charts or [],
        },
    )


def _promotions_and_figures(request, merchant) -> tuple:
    """The page of promotions as rows, with what pooling did for each and the
    charts for the owners and operators; a cashier, who publishes and ends
    them, gets the rows alone and no charts (None): the figures are money."""
    page = request.GET.get("page", 1)
    if is_merchant_money_reader(request.user, merchant):
        figures = promotion_figures(user=request.user, merchant=merchant, page=page)
        return figures["promotions"], figure_charts(figures)
    promotions = promotions_for_staff(user=request.user, merchant=merchant, page=page)
    promotions.items = [{"promotion": promotion} for promotion in promotions.items]
    return promotions, None


@login_required
@domain_errors_as_http
@require_POST
def merchant_promotion_end(request, merchant_id: str, promotion_id: str):
    """End one of the merchant's running promotions now, or withdraw one not
    started yet."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    if not is_merchant_staff(request.user, merchant):
        raise PermissionDenied(_("Only the merchant's staff may see its promotions."))
    promotion = selectors.promotion_get(promotion_id=promotion_id)
    if promotion.merchant_id != merchant.pk:
        raise Http404
    run_action(
        request,
        lambda: services.promotion_end(actor=request.user, promotion=promotion),
        _("Promotion withdrawn: it will not run.")
        if promotion.is_upcoming()
        else _("Promotion ended: its pools and requests are closed."),
    )
    return redirect("pooling:merchant_promotions", merchant_id)
