"""Escrow API: payment status, my money, and the providers' callbacks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from groupbuy.catalog.models import Merchant
from groupbuy.core.api_types import answer_choices, registered_answer_choices
from groupbuy.core.api_urls import AbsoluteUrl, absolute_url
from groupbuy.core.pagination import (
    PageIn,
    PageOut,
    page_payload,
)
from groupbuy.escrow import selectors, services
from groupbuy.escrow.callbacks import DUPLICATE, payment_callback_receive
from groupbuy.escrow.handlers import PURPOSE_DESCRIPTION, registered_purposes
from groupbuy.escrow.merchant_money import (
    merchant_daily_balances,
    merchant_money_for_period,
)
from groupbuy.escrow.models import PaymentIntent, ProviderEvent
from groupbuy.web.forms_merchant import DateRangeForm
from groupbuy.web.views.merchant_money import form_refusal

router = Router(tags=["escrow"])


class IntentOut(Schema):
    id: str
    status: str = answer_choices(PaymentIntent.Status)
    amount_fen: int
    refunded_fen: int
    currency: str
    purpose: str = registered_answer_choices(
        registered_purposes, description=PURPOSE_DESCRIPTION
    )
    reference: str
    description: str
    is_submitted: bool
    pay_url: AbsoluteUrl
    return_url: AbsoluteUrl
    created_at: datetime
    succeeded_at: datetime | None


class SandboxPayIn(Schema):
    outcome: Literal["succeeded", "failed"] = "succeeded"


class MoneyOut(Schema):
    held_fen: int
    spent_fen: int = Field(
        description="Paid to merchants, coupon deals included, "
        "less what came back for coupons not used"
    )
    refunded_fen: int
    paid_in_fen: int
    kept_fen: int = Field(
        description="Deposits kept under a demand's rule; "
        "paid_in = held + spent + refunded + kept"
    )


class LedgerLineOut(Schema):
    transaction_id: str
    kind: str
    label: str
    amount_fen: int
    reference_type: str
    reference_id: str
    memo: str
    created_at: datetime


class LedgerPageOut(PageOut):
    items: list[LedgerLineOut]


class DayBalanceOut(Schema):
    day: date
    closing_fen: int  # the payable's balance at the end of that day


class MerchantMoneyOut(Schema):
    payable_fen: int  # the balance now
    # The period asked for (days in the display time zone), null for the whole
    # history; its payable balance at the start of date_from and at the end of
    # date_to (closing_fen = opening_fen + the sum of its lines).
    date_from: date | None = None
    date_to: date | None = None
    opening_fen: int = 0
    closing_fen: int = 0
    # each day of the period with its closing balance, as the money page's
    # chart; empty for the whole history
    days: list[DayBalanceOut] = []
    lines: LedgerPageOut


class CallbackOut(Schema):
    # What the callback did (``escrow.callbacks``), "duplicate" for one
    # already applied (a provider's retry).
    status: str = answer_choices(ProviderEvent.Outcome, DUPLICATE)


def intent_out(request, intent) -> dict:
    return {
        "id": intent.public_id,
        "status": intent.status,
        "amount_fen": intent.amount_fen,
        "refunded_fen": intent.refunded_fen,
        "currency": intent.currency,
        "purpose": intent.purpose,
        "reference": intent.reference,
        "description": intent.description,
        "is_submitted": intent.submitted_at is not None,
        "pay_url": absolute_url(request, services.intent_pay_url(intent)),
        "return_url": intent.return_url,
        "created_at": intent.created_at,
        "succeeded_at": intent.succeeded_at,
    }


def page_out(result) -> dict:
    return page_payload(result, [line.__dict__ for line in result.items])


@router.get("/intents/{intent_id}", response=IntentOut)
def intent_detail(request, intent_id: str):
    """Return a payment's status (its payer only); pages poll this after paying."""
    intent = selectors.intent_get_for_user(user=request.auth, intent_id=intent_id)
    return intent_out(request, intent)


@router.post("/intents/{intent_id}/sandbox-pay", response={202: IntentOut})
def intent_sandbox_pay(request, intent_id: str, payload: SandboxPayIn):
    """Pay or decline on the sandbox gateway; the outcome arrives by callback."""
    intent = selectors.intent_get_for_user(user=request.auth, intent_id=intent_id)
    intent = services.sandbox_payment_submit(
        actor=request.auth, intent=intent, outcome=payload.outcome
    )
    return Status(202, intent_out(request, intent))


@router.get("/me/money", response=MoneyOut)
def my_money(request):
    """Return my held, spent, refunded, kept and paid-in totals in fen."""
    return selectors.shopper_money_summary(user=request.auth).__dict__


@router.get("/me/ledger", response=LedgerPageOut)
def my_ledger(request, paging: Query[PageIn]):
    """Return every movement of my held money, newest first."""
    result = selectors.shopper_ledger_lines(
        user=request.auth, page=paging.page, page_size=paging.page_size
    )
    return page_out(result)


class PlatformMoneyOut(Schema):
    """The operator dashboard's money tiles."""

    # "Money held in escrow": shoppers' money held for open group buys
    shopper_held_fen: int
    # "Owed to merchants": the merchants' payable balances, added up
    merchant_payable_fen: int
    # when the totals job last summed them (once a minute)
    totals_computed_at: datetime


@router.get("/operator/money", response=PlatformMoneyOut)
def operator_money(request):
    """Return the money the operator dashboard shows: held in escrow and owed
    to merchants, as of when they were summed (operators only)."""
    return selectors.platform_money_overview(user=request.auth)


# The money's days, as the money page reads them (web.forms_merchant.DateRangeForm).
_DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


@router.get("/merchants/{merchant_id}/money", response=MerchantMoneyOut)
def merchant_money(
    request,
    merchant_id: str,
    paging: Query[PageIn],
    date_from: str | None = Query(None, description=_DAY),
    date_to: str | None = Query(None, description=_DAY),
):
    """Return what the platform owes a merchant and the lines behind it; with
    date_from/date_to, the lines of that period with its opening and closing
    balances (at most 366 days; a lone date_to starts on its month's first
    day, a lone date_from ends today). The days are read as the money page
    reads them (2026-11-30); one that cannot be read, or an end before the
    start, is a 400 ``invalid_date`` on its field."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    payable_fen = selectors.merchant_payable_fen(user=request.auth, merchant=merchant)
    # Read after whose money it is: anyone else is 403 whatever days.
    form = DateRangeForm({"date_from": date_from, "date_to": date_to})
    if not form.is_valid():
        raise form_refusal(form, as_parameters=True)
    period = merchant_money_for_period(
        user=request.auth,
        merchant=merchant,
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
        page=paging.page,
        page_size=paging.page_size,
    )
    return {
        "payable_fen": payable_fen,
        "date_from": period.date_from,
        "date_to": period.date_to,
        "opening_fen": period.opening_fen,
        "closing_fen": period.closing_fen,
        "days": [
            {"day": day, "closing_fen": balance}
            for day, balance in merchant_daily_balances(
                user=request.auth, merchant=merchant, period=period
            )
        ],
        "lines": page_out(period.lines),
    }


@router.post("/callbacks/{provider_name}", response=CallbackOut, auth=None)
def provider_callback(request, provider_name: str):
    """Receive a payment provider's signed callback (sandbox: X-Sandbox-Signature)."""
    outcome = payment_callback_receive(
        provider_name=provider_name, body=request.body, headers=request.headers
    )
    return {"status": outcome}
