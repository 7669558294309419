"""Cancelling an order: by its shopper before the deadline, or unpaid when the
payment window ends (or its payment was declined)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, DomainError, NotFound
from groupbuy.deals import notifications
from groupbuy.deals.leave_hooks import run_leaving
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.order_keepers import OrderKeeper, keeper_for
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    lock_deal,
    push_progress_on_commit,
    release_stock,
)
from groupbuy.deals.services.payment_retry import payment_window
from groupbuy.deals.services.payments import lock_order_intents, refund_all_held
from groupbuy.deals.signals import send_order_left
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import payment_intent_cancel


def deal_order_cancel(*, actor, order: DealOrder) -> DealOrder:
    """Cancel ``actor``'s order before the deadline, refunding what it holds,
    less what another app's rule keeps when a shopper leaves (``leave_hooks``:
    a demand's deposit goes by the demand's forfeit rule).

    Refused (``order_cancel_refusal``) when the order cannot be cancelled now;
    never answers an order still active as if it were cancelled. An order
    that already left (a second tap, a retried request) is returned as it
    stands, nothing changed."""
    if order.shopper_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such order."))
    if order.status in LEFT_STATUSES:
        return order
    if keeper := keeper_for(order):
        # Another app holds this order's money and takes its own locks.
        order.deal = Deal.objects.get(pk=order.deal_id)
        _raise_refusal(order, now=timezone.now())
        order = keeper.order_leave(
            actor=actor, order=order, reason=Reason.SHOPPER, refund=True
        )
    else:
        with transaction.atomic():
            order.deal = lock_deal(order.deal)
            now = timezone.now()
            _raise_refusal(order, now=now)
            order = cancel_locked(
                actor=actor,
                deal=order.deal,
                order=order,
                reason=Reason.SHOPPER,
                now=now,
            )
    if order.is_active:
        # Something changed between the check and the locks (the team filled).
        order.deal = Deal.objects.get(pk=order.deal_id)
        _raise_refusal(order, now=timezone.now())
        raise _not_cancellable(order)
    return order


# An order its shopper, the payment window or the shop already ended.
LEFT_STATUSES = (Status.CANCELLED, Status.REFUNDED)


def order_cancel_refusal(order: DealOrder, *, now) -> DomainError | None:
    """Return why ``order``'s shopper cannot cancel it now (None when they can).

    The one rule the order page's Cancel, the cancel page, the API's
    ``can_cancel`` and ``deal_order_cancel`` go by: the order awaits payment or
    is paid, its deal is open and its deadline ahead, and the keeper of a kept
    order (a team place: not once its team is complete) lets it go."""
    return order_cancel_refusals([order], now=now)[order.pk]


def order_cancel_refusals(orders, *, now) -> dict[int, DomainError | None]:
    """Return ``order_cancel_refusal`` of each of ``orders`` by pk, asking each
    keeper once for all the orders it keeps (a list: My orders)."""
    refusals: dict[int, DomainError | None] = {}
    to_ask: dict[OrderKeeper, list[DealOrder]] = {}
    for order in orders:
        keeper = keeper_for(order)
        refusals[order.pk], ask_keeper = _own_refusal(order, keeper, now=now)
        if ask_keeper:
            to_ask.setdefault(keeper, []).append(order)
    for keeper, kept in to_ask.items():
        for pk, refusal in keeper.leave_refusals(kept, now=now).items():
            # The keeper says why in its own words (a team place: its team filled).
            refusals[pk] = refusal or refusals[pk]
    return refusals


def _own_refusal(
    order: DealOrder, keeper: OrderKeeper | None, *, now
) -> tuple[DomainError | None, bool]:
    """Return the deals app's own refusal of cancelling ``order`` (None: it may
    be cancelled) and whether ``keeper``'s refusal, if it has one, is to be
    said instead."""
    asks = keeper is not None and keeper.leave_refusals is not None
    if order.status == Status.CONFIRMED and keeper is not None:
        return _not_cancellable(order), asks
    if order.status not in (Status.PENDING_PAYMENT, Status.PAID):
        return _not_cancellable(order), False
    deal = order.deal
    if deal.state != State.OPEN:
        refusal = Conflict(
            "deal_closed",
            _("This group buy has closed; its orders can no longer be cancelled."),
        )
        return refusal, False
    if now >= deal.deadline_at:
        refusal = Conflict(
            "deadline_passed",
            _("The deadline has passed; orders can no longer be cancelled."),
        )
        return refusal, False
    return None, asks


def _not_cancellable(order: DealOrder) -> DomainError:
    status = DealOrder.Status(order.shown_status).label
    return Conflict(
        "not_cancellable",
        _("This order is %(status)s and can no longer be cancelled.")
        % {"status": status},
    )


def _raise_refusal(order: DealOrder, *, now) -> None:
    refusal = order_cancel_refusal(order, now=now)
    if refusal is not None:
        raise refusal


def cancel_locked(*, actor, deal, order, reason, now, refund=True) -> DealOrder:
    """Cancel (and refund, if paid) one order; the caller holds the deal lock.

    The shopper's own cancellation (``Reason.SHOPPER``) first runs the leave
    hooks, which may keep part of the money; the rest held is refunded."""
    intents = lock_order_intents([order]).get(order.public_id, [])
    order = (
        DealOrder.objects.select_for_update(of=("self",))
        .select_related("shopper")
        .get(pk=order.pk)
    )
    is_paid = order.status == Status.PAID
    if order.status != Status.PENDING_PAYMENT and not (refund and is_paid):
        return order  # gone already, confirmed, or paid and not to be refunded
    if reason == Reason.SHOPPER:
        # The shopper chose to leave: another app's rule may keep part of the
        # money (a demand's deposit); what is still held is refunded below.
        run_leaving(actor=actor, deal=deal, order=order)
        for intent in intents:
            intent.refresh_from_db()
    if not is_paid:
        for intent in intents:
            payment_intent_cancel(actor=actor, intent=intent)
    # Whatever is held goes back to its payer (on an unpaid order: a deposit
    # applied to it).
    order.refunded_fen = refund_all_held(
        actor=actor,
        intents=intents,
        idempotency_key=f"deals.order.cancel:{order.public_id}",
        reason=reason,
    )
    order.status = Status.REFUNDED if is_paid else Status.CANCELLED
    order.cancel_reason = reason
    order.cancelled_at = now
    order.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancelled_at",
            "refunded_fen",
            "updated_at",
        ]
    )
    release_stock(deal=deal, quantity=order.quantity)
    audit_log(
        actor=actor,
        action=f"deals.order.{order.status}",
        obj=order,
        data={"reason": reason, "refunded_fen": order.refunded_fen},
    )
    send_order_left(order=order, actor=actor, reason=reason)
    if reason == Reason.PAYMENT_EXPIRED:
        notifications.notify_order_expired(order)
    push_progress_on_commit(deal)
    return order


def deal_order_cancel_unpaid(*, actor=None, order: DealOrder, reason: str) -> DealOrder:
    """Cancel an order still awaiting payment and release its units.

    For the payment window's expiry and a declined payment; a paid order is
    left alone.
    """
    if keeper := keeper_for(order):
        return keeper.order_leave(actor=actor, order=order, reason=reason, refund=False)
    with transaction.atomic():
        deal = lock_deal(order.deal)
        return cancel_locked(
            actor=actor,
            deal=deal,
            order=order,
            reason=reason,
            now=timezone.now(),
            refund=False,
        )


def submitted_grace() -> timedelta:
    """How long an order whose payment was submitted waits for the provider."""
    return timedelta(
        minutes=getattr(settings, "GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES", 10)
    )


def awaiting_provider(orders, *, now):
    """Filter ``orders`` to those whose payment was submitted within the grace
    period and has no answer yet: they are neither expired nor cancelled."""
    return orders.filter(
        status=Status.PENDING_PAYMENT,
        payment_intent__status=PaymentIntent.Status.REQUIRES_PAYMENT,
        payment_intent__submitted_at__gt=now - submitted_grace(),
    )


def deal_orders_expire_unpaid(*, now=None) -> int:
    """Cancel every order not paid within the payment window; return how many.

    An order whose payment was submitted waits for the provider's answer (a
    callback or reconciliation) for the grace period first.
    """
    now = now or timezone.now()
    window = payment_window()
    pending = DealOrder.objects.filter(status=Status.PENDING_PAYMENT)
    waiting = awaiting_provider(pending, now=now).values("pk")
    overdue = (
        pending.filter(joined_at__lte=now - window)
        .exclude(pk__in=waiting)
        .select_related("deal")
    )
    expired = 0
    for order in list(overdue):
        order = deal_order_cancel_unpaid(order=order, reason=Reason.PAYMENT_EXPIRED)
        expired += order.cancel_reason == Reason.PAYMENT_EXPIRED
    return expired
