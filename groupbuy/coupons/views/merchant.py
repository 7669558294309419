"""The shop's coupon back office: a deal's coupon terms, refunding a coupon,
and the coupon statement (its refusals are shown on the till's page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.coupons import selectors, services, statements
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.forms import (
    StatementPeriodForm,
)
from groupbuy.coupons.models import ExpiryRule
from groupbuy.coupons.views.common import _domain_errors
from groupbuy.coupons.views.shopper import units_asked
from groupbuy.coupons.views.till import _refused
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms import add_domain_error
from groupbuy.web.views.common import safe_next_url


@login_required
@require_POST
@_domain_errors
def merchant_deal_terms(
    request: HttpRequest, merchant_id: str, deal_id: str
) -> HttpResponse:
    """Owners choose what happens to a deal's coupons that expire unredeemed,
    and whether shoppers may refund them unused."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    deal = merchant.deals.filter(public_id=deal_id).first()
    if deal is None:
        raise Http404(_("No such deal."))
    rule = request.POST.get("expiry_rule", "")
    if rule not in ExpiryRule.values:
        return _refused(request, merchant, _("Choose a rule."))
    # The form sends "off" then, when ticked, "on"; a deal whose refunds are
    # promised to buyers shows no box and sends neither.
    refundable = request.POST.getlist("unused_refundable")
    services.deal_coupon_terms_set(
        actor=request.user,
        deal=deal,
        expiry_rule=rule,
        unused_refundable=refundable[-1] == "on" if refundable else None,
    )
    # Said, as the page's other saves are: until 2026-12-07 the page came back
    # the same, and an owner could not tell the change was kept.
    messages.success(
        request,
        _("The coupon terms of “%(title)s” are saved.") % {"title": deal.title},
    )
    return redirect("coupons:merchant_console", merchant.public_id)


