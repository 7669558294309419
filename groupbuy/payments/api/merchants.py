"""A merchant's payouts and its daily payout (its owners, operators)."""

from __future__ import annotations

from ninja import Query, Router

from groupbuy.accounts.reauth import recent_authentication
from groupbuy.core.pagination import PageIn
from groupbuy.core.redaction import mask_account
from groupbuy.payments import payouts, selectors
from groupbuy.payments.api.schemas import (
    PayoutPageOut,
    PayoutScheduleIn,
    PayoutScheduleOut,
    PayoutsSummaryOut,
    payout_page,
    schedule_out,
)
from groupbuy.payments.models import PayoutSchedule
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router()


@router.get("/merchants/{merchant_id}/payouts", response=PayoutPageOut)
def merchant_payouts(request, merchant_id: str, paging: Query[PageIn]):
    """Return the merchant's payouts, newest first (its owners and operators)."""
    merchant = selectors.merchant_get_for_payouts(
        user=request.auth, merchant_id=merchant_id
    )
    return payout_page(
        selectors.payouts_for_merchant(merchant=merchant),
        paging,
        account_in_full=selectors.payee_account_in_full_for(
            user=request.auth, merchant=merchant
        ),
    )


_DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


@router.get("/merchants/{merchant_id}/payouts/summary", response=PayoutsSummaryOut)
def merchant_payouts_summary(
    request,
    merchant_id: str,
    date_from: str | None = Query(None, description=_DAY),
    date_to: str | None = Query(None, description=_DAY),
):
    """Return what the merchant's payouts paid into its account a week at a
    time (a month at a time past 92 days), as its payouts page charts it: by
    default the twelve weeks to today; otherwise the days read as the money
    page reads them (at most 366; 400 ``invalid_date`` on its field). A payout
    counts on the day it was paid; refused and pending ones not at all. Its
    owners and operators only."""
    merchant = selectors.merchant_get_for_payouts(
        user=request.auth, merchant_id=merchant_id
    )
    # Read after whose money it is: anyone else is 403 whatever days.
    form = DateRangeForm({"date_from": date_from, "date_to": date_to})
    if not form.is_valid():
        raise form_refusal(form, as_parameters=True)
    start, end = selectors.payouts_chart_period(
        form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    )
    return selectors.payouts_paid_over_time(
        user=request.auth, merchant=merchant, date_from=start, date_to=end
    )


@router.get("/merchants/{merchant_id}/payout-schedule", response=PayoutScheduleOut)
def payout_schedule(request, merchant_id: str):
    """Return where and when the merchant is paid out (its owners, operators)."""
    merchant = selectors.merchant_get_for_payouts(
        user=request.auth, merchant_id=merchant_id
    )
    schedule = selectors.payout_schedule_get(user=request.auth, merchant=merchant)
    return schedule_out(
        schedule,
        account_in_full=selectors.payee_account_in_full_for(
            user=request.auth, merchant=merchant
        ),
    )


@router.put("/merchants/{merchant_id}/payout-schedule", response=PayoutScheduleOut)
def payout_schedule_put(request, merchant_id: str, payload: PayoutScheduleIn):
    """Set the daily payout: the whole payable goes to this account every
    morning once it holds at least ``minimum_fen`` (its owners, operators).

    Changing where the money goes (``provider`` or ``payee_account``) needs a
    signed-in browser session whose password was confirmed within
    ``GROUPBUY_REAUTH_WINDOW_MINUTES``: otherwise 403
    ``reauthentication_required``, whose ``reauthenticate`` names the operation
    to confirm it with (``POST /api/me/reauthenticate``); a request signed by an
    API token is refused 403 ``session_required``. Every owner is told of the
    new account. The minimum and switching it off need neither."""
    merchant = selectors.merchant_get_for_payouts(
        user=request.auth, merchant_id=merchant_id
    )
    account_in_full = selectors.payee_account_in_full_for(
        user=request.auth, merchant=merchant
    )
    schedule = payouts.payout_schedule_set(
        actor=request.auth,
        merchant=merchant,
        enabled=payload.enabled,
        provider_name=payload.provider,
        payee_account=_account_sent(merchant, payload.payee_account),
        payee_name=payload.payee_name,
        minimum_fen=payload.minimum_fen,
        reauthentication=recent_authentication(request),
    )
    return schedule_out(schedule, account_in_full=account_in_full)


def _account_sent(merchant, sent: str) -> str:
    """The account to save: the one sent, or the current one when it is sent
    back as an operator read it (masked), so a read-then-write keeps it."""
    current = getattr(
        PayoutSchedule.objects.filter(merchant=merchant).first(), "payee_account", ""
    )
    if current and sent.strip() == mask_account(current):
        return current
    return sent
