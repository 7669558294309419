"""The deals API's shapes, and turning models into them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.catalog.api.schemas import OpeningHoursDay
from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.idempotency import IDEMPOTENCY_KEY_PATTERN
from groupbuy.core.moments import Moment
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import deal_prices, order_paid_fen, orders_deposit_kept
from groupbuy.deals.services import (
    order_cancel_refusal,
    order_cancel_refusals,
    order_payment_retry_refusal,
)
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import intent_payer_url

# The values a client may send, in the document (the service refuses others
# with 400 invalid, in the request's language).
SETTLEMENT_MODES = {
    "enum": list(Deal.SettlementMode.values),
    "description": "on_close: the merchant is paid when the deal succeeds; "
    "on_redemption: each coupon redeemed pays its share.",
}


class TierIO(Schema):
    min_participants: JsonInt = Field(ge=1, le=1_000_000)
    price_fen: JsonInt = Field(ge=1, le=100_000_000)


class DealMerchantOut(Schema):
    id: str
    name: str = Field(
        description="The shop's name in the reader's language (its English name "
        "for an English reader when it has one)."
    )


class DealProductOut(Schema):
    id: str
    name: str
    name_zh: str
    name_en: str
    category_id: str | None


class DealOut(Schema):
    id: str
    title: str
    state: str = answer_choices(Deal.State)
    # The state the pages give: "scheduled" for an open deal before its start,
    # whose ``state`` is "open"; "failed" for a settled deal that failed (a
    # stopped one too), whose ``state`` stays "settled".
    shown_state: str = answer_choices(Deal.State, "scheduled")
    merchant: DealMerchantOut
    product: DealProductOut
    list_price_fen: int
    current_price_fen: int
    highest_price_fen: int
    lowest_price_fen: int
    final_price_fen: int | None
    tiers: list[TierIO]
    stock: int
    units_sold: int
    participants: int
    max_quantity_per_order: int
    starts_at: datetime
    deadline_at: datetime
    # When it stops selling: the deadline, or a team buy's end of sales (its row
    # closes later, once its teams are decided).
    sales_end_at: datetime
    closed_at: datetime | None
    # Who stopped the deal ("merchant" or "platform") and why, in their words,
    # as its buyers are told; null and "" for a deal nobody stopped.
    stopped_by: Literal["merchant", "platform"] | None = None
    stop_reason: str = ""
    distance_m: float | None = None


class ProgressTierOut(Schema):
    min_participants: int
    price_fen: int


class ProgressOut(Schema):
    """A deal's live snapshot, the one its WebSocket pushes (``deal.progress``)."""

    deal_id: str
    state: str = answer_choices(Deal.State)
    participants: int
    units_sold: int
    stock: int
    current_tier: ProgressTierOut | None
    next_tier: ProgressTierOut | None
    participants_to_next_tier: int | None
    final_price_fen: int | None
    starts_ms: int | None
    deadline_ms: int | None
    # the server's clock when the snapshot was taken, to count down by
    server_now_ms: int


class PaymentOut(Schema):
    intent_id: str
    amount_fen: int
    status: str = answer_choices(PaymentIntent.Status)
    is_submitted: bool
    # What went back to the payer: a payment that arrived after its order was
    # cancelled is refunded whole while the order's own refunded_fen stays 0.
    refunded_fen: int
    # Where to pay: the pay page, or once the payment was declined, the order's
    # page (a team place's: its team's), which offers to pay again.
    pay_url: str
    # A declined payment may be replaced: POST /api/deals/orders/{id}/pay-again.
    can_pay_again: bool = False


class OrderOut(Schema):
    id: str
    deal_id: str
    deal_title: str
    status: str = answer_choices(DealOrder.Status)
    # The status the pages and My orders' tabs give: "cancelled" for a paid
    # order its shopper cancelled, whose status stays "refunded".
    shown_status: str = answer_choices(DealOrder.Status)
    cancel_reason: str = answer_choices(DealOrder.CancelReason, "")
    # The shop's (or the platform's) words when it refunded the order or
    # stopped its deal (cancel_reason "deal_stopped", an unpaid order cancelled
    # too); "" else.
    refund_reason: str
    quantity: int
    unit_price_cap_fen: int
    amount_fen: int
    final_unit_price_fen: int | None
    charged_fen: int | None
    refunded_fen: int
    # What a demand's rule kept of the deposit applied to the order as its
    # shopper left (the pages' "Cancelled, deposit kept"), and who has it:
    # "merchant" or "platform"; 0 and null otherwise.
    deposit_kept_fen: int = 0
    deposit_kept_by: str | None = None
    joined_at: datetime
    paid_at: datetime | None
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    payment: PaymentOut | None
    pickup_branch_id: str | None = None
    pickup_branch_name: str | None = None
    # Whether the one asking, the order's shopper, may cancel it now (POST
    # /api/deals/orders/{id}/cancel), by the rule the order page's Cancel
    # follows (``order_cancel_refusal``): false for a team place whose team
    # is complete, and for anyone else asking (the shop's staff).
    can_cancel: bool = False


