"""Joining a deal, paying for the order, and cancelling it.

``deal_join`` is one short transaction: a conditional UPDATE reserves the units
(never oversold: the database checks ``sold + n <= stock`` as it writes, and
PostgreSQL re-checks after waiting for the row lock) and the order insert sits
under a unique constraint (one live order per shopper and deal).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden, NotFound
from groupbuy.core.transactions import after_commit
from groupbuy.deals import lock_timing, notifications
from groupbuy.deals.errors import DealError
from groupbuy.deals.links import order_page_url
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.pricing import highest_price_fen
from groupbuy.deals.services.common import (
    ORDER_PURPOSE,
    Reason,
    State,
    Status,
    lock_deal,
    push_progress_on_commit,
    refund_what_is_held,
    release_stock,
)
from groupbuy.escrow.services import (
    payment_intent_cancel,
    payment_intent_create,
    payment_intents_lock,
)


def _check_quantity(deal: Deal, quantity) -> None:
    limit = deal.max_quantity_per_order
    is_whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not is_whole or quantity < 1 or quantity > limit:
        raise DealError(
            "invalid_quantity",
            _("Choose between 1 and %(limit)s units.") % {"limit": limit},
            fields={"quantity": [_("Between 1 and %(limit)s.") % {"limit": limit}]},
        )


def _local(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def join_refusal(deal: Deal, *, quantity: int, now) -> DealError | None:
    """Return why ``quantity`` units of ``deal`` cannot be joined at ``now``."""
    if deal.state == State.DRAFT:
        return Conflict("not_started", _("This group buy has not opened yet."))
    if deal.state != State.OPEN:
        return Conflict("deal_closed", _("This group buy has closed."))
    if now < deal.starts_at:
        return Conflict(
            "not_started",
            _("This group buy starts at %(start)s.")
            % {"start": _local(deal.starts_at)},
        )
    if now >= deal.deadline_at:
        return Conflict(
            "deadline_passed", _("The deadline for this group buy has passed.")
        )
    if deal.sold + quantity > deal.stock:
        left = max(0, deal.stock - deal.sold)
        message = (
            _("Sold out.")
            if left == 0
            else _("Only %(left)s left; choose a smaller quantity.") % {"left": left}
        )
        return Conflict("sold_out", message, fields={"quantity": [message]})
    return None


def _reserve(deal: Deal, *, quantity: int, now) -> None:
    for _attempt in range(3):
        reserved = Deal.objects.filter(
            pk=deal.pk,
            state=State.OPEN,
            starts_at__lte=now,
            deadline_at__gt=now,
            sold__lte=F("stock") - quantity,
        ).update(sold=F("sold") + quantity, updated_at=now)
        if reserved:
            return
        refusal = join_refusal(Deal.objects.get(pk=deal.pk), quantity=quantity, now=now)
        if refusal is not None:
            raise refusal
        # Someone released stock between our UPDATE and our look: try again.
    raise Conflict("sold_out", _("Sold out."))


def deal_join(*, actor, deal: Deal, quantity: int) -> DealOrder:
    """Reserve ``quantity`` units for ``actor`` and create the payment to make.

    The order waits for payment of quantity × the first tier's price (the most
    a unit can cost); the difference to the final price is refunded at close.
    """
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("forbidden", _("Please sign in first."))
    _check_quantity(deal, quantity)
    unit_price_cap_fen = highest_price_fen(list(deal.tiers.all()))
    with transaction.atomic():
        now = timezone.now()
        _reserve(deal, quantity=quantity, now=now)
        lock_timing.note_stock_taken()  # the deal's row lock is held from here
        try:
            with transaction.atomic():
                order = DealOrder.objects.create(
                    deal=deal,
                    shopper=actor,
                    quantity=quantity,
                    unit_price_cap_fen=unit_price_cap_fen,
                    amount_fen=quantity * unit_price_cap_fen,
                    joined_at=now,
                )
        except IntegrityError:
            raise Conflict(
                "already_joined", _("You have already joined this group buy.")
            ) from None
        order.payment_intent = payment_intent_create(
            actor=actor,
            payer=actor,
            amount_fen=order.amount_fen,
            purpose=ORDER_PURPOSE,
            reference=order.public_id,
            description=f"{quantity} × {deal.title}",
            return_url=order_page_url(order),
        )
        order.save(update_fields=["payment_intent", "updated_at"])
        audit_log(
            actor=actor,
            action="deals.order.joined",
            obj=order,
            data={
                "deal": deal.public_id,
                "quantity": quantity,
                "amount_fen": order.amount_fen,
                "joined_at": now.isoformat(),
            },
        )
        push_progress_on_commit(deal)
    return order


def order_payment_captured(*, intent) -> bool:
    """Capture handler for ``deals.order``: mark the order paid, or decline.

    Declining (the order was cancelled while its payer paid) makes escrow refund
    the payment in full. Runs inside escrow's capture transaction, holding the
    intent's lock, so it takes no deal lock.
    """
    now = timezone.now()
    paid = DealOrder.objects.filter(
        public_id=intent.reference,
        payment_intent=intent,
        status=Status.PENDING_PAYMENT,
    ).update(status=Status.PAID, paid_at=now, updated_at=now)
    if not paid:
        return False
    order = DealOrder.objects.select_related("deal", "shopper").get(
        public_id=intent.reference
    )
    audit_log(
        actor=None,
        action="deals.order.paid",
        obj=order,
        data={"amount_fen": order.amount_fen, "intent": intent.public_id},
    )
    notifications.notify_order_paid(order)
    push_progress_on_commit(order.deal)
    after_commit(_close_if_sold_out_later, order.deal.public_id)
    return True


def _close_if_sold_out_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_close_task

    deal_close_task(deal_public_id)


def order_payment_failed(*, intent) -> None:
    """Failure handler for ``deals.order``: release the order's units soon.

    The release runs after this commits, in its own transaction, so it can lock
    the deal before the intent like every other path does.
    """
    after_commit(_release_after_failed_payment, intent.reference)


def _release_after_failed_payment(order_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_order_payment_failed_task

    deal_order_payment_failed_task(order_public_id)


def deal_order_cancel(*, actor, order: DealOrder) -> DealOrder:
    """Cancel ``actor``'s order before the deadline, refunding it if paid."""
    if order.shopper_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such order."))
    with transaction.atomic():
        deal = lock_deal(order.deal)
        now = timezone.now()
        if deal.state != State.OPEN:
            raise Conflict(
                "deal_closed",
                _("This group buy has closed; its orders can no longer be cancelled."),
            )
        if now >= deal.deadline_at:
            raise Conflict(
                "deadline_passed",
                _("The deadline has passed; orders can no longer be cancelled."),
            )
        order = _cancel_locked(
            actor=actor, deal=deal, order=order, reason=Reason.SHOPPER, now=now
        )
    return order


