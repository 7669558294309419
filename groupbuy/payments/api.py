"""Payouts API: a merchant's payouts and daily schedule; operators approve payouts
and read the platform's fee income (``escrow.platform_fees``).

The same services as the payout pages (``payments.payouts``): a merchant's
owners (or an operator) read its payouts and set the schedule, and only
operators approve one. The shop's money is its owners': its cashiers are
refused 403 forbidden, as on every owners-only endpoint; someone else's
merchant answers 404, as the pages do; the operator endpoints answer anyone
else 403, as every operator endpoint does.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from groupbuy.accounts.reauth import recent_authentication
from groupbuy.catalog.permissions import require_operator
from groupbuy.core.api_types import JsonBool, JsonInt, answer_choices
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import (
    PageIn,
    PageOut,
    page_payload,
    paginate,
)
from groupbuy.core.redaction import mask_account
from groupbuy.escrow.platform_fees import platform_fees_for_period
from groupbuy.payments import payouts, selectors
from groupbuy.payments.models import Payout, PayoutSchedule, StatementDifference
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router(tags=["payouts"])

# Larger than any payable the platform could hold; keeps the integer inside
# the database's bigint whatever a client sends.
MAX_FEN = 10**13


class PayoutOut(Schema):
    id: str
    merchant_id: str
    amount_fen: int
    fee_fen: int
    provider: str
    payee_account: str
    status: str = answer_choices(Payout.Status)
    # The provider's own text for a refused transfer, as it wrote it.
    failure_reason: str
    # What it means in the reader's language; "" when the platform does not
    # know the provider's code (then read failure_reason).
    failure_message: str = ""
    scheduled_for: date | None
    created_at: datetime
    confirmed_at: datetime | None


class PayoutPageOut(PageOut):
    items: list[PayoutOut]


class PayableOut(Schema):
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    payable_fen: int
    # The merchant's daily payout, if its owner set one (the form's defaults).
    daily_payout: bool
    provider: str
    payee_account: str
    daily_payout_held: Literal[
        "", "shop_switched_off", "payout_on_its_way", "below_minimum"
    ] = Field(
        description="Why the daily payout will not pay this out on its next run: "
        "the shop is switched off (held until an operator switches it on), a "
        "payout of it is still on its way, or it is below the schedule's minimum; "
        "empty when it will, or when the shop has no daily payout."
    )


class PayablePageOut(PageOut):
    items: list[PayableOut]


class PayoutApproveIn(Schema):
    merchant_id: str = Field(..., max_length=40)
    amount_fen: JsonInt = Field(..., ge=1, le=MAX_FEN)
    provider: str = Field(..., max_length=20)
    payee_account: str = Field(..., max_length=100)
    payee_name: str = Field("", max_length=100)
    # Optional, one per approval: sent again with the same key (a retry after
    # a lost answer), the approval returns the payout it made the first time.
    idempotency_key: str = Field("", max_length=64)


class PayoutScheduleIn(Schema):
    enabled: JsonBool
    provider: str = Field("", max_length=20)
    payee_account: str = Field("", max_length=100)
    payee_name: str = Field("", max_length=100)
    minimum_fen: JsonInt = Field(10_000, ge=100, le=MAX_FEN)


class PayoutScheduleOut(Schema):
    is_set: bool
    enabled: bool
    provider: str
    payee_account: str
    payee_name: str
    minimum_fen: int
    updated_at: datetime | None
    # The providers this platform can pay merchants by, for the form.
    providers: list[str]


def payout_out(payout: Payout, *, account_in_full: bool) -> dict:
    """A payout for the API, for its merchant's owners and operators (the only
    readers of payouts: ``selectors.check_payout_reader``). Its payee account
    is in full for the merchant's owners and the operator who just approved
    it; lists give operators ``****1234`` (what each merchant is owed,
    ``/operator/payables``, gives the account a payout is approved to)."""
    account = payout.payee_account if account_in_full else payout.payee_account_masked
    return {
        "id": payout.public_id,
        "merchant_id": payout.merchant.public_id,
        "amount_fen": payout.amount_fen,
        "fee_fen": payout.fee_fen,
        "provider": payout.provider,
        "payee_account": account,
        "status": payout.status,
        "failure_reason": payout.failure_reason,
        "failure_message": payout.failure_words,
        "scheduled_for": payout.scheduled_for,
        "created_at": payout.created_at,
        "confirmed_at": payout.confirmed_at,
    }


def _payout_page(queryset, paging: PageIn, *, account_in_full: bool) -> dict:
    result = paginate(queryset, page=paging.page, page_size=paging.page_size)
    return page_payload(
        result,
        [
            payout_out(payout, account_in_full=account_in_full)
            for payout in result.items
        ],
    )


def _schedule_out(schedule, *, account_in_full: bool) -> dict:
    """The daily payout; its account in full for the shop's owners, masked
    for operators (``selectors.payee_account_in_full_for``)."""
    providers = payouts.transfer_provider_names()
    if schedule is None:  # not set yet: the model's defaults, switched off
        schedule = PayoutSchedule(
            enabled=False, provider=providers[0] if providers else ""
        )
    account = schedule.payee_account
    return {
        "is_set": schedule.pk is not None,
        "enabled": schedule.enabled,
        "provider": schedule.provider,
        "payee_account": account if account_in_full else mask_account(account),
        "payee_name": schedule.payee_name,
        "minimum_fen": schedule.minimum_fen,
        "updated_at": schedule.updated_at,
        "providers": providers,
    }


@router.get("/merchants/{merchant_id}/payouts", response=PayoutPageOut)
def merchant_payouts(request, merchant_id: str, paging: Query[PageIn]):
    """Return the merchant's payouts, newest first (its owners and operators)."""
    merchant = selectors.merchant_get_for_payouts(
        user=request.auth, merchant_id=merchant_id
    )
    return _payout_page(
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
    return _schedule_out(
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
    return _schedule_out(schedule, account_in_full=account_in_full)


def _account_sent(merchant, sent: str) -> str:
    """The account to save: the one sent, or the current one when it is sent
    back as an operator read it (masked), so a read-then-write keeps it."""
    current = getattr(
        PayoutSchedule.objects.filter(merchant=merchant).first(), "payee_account", ""
    )
    if current and sent.strip() == mask_account(current):
        return current
    return sent


@router.get("/operator/payouts", response=PayoutPageOut)
def operator_payouts(request, paging: Query[PageIn]):
    """Return every merchant's payouts, newest first (operators)."""
    require_operator(request.auth)
    return _payout_page(
        selectors.payouts_for_operator(user=request.auth),
        paging,
        account_in_full=False,
    )


class StatementDifferenceOut(Schema):
    """A line where a provider's daily statement and the ledger disagree."""

    day: date
    provider: str
    kind: str = answer_choices(StatementDifference.Kind)
    # the kind in the reader's words, as the payouts page says it
    kind_label: str
    line_kind: str = answer_choices(["payment", "refund"])
    reference: str
    # None where the line is on one side only
    ledger_fen: int | None
    provider_fen: int | None
    created_at: datetime


class StatementDifferencePageOut(PageOut):
    items: list[StatementDifferenceOut]


@router.get("/operator/statement-differences", response=StatementDifferencePageOut)
def operator_statement_differences(request, paging: Query[PageIn]):
    """Return the providers' statement lines that differ from the ledger, newest
    day first: the payouts page's "Statement differences" (operators)."""
    require_operator(request.auth)
    differences = selectors.differences_for_operator(user=request.auth)
    result = paginate(differences, page=paging.page, page_size=paging.page_size)
    return page_payload(
        result,
        [
            {
                "day": difference.day,
                "provider": difference.provider,
                "kind": difference.kind,
                "kind_label": difference.get_kind_display(),
                "line_kind": difference.line_kind,
                "reference": difference.reference,
                "ledger_fen": difference.ledger_fen,
                "provider_fen": difference.provider_fen,
                "created_at": difference.created_at,
            }
            for difference in result.items
        ],
    )


def payable_out(account) -> dict:
    schedule = getattr(account.merchant, "payout_schedule", None)
    return {
        "merchant_id": account.merchant.public_id,
        "merchant_name": account.merchant.display_name,
        "payable_fen": account.current_balance_fen,
        "daily_payout": bool(schedule and schedule.enabled),
        "provider": schedule.provider if schedule else "",
        "payee_account": schedule.payee_account if schedule else "",
        "daily_payout_held": selectors.daily_payout_held(account),
    }


@router.get("/operator/payables", response=PayablePageOut)
def operator_payables(request, paging: Query[PageIn]):
    """Return what each merchant is owed (its payable balance above zero),
    largest first: what a payout is approved from (operators)."""
    require_operator(request.auth)
    accounts = selectors.payables_for_operator(user=request.auth)
    result = paginate(accounts, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [payable_out(account) for account in result.items])


@router.post("/operator/payouts", response={201: PayoutOut})
def operator_payout_create(request, payload: PayoutApproveIn):
    """Approve a payout from a merchant's payable; it is sent to the provider
    at once and its outcome arrives later (operators). With an
    ``idempotency_key``, the same approval sent again returns the first payout
    (201) and pays nothing more; the key sent with another merchant or amount
    is refused (409 ``idempotency_key_reused``).

    The account is typed here, so this needs a signed-in browser session whose
    password was confirmed within ``GROUPBUY_REAUTH_WINDOW_MINUTES``: otherwise
    403 ``reauthentication_required`` (confirm it with ``POST
    /api/me/reauthenticate``); a request signed by an API token is refused 403
    ``session_required``."""
    # Before the merchant is looked up: no one else learns which ids exist.
    require_operator(request.auth)
    with id_in_request("merchant_id"):
        merchant = selectors.merchant_get_for_payouts(
            user=request.auth, merchant_id=payload.merchant_id
        )
    payout = payouts.payout_create(
        actor=request.auth,
        merchant=merchant,
        amount_fen=payload.amount_fen,
        provider_name=payload.provider,
        payee_account=payload.payee_account,
        payee_name=payload.payee_name,
        idempotency_key=payload.idempotency_key,
        reauthentication=recent_authentication(request),
    )
    return Status(201, payout_out(payout, account_in_full=True))


class FeeFiguresOut(Schema):
    earned_fen: int  # credits to the platform-revenue account
    returned_fen: int  # its debits (fees given back), as a positive amount
    net_fen: int  # earned_fen - returned_fen: what the account moved


class FeeBucketOut(FeeFiguresOut):
    start: date  # the day, or the first day of the month


class MerchantFeesOut(FeeFiguresOut):
    # null for lines that moved no merchant's money (deposits kept for the
    # platform under a demand's rule)
    merchant_id: str | None
    merchant_name: str


class PlatformFeesOut(FeeFiguresOut):
    date_from: date
    date_to: date
    by: Literal["day", "month"]
    buckets: list[FeeBucketOut]
    merchants: list[MerchantFeesOut]


def _figures(fees) -> dict:
    return {
        "earned_fen": fees.earned_fen,
        "returned_fen": fees.returned_fen,
        "net_fen": fees.net_fen,
    }


# The fees' days, as the fees page reads them (web.forms_merchant.DateRangeForm).
_DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


@router.get("/operator/fees", response=PlatformFeesOut)
def operator_fees(
    request,
    date_from: str | None = Query(None, description=_DAY),
    date_to: str | None = Query(None, description=_DAY),
):
    """Return the platform's fee income over date_from..date_to (days in the
    display time zone, at most 366; neither: this month so far; a lone
    date_to starts on its month's first day, a lone date_from ends today): its
    totals, by day (by month past 62 days) and by merchant (operators). The
    days are read as the fees page reads them (2026-11-30); one that cannot be
    read, or an end before the start, is a 400 ``invalid_date`` on its field."""
    require_operator(request.auth)
    # Read after who is asking: anyone but an operator is 403 whatever days.
    form = DateRangeForm({"date_from": date_from, "date_to": date_to})
    if not form.is_valid():
        raise form_refusal(form, as_parameters=True)
    fees = platform_fees_for_period(user=request.auth, **form.cleaned_data)
    return {
        **_figures(fees.total),
        "date_from": fees.date_from,
        "date_to": fees.date_to,
        "by": fees.by,
        "buckets": [
            {"start": bucket.start, **_figures(bucket)} for bucket in fees.buckets
        ],
        "merchants": [
            {
                "merchant_id": merchant.merchant_id or None,
                "merchant_name": merchant.merchant_name,
                **_figures(merchant),
            }
            for merchant in fees.merchants
        ],
    }