class MerchantPaymentOut(Schema):
    """A payment as the shop's staff read it: where it stands, without the
    shopper's ``pay_url`` (the link is the shopper's to pay with, not theirs
    to hand round)."""

    intent_id: str
    amount_fen: int
    status: str = answer_choices(PaymentIntent.Status)
    is_submitted: bool
    refunded_fen: int


class MerchantOrderOut(OrderOut):
    payment: MerchantPaymentOut | None
    # What the order's payments brought in, refunds aside (the shop's order
    # list's Paid): a demand's deposit applied to it counts whole, so it may be
    # less than amount_fen (only the deposit paid yet) or more.
    paid_fen: int
    shopper_name: str
    shopper_phone: str


class PickupBranchOut(Schema):
    id: str
    name: str
    name_en: str
    address: str
    # As the catalog's BranchOut gives them (catalog.hours).
    opening_hours: list[OpeningHoursDay]
    opening_hours_summary: str


class DealDetailOut(DealOut):
    description: str
    progress: dict
    my_order: OrderOut | None
    can_join: bool
    join_blocked_code: str | None
    join_blocked_message: str | None
    can_manage: bool
    # The masked names of the first paying buyers (张**, a***).
    first_buyers: list[str] = []
    # The most units the next buyer may take (order limit, stock, first tier).
    units_left_for_buyer: int = 0
    pickup_branches: list[PickupBranchOut] = []


class JoinIn(Schema):
    quantity: JsonInt = 1
    # A branch of the deal's merchant to collect from (its public id).
    pickup_branch_id: str | None = None


class JoinOut(Schema):
    order: OrderOut
    payment: PaymentOut


class DealCreateIn(Schema):
    product_id: str
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5_000)
    list_price_fen: JsonInt
    tiers: list[TierIO] = Field(min_length=1, max_length=10)
    stock: JsonInt
    starts_at: Moment | None = None  # none: now; passed: check_start
    deadline_at: Moment
    # At most the stock; none: 5, or the stock when that is less.
    max_quantity_per_order: JsonInt | None = None
    settlement_mode: str = Field("on_close", json_schema_extra=SETTLEMENT_MODES)
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per deal created (a UUID fits; or the "
            "Idempotency-Key header): sent again with the same request, it "
            "answers the deal the first one created (200) and creates nothing."
        ),
    )


class DealUpdateIn(Schema):
    product_id: str | None = None
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5_000)
    list_price_fen: JsonInt | None = None
    tiers: list[TierIO] | None = Field(None, min_length=1, max_length=10)
    stock: JsonInt | None = None
    starts_at: Moment | None = None
    deadline_at: Moment | None = None
    max_quantity_per_order: JsonInt | None = None
    settlement_mode: str | None = Field(
        None,
        json_schema_extra={
            **SETTLEMENT_MODES,
            "enum": [*SETTLEMENT_MODES["enum"], None],
        },
    )


class DealSearchIn(PageIn):
    q: str = Field(
        "",
        max_length=100,
        description="Title, product, brand or shop; a Chinese name also as pinyin "
        "(niunai) or its initials (nn), two letters at least",
    )
    category: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


# An order status to list by. Another value is a 422 naming the statuses: a
# client's typo ("payed") listed nothing, as if no order had it (until
# 2026-12-06). Left empty (``?status=``) it lists every order, as left out.
OrderStatusFilter = Annotated[
    Literal[tuple(DealOrder.Status.values)] | None,
    BeforeValidator(lambda value: value or None),
]


class StatusFilterIn(PageIn):
    status: OrderStatusFilter = None
    # The status the pages give (``OrderOut.shown_status``): "cancelled" finds
    # a paid order its shopper cancelled, "refunded" no longer does.
    shown_status: OrderStatusFilter = None


# A deal's shown_state (Deal.State's values and "scheduled"), what a merchant's
# list filters on.
DealStateFilter = Literal[
    "draft", "scheduled", "open", "succeeded", "failed", "settled"
]


class DealStateFilterIn(PageIn):
    # The deals whose shown_state is this: a settled deal that failed is
    # "failed", not "settled". ``status`` is the same filter's older name.
    state: DealStateFilter | None = None
    status: DealStateFilter | None = None


