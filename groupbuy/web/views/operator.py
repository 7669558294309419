"""The operator dashboard: the platform's figures, look-ups, new merchants."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.accounts.selectors import person_lockout
from groupbuy.accounts.services import account_switch_refusal
from groupbuy.core.errors import DomainError
from groupbuy.core.i18n import join_sentences
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import deal_list_open, order_money
from groupbuy.escrow.selectors import platform_money_overview
from groupbuy.ops import lookup
from groupbuy.ops.onboarding import merchant_onboard, owners_other_merchants
from groupbuy.ops.selectors import erasure_pending_for
from groupbuy.ops.stats import dashboard_headline, platform_daily_series
from groupbuy.web.charts import Chart, Series
from groupbuy.web.forms_merchant import RefundForm
from groupbuy.web.presenters import deal_cards, order_view
from groupbuy.web.views.common import domain_errors_as_http, page_number

CLOSING_SOON_COUNT = 10
CHART_DAYS = 14


def operator_required(view):
    """Let only operators in (visitors go to sign in, others get a 403)."""

    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied(_("Only operators can open the dashboard."))
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return domain_errors_as_http(wrapper)


def daily_charts(series) -> list[Chart]:
    labels = [day.strftime("%m-%d") for day in series.days]
    heading = _("Day")

    def chart(title, parts, **options):
        return Chart(
            title=title,
            labels=labels,
            series=[Series(label, values) for label, values in parts],
            label_heading=heading,
            **options,
        )

    return [
        chart(
            _("Group buys per day"),
            [
                (_("Opened"), series.values("deals_opened")),
                (_("Succeeded"), series.values("deals_succeeded")),
                (_("Failed"), series.values("deals_failed")),
            ],
            kind="bar",
            dom_id="deals-per-day-chart",
        ),
        chart(
            _("Success rate of closed group buys (%)"),
            [(_("Success rate (%)"), series.success_rates)],
            dom_id="success-rate-chart",
        ),
        chart(
            _("Payments and refunds per day"),
            [
                # Orders' and team places' payments only: a demand deposit is
                # no sale (ops.stats.ORDER_PAYMENT_PURPOSES).
                (
                    _("Order payments captured (GMV, demand deposits not included)"),
                    series.values("gmv_fen"),
                ),
                (_("Refunded"), series.values("refunded_fen")),
            ],
            money=True,
            dom_id="payments-per-day-chart",
        ),
        chart(
            _("Orders and refunds per day"),
            [
                (_("Orders"), series.values("orders_joined")),
                (_("Refunds"), series.values("refunds")),
            ],
            kind="bar",
            dom_id="orders-per-day-chart",
        ),
        chart(
            _("Snaps per day by answer"),
            [
                (_("At once"), series.values("snaps_at_once")),
                # named at once, then corrected by the shopper: a wrong answer
                (_("Corrected"), series.values("snaps_corrected")),
                (_("Confirmed"), series.values("snaps_chosen")),
                (_("Waiting"), series.values("snaps_waiting")),
                # what an operator named later, the recogniser did not
                (
                    _("Not recognised"),
                    series.values("snaps_unrecognised", "snaps_labelled"),
                ),
            ],
            kind="bar",
            dom_id="snaps-per-day-chart",
        ),
        chart(
            _("Demand signals per day"),
            [
                (_("People asking for a product"), series.values("demand_requests")),
                (_("Demand alerts raised"), series.values("demand_alerts")),
            ],
            kind="bar",
            dom_id="demand-per-day-chart",
        ),
    ]


@operator_required
def operator_home(request: HttpRequest) -> HttpResponse:
    series = platform_daily_series(user=request.user, days=CHART_DAYS)
    closing = deal_list_open(page_size=CLOSING_SOON_COUNT)
    context = {
        "headline": dashboard_headline(user=request.user),
        "money": platform_money_overview(user=request.user),
        "charts": daily_charts(series),
        "figures_computed_at": series.computed_at,
        "closing_soon": deal_cards(closing.items),
    }
    return render(request, "web/operator/home.html", context)


def _page(request: HttpRequest, name: str) -> int:
    try:
        return max(1, int(request.GET.get(name, 1)))
    except (TypeError, ValueError):
        return 1


@operator_required
def operator_lookup(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    result = None
    if query:
        result = lookup.operator_lookup(
            user=request.user,
            query=query,
            orders_page=page_number(request),
            payments_page=_page(request, "payments_page"),
            merchants_page=_page(request, "merchants_page"),
        )
    context = {"query": query, "result": result}
    return render(request, "web/operator/lookup.html", context)


@operator_required
def operator_person(request: HttpRequest, user_id: str) -> HttpResponse:
    person = lookup.operator_user_view(user=request.user, user_id=user_id)
    orders = lookup.person_recent_orders(person=person, page=page_number(request))
    context = {
        "person": person,
        "orders": orders,
        "erased_at": lookup.person_erased_at(person=person),
        "previous_phones": lookup.person_previous_phones(person=person),
        "erasure_pending": erasure_pending_for(user=person),
        "lockout": person_lockout(person=person),
        "switch_refusal": account_switch_refusal(actor=request.user, user=person),
        "tokens": lookup.person_api_tokens(person=person),
    }
    return render(request, "web/operator/person.html", context)


@operator_required
def operator_order(request: HttpRequest, order_id: str) -> HttpResponse:
    order = lookup.operator_order_view(user=request.user, order_id=order_id)
    context = {
        "order": order,
        "view": order_view(order),
        "money": order_money(order=order),
        "shopper_erased_at": lookup.person_erased_at(person=order.shopper),
        # Refunded as its shop would from the console (deals.deal_order_refund,
        # which lets operators in): a paid order of a group buy still open.
        "can_refund": order.status == DealOrder.Status.PAID
        and order.deal.state == Deal.State.OPEN,
        "merchant": order.deal.merchant,
        "refund_form": RefundForm(),
    }
    return render(request, "web/operator/order.html", context)


@operator_required
def operator_payment(request: HttpRequest, payment_id: str) -> HttpResponse:
    payment = lookup.operator_payment_view(user=request.user, payment_id=payment_id)
    refunds = lookup.payment_refunds(payment=payment)
    context = {
        "payment": payment,
        "refunds": refunds,
        "order_id": lookup.payment_order_id(payment=payment),
        "payer_erased_at": lookup.person_erased_at(person=payment.payer),
        # neither refunded nor released: what "Refund what is still held" returns
        "held_fen": payment.remaining_held_fen,
    }
    return render(request, "web/operator/payment.html", context)


class MerchantOnboardForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Shop name"), max_length=120)
    name_en = forms.CharField(
        label=gettext_lazy("Shop name in English"), max_length=120, required=False
    )
    owner_phone = forms.CharField(
        label=gettext_lazy("Owner's phone number"),
        max_length=30,
        help_text=gettext_lazy(
            "Someone without an account gets an SMS invitation and becomes the "
            "owner when they sign up with this number."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "allow_same_name" in self.data:
            self.offer_same_name()

    def offer_same_name(self) -> None:
        """Show "Create it anyway": only once a name was refused as taken."""
        self.fields["allow_same_name"] = forms.BooleanField(
            label=gettext_lazy("Create it anyway"),
            required=False,
            help_text=gettext_lazy(
                "Tick this to create another merchant with the same name."
            ),
        )


def _onboarded_text(merchant, invitation) -> str:
    """Say the merchant is made, with a link to its console (operators may
    open every shop's)."""
    if invitation is not None:
        text = _(
            "%(merchant)s is ready; its owner was invited by SMS and "
            "becomes the owner on signing up."
        ) % {"merchant": merchant.display_name}
    else:
        text = _("%(merchant)s is ready; its owner can open the console now.") % {
            "merchant": merchant.display_name
        }
        others = owners_other_merchants(merchant=merchant)
        if others:
            names = ", ".join(other.display_name for other in others)
            also = _("They already own %(merchants)s too.") % {"merchants": names}
            text = join_sentences((text, also))
    return format_html(
        '{} <a href="{}" id="merchant-new-console">{}</a>',
        text,
        reverse("web:merchant_dashboard", args=[merchant.public_id]),
        _("Open %(merchant)s") % {"merchant": merchant.display_name},
    )


@operator_required
def operator_merchant_new(request: HttpRequest) -> HttpResponse:
    form = MerchantOnboardForm(request.POST or None)
    existing = None  # the merchant that has the name, when it is refused
    if request.method == "POST" and form.is_valid():
        try:
            merchant, invitation = merchant_onboard(
                actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            if error.code == "merchant_exists":
                form.offer_same_name()
                existing = error.extra
            for field, errors in error.fields.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            messages.success(request, _onboarded_text(merchant, invitation))
            return redirect("web:operator_merchant_new")
    context = {"form": form, "existing": existing}
    return render(request, "web/operator/merchant_new.html", context)
