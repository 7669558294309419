"""The payouts API's shapes, and turning payouts, schedules and payables
into them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from groupbuy.core.api_types import (
    JsonBool,
    JsonInt,
    answer_choices,
    registered_answer_choices,
)
from groupbuy.core.pagination import PageIn, PageOut, page_payload, paginate
from groupbuy.core.redaction import mask_account
from groupbuy.escrow.providers import registered_provider_names
from groupbuy.payments import payouts, selectors
from groupbuy.payments.models import Payout, PayoutSchedule, StatementDifference

# Larger than any payable the platform could hold; keeps the integer inside
# the database's bigint whatever a client sends.
MAX_FEN = 10**13


def provider_choices(*extra: str, **field) -> Any:
    """A payment provider's name: the document lists every one the code knows
    that can pay merchants (apps register them as they start), and ``extra``."""
    return registered_answer_choices(
        payouts.transfer_capable_provider_names, *extra, **field
    )


class PayoutOut(Schema):
    id: str
    merchant_id: str
    amount_fen: int
    fee_fen: int
    provider: str = provider_choices()
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


class PaidOutOut(Schema):
    """What reached the shop's account in one week or month of the period:
    its first and last days in the period."""

    start: date
    end: date
    amount_fen: int
    payouts: int


class PayoutsSummaryOut(Schema):
    """``selectors.payouts_paid_over_time``'s answer, read as it is."""

    date_from: date
    date_to: date
    # a week at a time (weeks start on Monday) up to 92 days, else a month
    unit: Literal["week", "month"]
    total_fen: int
    periods: list[PaidOutOut]


class PayableOut(Schema):
    merchant_id: str
    merchant_name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )
    payable_fen: int
    # The merchant's daily payout, if its owner set one (the form's defaults).
    daily_payout: bool
    # "" when the merchant has set no daily payout
    provider: str = provider_choices("")
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
    merchant_id: str = Field(
        ..., max_length=40, description="The shop to pay (`mer_…`)."
    )
    amount_fen: JsonInt = Field(..., ge=1, le=MAX_FEN)
    provider: str = provider_choices(max_length=20)
    payee_account: str = Field(..., max_length=100)
    payee_name: str = Field("", max_length=100)
    # Optional, one per approval: sent again with the same key (a retry after
    # a lost answer), the approval returns the payout it made the first time.
    idempotency_key: str = Field("", max_length=64)


class PayoutScheduleIn(Schema):
    enabled: JsonBool
    provider: str = provider_choices("", default="", max_length=20)
    payee_account: str = Field("", max_length=100)
    payee_name: str = Field("", max_length=100)
    minimum_fen: JsonInt = Field(10_000, ge=100, le=MAX_FEN)


class PayoutScheduleOut(Schema):
    is_set: bool
    enabled: bool
    # "" when no provider can pay merchants
    provider: str = provider_choices("")
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


def payout_page(queryset, paging: PageIn, *, account_in_full: bool) -> dict:
    result = paginate(queryset, page=paging.page, page_size=paging.page_size)
    return page_payload(
        result,
        [
            payout_out(payout, account_in_full=account_in_full)
            for payout in result.items
        ],
    )


def schedule_out(schedule, *, account_in_full: bool) -> dict:
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


class StatementDifferenceOut(Schema):
    """A line where a provider's daily statement and the ledger disagree."""

    day: date
    provider: str = registered_answer_choices(registered_provider_names)
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