_DAY = "A day, YYYY-MM-DD (2026-11-30), in the site's time zone."


class MerchantOrderFilterIn(StatusFilterIn):
    q: str = Field("", max_length=40)
    deal_id: str = Field("", max_length=40)
    # The console's orders page names it so (its links, its CSV link).
    deal: str = Field("", max_length=40, description="deal_id's other name")
    # Days read as the console's orders page reads them (deals.api._days).
    date_from: str | None = Field(None, description=_DAY)
    date_to: str | None = Field(None, description=_DAY)
    # Which day of an order date_from/date_to are: the day joined (default),
    # or the day paid, the day the sales figures count it on.
    date_by: Literal["joined", "paid"] = "joined"


class AddStockIn(Schema):
    units: JsonInt
    idempotency_key: str | None = Field(
        default=None,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description=(
            "A new random key per addition (a UUID fits; or the Idempotency-Key "
            "header): sent again with the same request, it answers 200 with the "
            "stock as it stands and adds nothing; with another deal or number "
            "of units, 409 idempotency_key_reused."
        ),
    )


class ScheduleIn(Schema):
    deadline_at: Moment


class RefundIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class StopIn(Schema):
    # Told to the deal's shoppers, quoted, and kept on their refunded orders.
    reason: str = Field("", max_length=200)


class SalesIn(Schema):
    # Days read as the console's sales page reads them (deals.api._days).
    date_from: str | None = Field(None, description=_DAY)
    date_to: str | None = Field(None, description=_DAY)


class SalesRowOut(Schema):
    key: str
    label: str
    orders: int
    units: int
    revenue_fen: int
    fees_fen: int
    refunds_fen: int
    net_fen: int


class SalesOut(Schema):
    date_from: date
    date_to: date
    total: SalesRowOut
    days: list[SalesRowOut]
    deals: list[SalesRowOut]


class DealPageOut(PageOut):
    items: list[DealOut]


class OrderPageOut(PageOut):
    items: list[OrderOut]


class MerchantOrderPageOut(PageOut):
    items: list[MerchantOrderOut]


def deal_outs(deals) -> list[dict]:
    """The deals as the API gives them, a team buy with its teams' stock and end
    of sales (``deals.order_keepers``), one query for the lot."""
    from groupbuy.deals.order_keepers import outcomes_remembered, sales_of

    sales = sales_of(deals)
    # How each closed deal ended (its shown_state), asked once for the lot.
    return [deal_out(deal, sales=sales[deal.pk]) for deal in outcomes_remembered(deals)]


def deal_out(deal, *, sales) -> dict:
    """A deal for the API; ``sales`` is how it sells (``order_keepers.sales_of``)."""
    product = deal.product
    return {
        "id": deal.public_id,
        "title": deal.title,
        "state": deal.state,
        "shown_state": deal.shown_state,
        "merchant": {"id": deal.merchant.public_id, "name": deal.merchant.display_name},
        "product": {
            "id": product.public_id,
            "name": product.name,
            "name_zh": product.name_zh,
            "name_en": product.name_en,
            "category_id": product.category.public_id if product.category else None,
        },
        "list_price_fen": deal.list_price_fen,
        **deal_prices(deal),
        "final_price_fen": deal.final_price_fen,
        "tiers": [tier.as_dict() for tier in deal.tiers.all()],
        "stock": sales.stock,
        "units_sold": sales.sold,
        "participants": deal.participants,
        "max_quantity_per_order": deal.max_quantity_per_order,
        "starts_at": deal.starts_at,
        "deadline_at": deal.deadline_at,
        "sales_end_at": sales.ends_at,
        "closed_at": deal.closed_at,
        "stopped_by": deal.stopped_by or None,
        "stop_reason": deal.stop_reason,
        "distance_m": getattr(deal, "distance_m", None),
    }


def payment_out(request, order) -> dict | None:
    """Return the order's payment; a declined one leads to where it is paid
    again, as the order page offers (``order_payment_retry_refusal``)."""
    intent = order.payment_intent
    if intent is None:
        return None
    is_declined = intent.status == intent.Status.FAILED
    return {
        "intent_id": intent.public_id,
        "amount_fen": intent.amount_fen,
        "status": intent.status,
        "is_submitted": intent.submitted_at is not None,
        "refunded_fen": intent.refunded_fen,
        "pay_url": request.build_absolute_uri(intent_payer_url(intent)),
        "can_pay_again": is_declined
        and order_payment_retry_refusal(order, now=timezone.now()) is None,
    }


# the account a kept deposit went to, named as a demand's forfeit_rule names it
_KEPT_BY = {"merchant_payable": "merchant", "platform_revenue": "platform"}


