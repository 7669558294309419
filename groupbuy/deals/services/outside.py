"""Deals made or changed from outside the merchant console.

``deal_create_with_participants`` turns a buyer-initiated demand into a deal:
the deal opens with its participants already joined and their deposits applied
to their orders. ``deal_change_schedule`` moves an open deal's deadline or
stock, reschedules the closing job and pushes the change to every watcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.errors import DealError
from groupbuy.deals.links import order_page_url
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.pricing import highest_price_fen
from groupbuy.deals.services.common import (
    State,
    Status,
    announce_deadline_moved,
    check_can_manage,
    check_sold_here,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.services.orders import (
    first_tier_buyers,
    mark_paid_effects,
    units_left_for_next_buyer,
)
from groupbuy.deals.services.payments import ORDER_PURPOSE, captured_fen
from groupbuy.deals.services.setup import (
    MOST_STOCK,
    deadline_passed,
    deadline_too_late,
    deal_create,
    deal_open,
    latest_deadline,
    stock_too_large,
)
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import payment_intent_apply, payment_intent_create


@dataclass(frozen=True)
class Participant:
    """A shopper who joins the new deal, with held deposits to apply."""

    shopper: object
    quantity: int
    deposits: Sequence[PaymentIntent] = field(default_factory=tuple)


def deal_create_with_participants(
    *,
    actor,
    merchant,
    product,
    title: str,
    list_price_fen: int,
    tiers: list[tuple[int, int]],
    stock: int,
    deadline_at: datetime,
    participants: Sequence[Participant],
    starts_at: datetime | None = None,
    description: str = "",
    max_quantity_per_order: int | None = None,
    settlement_mode: str = Deal.SettlementMode.ON_CLOSE,
) -> Deal:
    """Create and open a deal whose ``participants`` have already joined.

    Each participant's order is paid by their deposits (applied to it) and, if
    they do not cover quantity × the first tier's price, by a new intent for
    the rest, which the shopper pays on their order page. Deposits above the
    order's amount are refunded at settlement with the difference to the
    final price. All or nothing: one refusal rolls everything back.
    """
    now = timezone.now()
    with transaction.atomic():
        deal = deal_create(
            actor=actor,
            merchant=merchant,
            product=product,
            title=title,
            list_price_fen=list_price_fen,
            tiers=tiers,
            stock=stock,
            starts_at=starts_at or now,
            deadline_at=deadline_at,
            description=description,
            max_quantity_per_order=max_quantity_per_order,
            settlement_mode=settlement_mode,
            # The participants agreed to these prices (a demand's offer): no
            # discount on the list price is claimed.
            require_discount=False,
        )
        deal = deal_open(actor=actor, deal=deal)
        for participant in participants:
            _join_with_deposits(actor=actor, deal=deal, participant=participant)
        deal.refresh_from_db()
        audit_log(
            actor=actor,
            action="deals.deal.created_with_participants",
            obj=deal,
            data={"participants": len(participants), "sold": deal.sold},
        )
    return deal


def _join_with_deposits(*, actor, deal: Deal, participant: Participant) -> DealOrder:
    quantity = participant.quantity
    if not 1 <= quantity <= deal.max_quantity_per_order:
        raise DealError(
            "invalid_quantity",
            ngettext(
                "Choose between 1 and %(limit)s unit.",
                "Choose between 1 and %(limit)s units.",
                deal.max_quantity_per_order,
            )
            % {"limit": deal.max_quantity_per_order},
        )
    deal = lock_deal(deal)
    if quantity > units_left_for_next_buyer(deal):
        raise Conflict("sold_out", _("Not enough stock for every participant."))
    Deal.objects.filter(pk=deal.pk).update(
        sold=F("sold") + quantity, buyers=F("buyers") + 1
    )
    cap_fen = highest_price_fen(list(deal.tiers.all()))
    try:
        with transaction.atomic():
            order = DealOrder.objects.create(
                deal=deal,
                shopper=participant.shopper,
                quantity=quantity,
                unit_price_cap_fen=cap_fen,
                amount_fen=quantity * cap_fen,
                joined_at=timezone.now(),
            )
    except IntegrityError:
        raise Conflict(
            "already_joined", _("A shopper appears twice among the participants.")
        ) from None
    for deposit in participant.deposits:
        if deposit.payer_id != participant.shopper.pk:
            raise Conflict("not_their_deposit", _("A deposit belongs to someone else."))
        payment_intent_apply(
            actor=actor,
            intent=deposit,
            purpose=ORDER_PURPOSE,
            reference=order.public_id,
        )
    rest_fen = order.amount_fen - captured_fen(order)
    if rest_fen > 0:
        order.payment_intent = payment_intent_create(
            actor=actor,
            payer=participant.shopper,
            amount_fen=rest_fen,
            purpose=ORDER_PURPOSE,
            reference=order.public_id,
            description=f"{quantity} × {deal.title}",
            return_url=order_page_url(order),
        )
        order.save(update_fields=["payment_intent", "updated_at"])
    else:
        order.payment_intent = participant.deposits[0]
        order.status = Status.PAID
        order.paid_at = timezone.now()
        order.save(update_fields=["payment_intent", "status", "paid_at", "updated_at"])
        mark_paid_effects(order_public_id=order.public_id, intent=order.payment_intent)
    audit_log(
        actor=actor,
        action="deals.order.joined",
        obj=order,
        data={
            "deal": deal.public_id,
            "quantity": quantity,
            "amount_fen": order.amount_fen,
            "deposits": [deposit.public_id for deposit in participant.deposits],
            "rest_fen": max(0, rest_fen),
        },
    )
    return order


def deal_change_schedule(
    *, actor, deal: Deal, deadline: datetime | None = None, stock: int | None = None
) -> Deal:
    """Move an open (or draft) deal's deadline and/or change its stock.

    The stock may not drop below what is reserved, the first tier's buyers or
    the deal's limit per order, nor rise past ``MOST_STOCK`` (400 on ``stock``).

    The closing job is scheduled at the new deadline (the one at the old
    deadline finds the deal not due and does nothing), every watcher gets the
    new deadline and stock after commit, and ``deal_deadline_changed`` is sent.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    check_sold_here(deal)
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state not in (State.DRAFT, State.OPEN):
            raise Conflict("deal_closed", _("This group buy has already closed."))
        previous_deadline_at = deal.deadline_at
        changed = []
        if deadline is not None and deadline != deal.deadline_at:
            _check_deadline(deal, deadline)
            deal.deadline_at = deadline
            changed.append("deadline_at")
        if stock is not None and stock != deal.stock:
            _check_stock(deal, stock)
            deal.stock = stock
            changed.append("stock")
        if not changed:
            return deal
        deal.save(update_fields=[*changed, "updated_at"])
        audit_log(
            actor=actor,
            action="deals.deal.rescheduled",
            obj=deal,
            data={
                "deadline_at": deal.deadline_at.isoformat(),
                "previous_deadline_at": previous_deadline_at.isoformat(),
                "stock": deal.stock,
            },
        )
        if "deadline_at" in changed:
            announce_deadline_moved(
                deal=deal, actor=actor, previous_deadline_at=previous_deadline_at
            )
        push_progress_on_commit(deal)
    return deal


