"""The deals API's shapes of orders and payments, for shoppers and the shop."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.core.api_types import JsonInt, answer_choices
from groupbuy.core.api_urls import AbsoluteUrl
from groupbuy.core.pagination import PageIn, PageOut
from groupbuy.deals.models import DealOrder
from groupbuy.deals.schemas.sales import DAY
from groupbuy.deals.selectors import order_paid_fen, orders_deposit_kept
from groupbuy.deals.services import (
    order_cancel_refusal,
    order_cancel_refusals,
    order_payment_retry_refusal,
)
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import intent_payer_url


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
    pay_url: AbsoluteUrl
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


class JoinIn(Schema):
    quantity: JsonInt = Field(
        1, description="Units to buy, 1 to the deal's `max_quantity_per_order`."
    )
    pickup_branch_id: str | None = Field(
        None,
        description="The shop's branch to collect from (`br_…`, one of the "
        "`branches` of `GET /api/catalog/merchants/{merchant_id}`); needed when "
        "the shop has more than one open branch.",
    )


class JoinOut(Schema):
    order: OrderOut
    payment: PaymentOut


# An order status to list by. Another value is a 422 naming the statuses: a
# client's typo ("payed") listed nothing, as if no order had it (until
# 2026-12-06). Left empty (``?status=``) it lists every order, as left out.
OrderStatusFilter = Annotated[
    Literal[tuple(DealOrder.Status.values)] | None,
    BeforeValidator(lambda value: value or None),
]


class StatusFilterIn(PageIn):
    status: OrderStatusFilter = Field(
        None, description="Only the orders whose `status` is this."
    )
    # The status the pages give (``OrderOut.shown_status``): "cancelled" finds
    # a paid order its shopper cancelled, "refunded" no longer does.
    shown_status: OrderStatusFilter = Field(
        None,
        description="Only the orders whose `shown_status` (what the pages say) "
        "is this: `cancelled` finds a paid order its shopper cancelled.",
    )


class MerchantOrderFilterIn(StatusFilterIn):
    q: str = Field(
        "",
        max_length=40,
        description="An order's number (`ord_…`) or the end of its buyer's phone.",
    )
    deal_id: str = Field("", max_length=40, description="One deal's orders (`deal_…`).")
    # The console's orders page names it so (its links, its CSV link).
    deal: str = Field("", max_length=40, description="deal_id's other name")
    # Days read as the console's orders page reads them (deals.api._days).
    date_from: str | None = Field(None, description=DAY)
    date_to: str | None = Field(None, description=DAY)
    # Which day of an order date_from/date_to are: the day joined (default),
    # or the day paid, the day the sales figures count it on.
    date_by: Literal["joined", "paid"] = Field(
        "joined",
        description="Which day of an order `date_from` and `date_to` are: the day "
        "it was joined, or paid (the day the sales figures count it on).",
    )


class RefundIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class OrderPageOut(PageOut):
    items: list[OrderOut]


class MerchantOrderPageOut(PageOut):
    items: list[MerchantOrderOut]


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