def order_out(
    request,
    order,
    *,
    deposits_kept: dict | None = None,
    cancel_refusals: dict | None = None,
) -> dict:
    """Return the order's answer; ``deposits_kept`` is ``orders_deposit_kept``
    and ``cancel_refusals`` ``order_cancel_refusals`` of a list it is in, read
    once for the whole list (``order_outs``)."""
    if deposits_kept is None:
        deposits_kept = orders_deposit_kept([order])
    kept = deposits_kept.get(order.pk)
    return {
        "id": order.public_id,
        "deal_id": order.deal.public_id,
        "deal_title": order.deal.title,
        "status": order.status,
        "shown_status": order.shown_status,
        "cancel_reason": order.cancel_reason,
        "refund_reason": order.refund_reason,
        "quantity": order.quantity,
        "unit_price_cap_fen": order.unit_price_cap_fen,
        "amount_fen": order.amount_fen,
        "final_unit_price_fen": order.final_unit_price_fen,
        "charged_fen": order.charged_fen,
        "refunded_fen": order.refunded_fen,
        "deposit_kept_fen": kept.amount_fen if kept else 0,
        "deposit_kept_by": _KEPT_BY.get(kept.kept_by) if kept else None,
        "joined_at": order.joined_at,
        "paid_at": order.paid_at,
        "confirmed_at": order.confirmed_at,
        "cancelled_at": order.cancelled_at,
        "payment": payment_out(request, order),
        "pickup_branch_id": getattr(order.pickup_branch, "public_id", None),
        # As the pages name it: its English name for an English reader.
        "pickup_branch_name": getattr(order.pickup_branch, "display_name", None),
        "can_cancel": _can_cancel(request, order, cancel_refusals),
    }


def _can_cancel(request, order, cancel_refusals: dict | None) -> bool:
    asker = getattr(request, "auth", None) or getattr(request, "user", None)
    if order.shopper_id != getattr(asker, "pk", None):
        return False
    if cancel_refusals is None:
        return order_cancel_refusal(order, now=timezone.now()) is None
    return cancel_refusals[order.pk] is None


def order_outs(request, orders) -> list[dict]:
    """Return the orders' answers, reading their kept deposits and whether
    they can be cancelled at once."""
    orders = list(orders)
    kept = orders_deposit_kept(orders)
    refusals = order_cancel_refusals(orders, now=timezone.now())
    return [
        order_out(request, order, deposits_kept=kept, cancel_refusals=refusals)
        for order in orders
    ]


def merchant_order_outs(request, orders) -> list[dict]:
    """Return the orders' answers for their merchant, as ``order_outs``."""
    orders = list(orders)
    kept = orders_deposit_kept(orders)
    return [merchant_order_out(request, order, deposits_kept=kept) for order in orders]


def merchant_order_out(request, order, *, deposits_kept: dict | None = None) -> dict:
    """Return the order's answer for its merchant; a list's orders come with
    ``paid_fen`` read for all of them (``orders_with_paid_fen``)."""
    paid_fen = getattr(order, "paid_fen", None)
    answer = order_out(request, order, deposits_kept=deposits_kept)
    if answer["payment"] is not None:
        answer["payment"] = {
            name: value
            for name, value in answer["payment"].items()
            if name in MerchantPaymentOut.model_fields
        }
    return {
        **answer,
        "paid_fen": order_paid_fen(order=order) if paid_fen is None else paid_fen,
        # An erased buyer is "Deleted user" with no phone (the pseudonym
        # kept in its phone column is no number to mask).
        "shopper_name": str(_("Deleted user"))
        if is_erased(order.shopper)
        else order.shopper.display_name,
        "shopper_phone": ""
        if is_erased(order.shopper)
        else mask_phone(order.shopper.phone),
    }


def deal_detail_out(request, detail) -> dict:
    refusal = detail.join_refusal
    return {
        **deal_outs([detail.deal])[0],
        "description": detail.deal.description,
        "progress": detail.progress,
        "my_order": order_out(request, detail.my_order) if detail.my_order else None,
        "can_join": detail.can_join,
        "join_blocked_code": refusal.code if refusal else None,
        "join_blocked_message": refusal.message if refusal else None,
        "can_manage": detail.can_manage,
        "first_buyers": detail.first_buyers,
        "units_left_for_buyer": detail.units_left_for_buyer,
        "pickup_branches": [
            {
                "id": branch.public_id,
                "name": branch.name,
                "name_en": branch.name_en,
                "address": branch.address,
                "opening_hours": branch.opening_hours,
                "opening_hours_summary": branch.hours_summary,
            }
            for branch in detail.pickup_branches
        ],
    }