@login_required
@require_POST
@_domain_errors
def merchant_coupon_refund(
    request: HttpRequest, merchant_id: str, coupon_id: str
) -> HttpResponse:
    """Owners refund a coupon's unused units, some or all, with a reason (the
    shop cannot honour them); back to the page the form was on."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    coupon = selectors.coupon_get_for_merchant_owner(
        user=request.user, merchant=merchant, coupon_id=coupon_id
    )
    back = safe_next_url(request, reverse("web:merchant_orders", args=[merchant_id]))
    try:
        refund = services.coupon_refund_by_merchant(
            actor=request.user,
            coupon=coupon,
            reason=request.POST.get("reason", ""),
            units=units_asked(request),
            idempotency_key=request.POST.get("idempotency_key", "")[:64],
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
        return redirect(back)
    coupon.refresh_from_db()
    if coupon.remaining_quantity:
        message = ngettext(
            "%(units)d unit of coupon %(serial)s was refunded: %(amount)s goes "
            "back to the buyer, whose coupon keeps %(left)d unit for the till.",
            "%(units)d unit of coupon %(serial)s was refunded: %(amount)s goes "
            "back to the buyer, whose coupon keeps %(left)d units for the till.",
            coupon.remaining_quantity,
        ) % {
            "units": refund.quantity,
            "serial": coupon.serial,
            "amount": format_fen(refund.amount_fen),
            "left": coupon.remaining_quantity,
        }
    else:
        message = _(
            "Coupon %(serial)s was refunded: %(amount)s goes back to the buyer."
        ) % {"serial": coupon.serial, "amount": format_fen(refund.amount_fen)}
    messages.success(request, message)
    return redirect(back)


@login_required
@_domain_errors
def merchant_statement(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """The settlement statement of a period (default: this month); ?format=csv.
    The shop's money: its owners' and the operators', not its cashiers'."""
    merchant = selectors.merchant_get_for_owner(
        user=request.user, public_id=merchant_id
    )
    form = StatementPeriodForm(request.GET)
    file_format = request.GET.get("format")
    period_error = ""
    try:
        statement = _asked_statement(merchant, form)
    except CouponError as refusal:
        # A file is never made for other days than asked: its CSV/PDF is a 400
        # saying why. As the sales page, the page says it on the fields and
        # above this month's statement, never a statement of other days under
        # what was typed.
        if file_format in ("pdf", "csv") or refusal.code != "invalid_date":
            raise
        if form.is_valid():
            add_domain_error(form, refusal)
        period_error = refusal.message
        start, end = statements.statement_period(None, None)
        statement = statements.statement_for(merchant=merchant, start=start, end=end)
    if file_format == "pdf":
        from groupbuy.coupons import pdfs  # imported here: see coupon_pdf

        response = HttpResponse(
            pdfs.statement_pdf(statement), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="statement-{merchant.public_id}-'
            f'{statement.start}-{statement.end}.pdf"'
        )
        return response
    if file_format == "csv":
        response = HttpResponse(
            statements.statement_csv(statement), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="statement-{merchant.public_id}-'
            f'{statement.start}-{statement.end}.csv"'
        )
        return response
    if not period_error:
        form = StatementPeriodForm(
            initial={"start": statement.start, "end": statement.end}
        )
    context = {
        "merchant": merchant,
        "form": form,
        "statement": statement,
        # The totals count every redemption; the page lists one page of them
        # (the CSV and PDF all).
        "redemptions": paginate(
            statement.redemptions, page=request.GET.get("redemptions_page", 1)
        ),
        # So are its refunds and expiries, each with its own pages.
        "refunds": _adjustment_lines(
            statement,
            paginate(statement.refunds, page=request.GET.get("refunds_page", 1)),
        ),
        "expiries": _adjustment_lines(
            statement,
            paginate(statement.expiries, page=request.GET.get("expiries_page", 1)),
        ),
        # and its conflicts (until 2026-12-07 every one of the period at once)
        "conflicts": paginate(
            statement.conflicts, page=request.GET.get("conflicts_page", 1)
        ),
        "charts": _statement_charts(statement),
        "section": "statement",
        "period_error": period_error,
    }
    status = 400 if period_error else 200
    return render(request, "coupons/statement.html", context, status=status)


def _adjustment_lines(statement: statements.Statement, page):
    """``page`` of expiries or refunds, each with what its line says: what it
    moved the shop's balance by (``line_fen``, as the figures and the CSV
    count it) and its outcome with the whole amount (``line_note``)."""
    page.items = statement.listed(page.items)
    for adjustment in page.items:
        adjustment.line_fen = statement.adjustment_fen(adjustment)
        adjustment.line_abs_fen = abs(adjustment.line_fen)  # the page writes "−"
        adjustment.line_note = statements.adjustment_note(statement, adjustment)
    return page


def _asked_statement(merchant, form: StatementPeriodForm) -> statements.Statement:
    """Return the statement of the days ``form`` asks for; a day that cannot be
    read is refused (CouponError invalid_date, on its field) rather than
    replaced by a default."""
    start, end = statements.statement_period(*form.asked_days())
    return statements.statement_for(merchant=merchant, start=start, end=end)


def _statement_charts(statement) -> list[Chart]:
    """None for a period with no redemption or too long to draw by day."""
    days = statements.statement_days(statement) if statement.has_redemptions else []
    if not days:
        return []
    one_year = statement.start.year == statement.end.year
    labels = [day.day.strftime("%m-%d" if one_year else "%Y-%m-%d") for day in days]
    return [
        Chart(
            title=_("Settled to you per day"),
            labels=labels,
            series=[
                Series(_("Redeemed"), [day.settled_fen for day in days]),
                Series(_("Platform fee"), [day.fee_fen for day in days]),
            ],
            kind="bar",
            money=True,
            label_heading=_("Day"),
            dom_id="statement-money-chart",
        ),
        Chart(
            title=_("Coupon units redeemed per day"),
            labels=labels,
            series=[Series(_("Units"), [day.units for day in days])],
            kind="bar",
            label_heading=_("Day"),
            dom_id="statement-units-chart",
        ),
    ]
