"""Payouts: the operator's page of what each merchant is owed and the
payouts approved from it, and a merchant's page of its payouts and its daily
payout schedule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.accounts.reauth import recent_authentication
from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.money import format_fen
from groupbuy.core.pagination import paginate
from groupbuy.escrow.providers import SANDBOX, provider_label
from groupbuy.escrow.selectors import merchant_payable_fen
from groupbuy.payments.exports import payouts_csv
from groupbuy.payments.forms import PayoutForm, PayoutScheduleForm, payout_form_key
from groupbuy.payments.models import Payout
from groupbuy.payments.payout_chart import payouts_chart, payouts_chart_for_page
from groupbuy.payments.payouts import (
    payout_create,
    payout_schedule_set,
    transfer_capable_provider_names,
    transfer_provider_names,
)
from groupbuy.payments.selectors import (
    HELD_BELOW_MINIMUM,
    HELD_PAYOUT_ON_ITS_WAY,
    HELD_SHOP_SWITCHED_OFF,
    daily_payout_held,
    differences_for_operator,
    merchant_get_for_payouts,
    payables_for_operator,
    payee_account_in_full_for,
    payout_schedule_get,
    payouts_for_merchant,
    payouts_for_operator,
)
from groupbuy.web.password_step import (
    password_step_add,
    password_step_confirm,
    password_step_refusal,
)
from groupbuy.web.views.common import domain_errors_as_http


def _payout_initial(payables, merchant_id: str) -> dict:
    """The form filled in for the merchant chosen in the list of what is owed:
    its whole payable, to the account its daily payout names."""
    account = payables.filter(merchant__public_id=merchant_id).first()
    if account is None:
        return {"merchant": merchant_id, "idempotency_key": payout_form_key()}
    initial = {
        "merchant": merchant_id,
        "amount_fen": account.current_balance_fen,
        "idempotency_key": payout_form_key(),
    }
    schedule = getattr(account.merchant, "payout_schedule", None)
    if schedule is not None:
        initial.update(
            provider=schedule.provider,
            payee_account=schedule.payee_account,
            payee_name=schedule.payee_name,
        )
    return initial


def _payout_again_initial(payouts, payout_id: str) -> dict:
    """The form filled in as the failed payout ``payout_id`` was (merchant,
    amount, provider, account), to pay it again; empty for any other."""
    failed = payouts.filter(public_id=payout_id, status=Payout.Status.FAILED).first()
    if failed is None:
        return {}
    return {
        "merchant": failed.merchant.public_id,
        "amount_fen": failed.amount_fen,
        "provider": failed.provider,
        "payee_account": failed.payee_account,
        "payee_name": failed.payee_name,
        "idempotency_key": payout_form_key(),
    }


def _payout_form_shown(payables, payouts, query, *, providers) -> PayoutForm:
    """The payout form as a GET shows it: blank, filled in for the merchant
    chosen in what is owed (``merchant``), or as a failed payout was
    (``again``). Filled in, its amount has the focus: the operator who pressed
    "Pay out" or "Pay again" checks it and approves, rather than tabbing from
    the top of the page."""
    merchant_id = query.get("merchant", "").strip()
    initial = _payout_again_initial(payouts, query.get("again", "").strip())
    if not initial:
        initial = _payout_initial(payables, merchant_id)
    form = PayoutForm(initial=initial, providers=providers)
    if initial.get("amount_fen") is not None or merchant_id:
        form.fields["amount_fen"].widget.attrs["autofocus"] = True
    return form


def _approve(request: HttpRequest, form: PayoutForm) -> tuple[Payout | None, int]:
    """Approve the form's payout: (the payout, 201), or (None, the refusal's
    status) with the refusal put on the form."""
    data = form.cleaned_data
    try:
        merchant = merchant_get_for_payouts(
            user=request.user, merchant_id=data["merchant"]
        )
    except NotFound as missing:
        form.add_error("merchant", missing.message)
        return None, missing.status
    try:
        password_step_confirm(request, form)
        payout = payout_create(
            actor=request.user,
            merchant=merchant,
            amount_fen=data["amount_fen"],
            provider_name=data["provider"],
            payee_account=data["payee_account"],
            payee_name=data["payee_name"],
            idempotency_key=data["idempotency_key"],
            reauthentication=recent_authentication(request),
        )
    except DomainError as refusal:
        password_step_refusal(request, form, refusal)
        return None, refusal.status
    return payout, 201


def _providers_to_switch_on(*, for_operator: bool) -> str:
    """The providers that could pay merchants if switched on, for the sentence
    shown where none is: codes for the operator (the setting's words), names
    for the shop's owner (the sandbox is no real choice for them)."""
    names = transfer_capable_provider_names()
    if for_operator:
        return ", ".join(names)
    return ", ".join(str(provider_label(name)) for name in names if name != SANDBOX)


def _payouts_csv(payouts) -> HttpResponse:
    response = HttpResponse(
        payouts_csv(payouts), content_type="text/csv; charset=utf-8"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="payouts-{day}.csv"'
    return response


def _held_labels() -> dict[str, str]:
    return {
        HELD_SHOP_SWITCHED_OFF: _("Held: the shop is switched off"),
        HELD_PAYOUT_ON_ITS_WAY: _("Waits: a payout is still on its way"),
        HELD_BELOW_MINIMUM: _("Waits: below the minimum"),
    }


def _with_held_labels(page):
    """Say on each payable why the daily payout will not pay it out, if so."""
    labels = _held_labels()
    for account in page.items:
        account.daily_payout_held_label = labels.get(daily_payout_held(account), "")
    return page


@login_required
def operator_payouts(request: HttpRequest) -> HttpResponse:
    """Operators: what each merchant is owed, a payout approved from it, the
    payouts so far and the statements' differences; ``?format=csv``, every
    payout as CSV (anyone else 404, the CSV too)."""
    try:
        if request.GET.get("format") == "csv":
            return _payouts_csv(payouts_for_operator(user=request.user))
        payables = payables_for_operator(user=request.user)
        payouts = paginate(
            payouts_for_operator(user=request.user), page=request.GET.get("page", 1)
        )
        differences = paginate(
            differences_for_operator(user=request.user),
            page=request.GET.get("differences_page", 1),
        )
    except NotFound:
        raise Http404 from None
    providers = transfer_provider_names()
    status = 200
    if request.method == "POST":
        form = PayoutForm(request.POST, providers=providers)
        # The money goes to an account typed here: every approval asks for
        # the password, unless the session's window is open.
        password_step_add(form, request=request, required=True)
        payout, status = _approve(request, form) if form.is_valid() else (None, 400)
        if payout is not None:
            messages.success(
                request,
                _("Payout %(payout)s of %(amount)s approved.")
                % {"payout": payout.public_id, "amount": format_fen(payout.amount_fen)},
            )
            return redirect(request.path)
    else:
        form = _payout_form_shown(
            payables,
            payouts_for_operator(user=request.user),
            request.GET,
            providers=providers,
        )
        password_step_add(form, request=request, required=True)
    context = {
        "form": form,
        "payables": _with_held_labels(
            paginate(payables, page=request.GET.get("payables_page", 1))
        ),
        "payouts": payouts,
        "differences": differences,
        "providers_to_switch_on": _providers_to_switch_on(for_operator=True),
    }
    return render(request, "payments/operator_payouts.html", context, status=status)


def _schedule_save(request: HttpRequest, merchant, form: PayoutScheduleForm) -> int:
    """Save the owner's daily payout: 302, or the status of what is wrong, with
    the reason on the form and what was typed kept."""
    if not form.is_valid():
        return 400
    data = form.cleaned_data
    try:
        password_step_confirm(request, form)
        payout_schedule_set(
            actor=request.user,
            merchant=merchant,
            enabled=data["enabled"],
            provider_name=data["provider"],
            payee_account=form.kept_payee_account(),
            payee_name=data["payee_name"],
            minimum_fen=data["minimum_fen"],
            reauthentication=recent_authentication(request),
        )
    except DomainError as refusal:
        password_step_refusal(request, form, refusal)
        return refusal.status
    return 302


@login_required
@domain_errors_as_http
def merchant_payouts(request: HttpRequest, merchant_id: str) -> HttpResponse:
    """A merchant's owners: what its payouts paid a week (or month) at a time
    over a period (``?date_from=&date_to=``), its payouts and why any failed,
    and the daily payout schedule (its cashiers 403, anyone else 404)."""
    merchant = merchant_get_for_payouts(user=request.user, merchant_id=merchant_id)
    status = 200
    schedule = payout_schedule_get(user=request.user, merchant=merchant)
    # The shop's owners read their own accounts; operators ****1234, as the
    # API's lists give them: paying out needs no account read here.
    account_in_full = payee_account_in_full_for(user=request.user, merchant=merchant)
    form = PayoutScheduleForm(
        request.POST or None,
        providers=transfer_provider_names(),
        schedule=schedule,
        account_in_full=account_in_full,
    )
    # Asked only when where the money goes changes: the service says so.
    password_step_add(form, request=request, required=False)
    if request.method == "POST":
        status = _schedule_save(request, merchant, form)
        if status == 302:
            messages.success(request, _("Your payout schedule is saved."))
            return redirect(request.path)
    period_form, paid = payouts_chart_for_page(
        request.GET, user=request.user, merchant=merchant
    )
    if paid is None and status == 200:
        status = 400  # the period refused, said on its field
    context = {
        "merchant": merchant,
        "period_form": period_form,
        "paid": paid,
        "paid_chart": payouts_chart(paid) if paid is not None else None,
        "payouts": paginate(
            payouts_for_merchant(merchant=merchant), page=request.GET.get("page", 1)
        ),
        "form": form,
        "account_in_full": account_in_full,
        # What a payout would pay now (the money page's balance): until
        # 2026-12-06 this page showed only payouts made, not what is owed.
        "payable_fen": merchant_payable_fen(user=request.user, merchant=merchant),
        "section": "payouts",
        "providers_to_switch_on": _providers_to_switch_on(for_operator=False),
    }
    return render(request, "payments/merchant_payouts.html", context, status=status)
