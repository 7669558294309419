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
    payout_page,
    schedule_out,
)
from groupbuy.payments.models import PayoutSchedule

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