def _check_deadline(deal: Deal, deadline: datetime) -> None:
    if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
        _refuse_deadline(_("Give a date and time with its time zone."))
    now = timezone.now()
    if deadline <= now:
        _refuse_deadline(deadline_passed())
    if deadline <= deal.starts_at:
        _refuse_deadline(_("The deadline must be after the start."))
    # An open deal has sold since it was made: the longest a deal may hold
    # payments runs from then, so moving it again and again gains nothing.
    since = now if deal.state == State.DRAFT else deal.created_at
    latest = latest_deadline(starts_at=deal.starts_at, since=since)
    if deadline > latest:
        _refuse_deadline(deadline_too_late(latest))
    if deadline < deal.deadline_at and _has_paid_orders(deal):
        _refuse_deadline(
            _(
                "Someone has paid, so the deadline can only move later than "
                "%(deadline)s: buyers chose to join by it."
            )
            % {
                "deadline": timezone.localtime(deal.deadline_at).strftime(
                    "%Y-%m-%d %H:%M"
                )
            }
        )


def _has_paid_orders(deal: Deal) -> bool:
    return deal.orders.filter(status__in=(Status.PAID, Status.CONFIRMED)).exists()


def _refuse_deadline(message: str) -> None:
    raise DealError("invalid", message, fields={"deadline_at": [message]})


def _check_stock(deal: Deal, stock: int) -> None:
    needed = max(0, first_tier_buyers(deal) - deal.buyers)
    least = max(1, deal.sold + needed, first_tier_buyers(deal))
    if not isinstance(stock, int) or isinstance(stock, bool) or stock < least:
        message = ngettext(
            "The stock must be at least %(least)s unit: what is reserved plus "
            "a unit for each buyer still needed for the first tier.",
            "The stock must be at least %(least)s units: what is reserved plus "
            "a unit for each buyer still needed for the first tier.",
            least,
        ) % {"least": least}
        raise DealError("invalid", message, fields={"stock": [message]})
    if stock > MOST_STOCK:
        message = stock_too_large()
        raise DealError("invalid", message, fields={"stock": [message]})
    if stock < deal.max_quantity_per_order:
        # As at creation (setup's limit_above_stock): no order could take the
        # units the limit promises. The limit is edited only on a draft
        # (deal_update), so the stock sent here is what is refused.
        limit = deal.max_quantity_per_order
        message = ngettext(
            "Each order may take up to %(limit)s unit: the stock cannot be less "
            "than that.",
            "Each order may take up to %(limit)s units: the stock cannot be less "
            "than that.",
            limit,
        ) % {"limit": limit}
        raise DealError("invalid", message, fields={"stock": [message]})
