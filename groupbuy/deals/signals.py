"""Documented extension points of the deals app (see docs/architecture.md).

Every signal is sent inside a transaction (that of the service that made the
change, or for a settlement batch's ``order_confirmed`` that of its follow-up
job), so receivers that write (queue notifications, revoke coupons) commit or
roll back with it; ``actor`` is the acting user, None for jobs.

``deal_opened(deal, actor)``
    ``deal_open`` opened a draft deal. The snap app tells everyone who asked
    for the product that a deal now exists.

``order_confirmed(order, actor)``
    A successful deal's settlement charged ``order`` (a confirmed
    ``DealOrder``: quantity, final_unit_price_fen, charged_fen, shopper, deal)
    the final price. The coupons app issues the order's coupons. Settlement
    confirms its orders in batches and sends this from the batch's follow-up
    job, after the money moved, each order in its own transaction: a receiver
    that raises rolls back that order's follow-up only (the money and the
    confirmation stay), and the every-minute sweep retries it. An order settled
    on its own (a team, a batch that fell back to order by order) sends it
    inside its settle savepoint, where raising rolls that order back.

``order_refunded(order, actor, reason, refunded_fen)``
    ``order`` left its deal with its money refunded (status ``refunded``): the
    shopper cancelled, the deal failed, an operator refunded part of it, or
    another app gave back every unit of a confirmed order
    (``deal_order_units_refunded``: a coupon refunded or expired unused).
    ``refunded_fen`` is everything refunded for it. Coupons revoke on it; the
    demands app ends the participation of an order made from a demand (unless
    its shopper left the demand, which the leave hook recorded already); the
    teams app releases the place of a complete team whose order it is (a
    place the teams app refunded itself is released already).

``order_cancelled(order, actor, reason)``
    ``order`` was cancelled before it was paid (status ``cancelled``): the
    shopper cancelled, the payment window expired or failed, the deal closed.
    Coupons and demands as above.

``deal_deadline_changed(deal, actor, previous_deadline_at, deadline_at)``
    ``deal_change_schedule`` moved an open deal's deadline (the closing job is
    rescheduled and every watcher gets the new deadline after commit).
"""

from django.dispatch import Signal

deal_opened = Signal()
order_confirmed = Signal()
order_refunded = Signal()
order_cancelled = Signal()
deal_deadline_changed = Signal()


def send_order_left(*, order, actor, reason) -> None:
    """Send ``order_refunded`` or ``order_cancelled`` for an order that left."""
    if order.status == "refunded":
        order_refunded.send(
            sender=type(order),
            order=order,
            actor=actor,
            reason=reason,
            refunded_fen=order.refunded_fen,
        )
    elif order.status == "cancelled":
        order_cancelled.send(
            sender=type(order), order=order, actor=actor, reason=reason
        )