def _cancel_locked(*, actor, deal, order, reason, now, refund=True) -> DealOrder:
    """Cancel (and refund, if paid) one order; the caller holds the deal lock."""
    intent = payment_intents_lock(intent_ids=[order.payment_intent_id])[
        order.payment_intent_id
    ]
    order = (
        DealOrder.objects.select_for_update(of=("self",))
        .select_related("shopper")
        .get(pk=order.pk)
    )
    if not order.is_active:
        return order
    if order.status == Status.PENDING_PAYMENT:
        payment_intent_cancel(actor=actor, intent=intent)
        order.status = Status.CANCELLED
    elif refund and order.status == Status.PAID:
        order.refunded_fen = refund_what_is_held(
            actor=actor,
            intent=intent,
            idempotency_key=f"deals.order.cancel:{order.public_id}",
            reason=reason,
        )
        order.status = Status.REFUNDED
    else:
        return order
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
    push_progress_on_commit(deal)
    return order


def deal_order_cancel_unpaid(*, actor=None, order: DealOrder, reason: str) -> DealOrder:
    """Cancel an order still awaiting payment and release its units.

    For the payment window's expiry and a declined payment; a paid order is
    left alone.
    """
    with transaction.atomic():
        deal = lock_deal(order.deal)
        return _cancel_locked(
            actor=actor,
            deal=deal,
            order=order,
            reason=reason,
            now=timezone.now(),
            refund=False,
        )


def deal_orders_expire_unpaid(*, now=None) -> int:
    """Cancel every order not paid within the payment window; return how many."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.GROUPBUY_PAYMENT_WINDOW_MINUTES)
    overdue = DealOrder.objects.filter(
        status=Status.PENDING_PAYMENT, joined_at__lte=now - window
    ).select_related("deal")
    expired = 0
    for order in list(overdue):
        order = deal_order_cancel_unpaid(order=order, reason=Reason.PAYMENT_EXPIRED)
        expired += order.cancel_reason == Reason.PAYMENT_EXPIRED
    return expired
