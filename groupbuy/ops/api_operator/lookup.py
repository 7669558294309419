"""The operator's look-up over the API: people, orders, payments and merchants.

Phones are masked in look-up lists and in full only on one person, order or
payment, whose reading is audited, as on the pages.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema
from pydantic import Field

from groupbuy.accounts.personal_data import is_erased
from groupbuy.accounts.phones import mask_phone
from groupbuy.accounts.selectors import person_lockout
from groupbuy.core.api_types import answer_choices, registered_answer_choices
from groupbuy.core.pagination import PageIn, PageOut, page_payload
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import order_money
from groupbuy.escrow.handlers import PURPOSE_DESCRIPTION, registered_purposes
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.ops import lookup
from groupbuy.ops.selectors import erasure_pending_for

router = Router()  # tagged "operator" where the package mounts it


class OperatorPersonRow(Schema):
    id: str
    phone_masked: str  # the number the account has now ("" once erased)
    display_name: str
    # found by a number the account had before, up to this moment (null when
    # found by the number it has now, or by its id)
    previous_number_until: datetime | None = None
    erased_at: datetime | None = None  # an erased account ("Deleted user")


class OperatorOrderRow(Schema):
    id: str
    # its group buy: GET /api/operator/deals/{deal_id}
    deal_id: str
    deal_title: str
    shopper_phone_masked: str
    status: str = answer_choices(DealOrder.Status)
    # as the lists show it: "cancelled" for a paid order its shopper cancelled
    shown_status: str = answer_choices(DealOrder.Status)
    amount_fen: int
    # what its payments brought in, and paid less refunded (OrderMoney)
    paid_fen: int
    refunded_fen: int
    kept_fen: int
    joined_at: datetime


class OperatorPaymentRow(Schema):
    id: str
    payer_phone_masked: str
    description: str
    status: str = answer_choices(PaymentIntent.Status)
    amount_fen: int
    refunded_fen: int
    created_at: datetime


class OperatorMerchantOwnerRow(Schema):
    id: str
    display_name: str
    phone_masked: str


class OperatorMerchantRow(Schema):
    id: str
    name: str
    name_en: str
    is_active: bool
    owners: list[OperatorMerchantOwnerRow]


class OperatorDealRow(Schema):
    """A group buy found by its number: GET /api/operator/deals/{id} in full."""

    id: str
    title: str
    merchant_id: str
    state: str = answer_choices(Deal.State)


class OperatorLookupOut(Schema):
    people: list[OperatorPersonRow]
    deals: list[OperatorDealRow] = []
    orders: list[OperatorOrderRow]
    orders_total: int
    # Where each list's page sits, as the coupon statement's lists say it:
    # ``{page, page_size, total, pages}``.
    orders_page: PageOut
    payments: list[OperatorPaymentRow]
    payments_total: int
    payments_page: PageOut
    merchants: list[OperatorMerchantRow]
    merchants_total: int
    merchants_page: PageOut


_LIST_PAGE = (
    "The page of the %s found to list, from 1, of 20 (`%s_page` in the answer "
    "says where it sits); a page past the last lists none."
)


class OperatorLookupIn(Schema):
    q: str = Field(
        description="A phone number (any common format), or an id "
        "(`usr_…`, `ord_…`, `pi_…`, `deal_…`, `mer_…`), or part of a shop's "
        "name (Chinese, English, pinyin or its initials)."
    )
    orders_page: int = Field(1, ge=1, description=_LIST_PAGE % ("orders", "orders"))
    payments_page: int = Field(
        1, ge=1, description=_LIST_PAGE % ("payments", "payments")
    )
    merchants_page: int = Field(
        1, ge=1, description=_LIST_PAGE % ("merchants", "merchants")
    )


@router.get("/lookup", response=OperatorLookupOut)
def lookup_find(request, params: Query[OperatorLookupIn]):
    """Find people, orders, payments and merchants by number or phone, and
    merchants by name (phones masked)."""
    result = lookup.operator_lookup(
        user=request.auth,
        query=params.q,
        orders_page=params.orders_page,
        payments_page=params.payments_page,
        merchants_page=params.merchants_page,
    )
    return {
        "people": [_person_row(person) for person in result.users]
        + [
            _person_row(previous.user, previous_number_until=previous.held_until)
            for previous in result.former_holders
        ],
        "deals": [
            {
                "id": deal.public_id,
                "title": deal.title,
                "merchant_id": deal.merchant.public_id,
                "state": deal.state,
            }
            for deal in result.deals
        ],
        **_listed("orders", result.orders, _order_row),
        **_listed("payments", result.payments, _payment_row),
        **_listed("merchants", result.merchants, _merchant_row),
    }


def _listed(name: str, result, row) -> dict:
    """One list of the look-up, its total and where its page sits; a page past
    the last lists none (until 2026-12-07 it listed the last page again, so a
    client reading pages until an empty one never stopped)."""
    where = page_payload(result, [row(item) for item in result.items])
    return {
        name: where.pop("items"),
        f"{name}_total": result.total,
        f"{name}_page": where,
    }


def _payment_row(payment) -> dict:
    return {
        "id": payment.public_id,
        "payer_phone_masked": _phone_masked(payment.payer),
        "description": payment.description,
        "status": payment.status,
        "amount_fen": payment.amount_fen,
        "refunded_fen": payment.refunded_fen,
        "created_at": payment.created_at,
    }


def _order_row(order) -> dict:
    money = order_money(order=order)
    return {
        "id": order.public_id,
        "deal_id": order.deal.public_id,
        "deal_title": order.deal.title,
        "shopper_phone_masked": _phone_masked(order.shopper),
        "status": order.status,
        "shown_status": order.shown_status,
        "amount_fen": order.amount_fen,
        "paid_fen": money.paid_fen,
        "refunded_fen": money.refunded_fen,
        "kept_fen": money.kept_fen,
        "joined_at": order.joined_at,
    }


def _phone(person) -> str:
    """The person's number in full; "" once erased (the account keeps a
    pseudonym, del_…, which is no number)."""
    return "" if is_erased(person) else person.phone


def _phone_masked(person) -> str:
    """The person's number masked, as lists give it; "" once erased (the pages
    say "Deleted user"; a masked pseudonym read as a number)."""
    return "" if is_erased(person) else mask_phone(person.phone)


def _person_row(person, previous_number_until=None) -> dict:
    erased = is_erased(person)
    return {
        "id": person.public_id,
        "phone_masked": _phone_masked(person),
        "display_name": person.display_name,
        "previous_number_until": previous_number_until,
        "erased_at": getattr(person, "erased_at", None) if erased else None,
    }


def _merchant_row(merchant) -> dict:
    return {
        "id": merchant.public_id,
        "name": merchant.name,
        "name_en": merchant.name_en,
        "is_active": merchant.is_active,
        "owners": [
            owner_row(membership.user) for membership in merchant.owner_memberships
        ],
    }


def owner_row(owner) -> dict:
    """A shop's owner in an operator's list of shops (phone masked)."""
    return {
        "id": owner.public_id,
        "display_name": owner.display_name,
        "phone_masked": _phone_masked(owner),
    }


class OperatorPreviousPhoneOut(Schema):
    phone_masked: str
    held_until: datetime


class OperatorPersonOut(Schema):
    id: str
    phone: str  # "" once erased (the account keeps a pseudonym, no number)
    display_name: str
    email: str
    is_active: bool
    date_joined: datetime
    # the numbers the account had before, latest first (masked)
    previous_phones: list[OperatorPreviousPhoneOut] = []
    # when a pending erasure request is due (null if none)
    erasure_due_at: datetime | None = None
    erased_at: datetime | None = None
    # failed logins counted against the number now, and wrong passwords on the
    # change-of-number page, each with until when they lock the person out
    # (null: not locked); POST .../clear-lockout clears both
    sign_in_failures: int = 0
    sign_in_locked_until: datetime | None = None
    password_confirm_failures: int = 0
    password_confirm_locked_until: datetime | None = None


@router.get("/people/{user_id}", response=OperatorPersonOut)
def person_detail(request, user_id: str):
    """One person in full (the reading is audited)."""
    person = lookup.operator_user_view(user=request.auth, user_id=user_id)
    pending = erasure_pending_for(user=person)
    lockout = person_lockout(person=person)
    return {
        "id": person.public_id,
        "phone": _phone(person),
        "display_name": person.display_name,
        "email": person.email,
        "is_active": person.is_active,
        "date_joined": person.date_joined,
        "previous_phones": [
            {
                "phone_masked": mask_phone(previous.phone),
                "held_until": previous.held_until,
            }
            for previous in lookup.person_previous_phones(person=person)
        ],
        "erasure_due_at": pending.due_at if pending else None,
        "erased_at": lookup.person_erased_at(person=person),
        "sign_in_failures": lockout.sign_in_failures,
        "sign_in_locked_until": lockout.sign_in_locked_until,
        "password_confirm_failures": lockout.password_failures,
        "password_confirm_locked_until": lockout.password_locked_until,
    }


class OperatorPersonOrdersOut(PageOut):
    items: list[OperatorOrderRow]


@router.get("/people/{user_id}/orders", response=OperatorPersonOrdersOut)
def person_orders(request, user_id: str, paging: Query[PageIn]):
    """Return a person's orders, newest first (paged), as their page lists them
    (the reading is audited, as opening the page is)."""
    person = lookup.operator_user_view(user=request.auth, user_id=user_id)
    result = lookup.person_recent_orders(
        person=person, page=paging.page, page_size=paging.page_size
    )
    return page_payload(result, [_order_row(order) for order in result.items])


class OperatorOrderOut(Schema):
    id: str
    deal_id: str
    deal_title: str
    shopper_id: str
    shopper_phone: str  # "" once erased
    status: str = answer_choices(DealOrder.Status)
    # as the pages give it ("cancelled" for a paid order its shopper
    # cancelled, whose status stays "refunded"), why it ended, and the shop's
    # (or platform's) words when it refunded it
    shown_status: str = answer_choices(DealOrder.Status)
    cancel_reason: str = answer_choices(DealOrder.CancelReason, "")
    refund_reason: str
    quantity: int
    amount_fen: int
    # what its payments brought in, refunds aside (a team place's too): none
    # of the amount yet, part of it (a demand's deposit) or more
    paid_fen: int
    refunded_fen: int
    # paid less refunded: what the shop and the platform keep (amount_fen is
    # what the order's units cost now, lower after a refund of some units)
    kept_fen: int
    payment_id: str | None
    joined_at: datetime


@router.get("/orders/{order_id}", response=OperatorOrderOut)
def order_detail(request, order_id: str):
    """One order in full (the reading is audited)."""
    order = lookup.operator_order_view(user=request.auth, order_id=order_id)
    money = order_money(order=order)
    return {
        "id": order.public_id,
        "deal_id": order.deal.public_id,
        "deal_title": order.deal.title,
        "shopper_id": order.shopper.public_id,
        "shopper_phone": _phone(order.shopper),
        "status": order.status,
        "shown_status": order.shown_status,
        "cancel_reason": order.cancel_reason,
        "refund_reason": order.refund_reason,
        "quantity": order.quantity,
        "amount_fen": order.amount_fen,
        "paid_fen": money.paid_fen,
        "refunded_fen": money.refunded_fen,
        "kept_fen": money.kept_fen,
        "payment_id": order.payment_intent.public_id if order.payment_intent else None,
        "joined_at": order.joined_at,
    }


class OperatorRefundRow(Schema):
    id: str
    amount_fen: int
    status: str = answer_choices(Refund.Status)
    # why, in the reader's language; words someone typed (a shop's) as written
    reason_label: str
    created_at: datetime


class OperatorPaymentOut(Schema):
    id: str
    payer_id: str
    payer_phone: str  # "" once erased
    purpose: str = registered_answer_choices(
        registered_purposes, description=PURPOSE_DESCRIPTION
    )
    reference: str
    status: str = answer_choices(PaymentIntent.Status)
    amount_fen: int
    refunded_fen: int
    released_fen: int
    created_at: datetime
    # the group-buy order it paid (null for another app's payment, a demand's
    # deposit say), and its refunds, oldest first
    order_id: str | None = None
    refunds: list[OperatorRefundRow] = []


@router.get("/payments/{payment_id}", response=OperatorPaymentOut)
def payment_detail(request, payment_id: str):
    """One payment in full (the reading is audited)."""
    payment = lookup.operator_payment_view(user=request.auth, payment_id=payment_id)
    return {
        "id": payment.public_id,
        "payer_id": payment.payer.public_id,
        "payer_phone": _phone(payment.payer),
        "purpose": payment.purpose,
        "reference": payment.reference,
        "status": payment.status,
        "amount_fen": payment.amount_fen,
        "refunded_fen": payment.refunded_fen,
        "released_fen": payment.released_fen,
        "created_at": payment.created_at,
        "order_id": lookup.payment_order_id(payment=payment),
        "refunds": [
            {
                "id": refund.public_id,
                "amount_fen": refund.amount_fen,
                "status": refund.status,
                "reason_label": refund.reason_label,
                "created_at": refund.created_at,
            }
            for refund in lookup.payment_refunds(payment=payment)
        ],
    }
