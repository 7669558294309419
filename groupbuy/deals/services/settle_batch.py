"""Confirm a settlement batch's orders in bulk and follow them up from a job.

``deal_settle`` confirms a batch of a succeeded deal's orders with a fixed
number of queries (``escrow_release_and_refund_many``: every release and
refund of the batch, each account's balance moved once) and one bulk update
of the orders, instead of a savepoint and some thirty queries an order. Its
side effects go to one job per batch (``deal_settle_follow_up_task``), which
sends ``order_confirmed`` (the coupons app issues the coupon) and the
shopper's notification for each order in its own transaction, pushes the
payers' intents and asks the provider to pay the refunds.

A batch that cannot go in bulk (an order an operator partly refunded, a key
already used by an earlier partial run, any error) writes nothing here and
settles order by order as before, each order in a savepoint. An order whose
follow-up fails (a receiver raises) stays ``is_awaiting_follow_up`` and is
retried by ``deal_orders_follow_up_due`` (every minute); the money and the
order's confirmation are committed whatever the receivers do.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groupbuy.core.transactions import after_commit
from groupbuy.deals import notifications
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services.payments import charge_plan, held_fen, refunded_fen
from groupbuy.deals.signals import order_confirmed
from groupbuy.escrow.batch import escrow_batch_follow_up, escrow_release_and_refund_many
from groupbuy.notify.services import deliveries_handed_over_together

logger = logging.getLogger(__name__)
Status = DealOrder.Status
FOLLOW_UP_GRACE = timedelta(minutes=10)
# Orders followed up in one transaction (one savepoint each).
FOLLOW_UP_CHUNK = 100


def confirm_batch(*, actor, deal: Deal, orders, intents, now) -> bool:
    """Confirm every order of the batch at the final price in one go.

    Return False, having written nothing, when the batch must go order by
    order: an order no longer fully held, a key already used, any error.
    ``orders`` and ``intents`` are locked; on False they may be stale, on True
    the ``orders`` copies are not updated (read them again).
    """
    if not orders or any(
        held_fen(intents.get(order.public_id, [])) < order.amount_fen
        for order in orders
    ):
        return False
    try:
        with transaction.atomic():
            result = _charge_all(actor, deal, orders, intents)
            _mark_confirmed(deal, orders, intents, now=now)
    except Exception:
        logger.warning(
            "settling a batch of %s in bulk failed; going order by order",
            deal.public_id,
            exc_info=True,
        )
        return False
    after_commit(
        _follow_up_later,
        actor_id=getattr(actor, "pk", None),
        order_ids=[order.pk for order in orders],
        intent_ids=result.intent_ids,
        refund_ids=result.refund_ids,
    )
    return True


def _charge_all(actor, deal, orders, intents):
    releases, refunds = [], []
    for order in orders:
        released, refunded = charge_plan(
            intents=intents[order.public_id],
            charged_fen=order.quantity * deal.final_price_fen,
            key=f"deals.deal.settle:{order.public_id}",
            reference=order.public_id,
        )
        releases += released
        refunds += refunded
    return escrow_release_and_refund_many(
        actor=actor,
        merchant=deal.merchant,
        releases=releases,
        refunds=refunds,
        memo=deal.title,
        to_pending=deal.settlement_mode == Deal.SettlementMode.ON_REDEMPTION,
    )


def _mark_confirmed(deal, orders, intents, *, now) -> None:
    """Confirm the orders: one UPDATE per distinct refunded amount (a batch of
    equal orders has one), each only on orders still paid."""
    by_refund: dict[int, list[int]] = defaultdict(list)
    for order in orders:
        by_refund[refunded_fen(intents[order.public_id])].append(order.pk)
    price = deal.final_price_fen
    for refunded, pks in by_refund.items():
        confirmed = DealOrder.objects.filter(pk__in=pks, status=Status.PAID).update(
            status=Status.CONFIRMED,
            final_unit_price_fen=price,
            charged_fen=F("quantity") * price,
            refunded_fen=refunded,
            confirmed_at=now,
            is_awaiting_follow_up=True,
            updated_at=now,
        )
        if confirmed != len(pks):
            raise RuntimeError(f"{deal.public_id}: an order of the batch is not paid")


def _follow_up_later(**kwargs) -> None:
    from groupbuy.deals.tasks import deal_settle_follow_up_task

    deal_settle_follow_up_task(**kwargs)


def deal_orders_follow_up(
    *, actor=None, order_ids, intent_ids=(), refund_ids=()
) -> int:
    """Run a settled batch's side effects; return how many orders were followed up.

    The orders go in chunks of ``FOLLOW_UP_CHUNK``: one transaction locks and
    loads a chunk's orders still awaiting their follow-up (one query), runs
    each order's receivers and notification in a savepoint (a receiver that
    raises rolls back that order only, which stays awaiting), and marks the
    rest followed up with one UPDATE; the chunk commits once. So running this
    twice (a retried job, the sweep) sends nothing twice. The chunk's
    notifications are handed over together at its commit.
    """
    escrow_batch_follow_up(intent_ids=intent_ids, refund_ids=refund_ids)
    ids = list(order_ids)
    return sum(
        _follow_up_chunk(actor, ids[start : start + FOLLOW_UP_CHUNK])
        for start in range(0, len(ids), FOLLOW_UP_CHUNK)
    )


def _follow_up_chunk(actor, order_ids: list[int]) -> int:
    with transaction.atomic(), deliveries_handed_over_together():
        orders = (
            DealOrder.objects.select_for_update(of=("self",))
            .select_related("shopper", "deal__merchant", "deal__product")
            .filter(pk__in=order_ids, is_awaiting_follow_up=True)
            .order_by("pk")
        )
        done = []
        for order in orders:
            try:
                with transaction.atomic():
                    order_confirmed.send(sender=DealOrder, order=order, actor=actor)
                    notifications.notify_deal_succeeded(order)
            except Exception:
                logger.exception("follow-up of confirmed order %s failed", order.pk)
                continue
            done.append(order.pk)
        if done:
            DealOrder.objects.filter(pk__in=done).update(
                is_awaiting_follow_up=False, updated_at=timezone.now()
            )
    return len(done)


def deal_orders_follow_up_due(*, now=None, limit: int = 500) -> int:
    """Follow up confirmed orders whose batch job was lost or failed (the sweep).

    Waits ``FOLLOW_UP_GRACE`` after confirmation, so a queued job normally gets
    there first.
    """
    now = now or timezone.now()
    due = DealOrder.objects.filter(
        is_awaiting_follow_up=True, confirmed_at__lte=now - FOLLOW_UP_GRACE
    ).order_by("confirmed_at", "pk")
    return deal_orders_follow_up(
        order_ids=list(due.values_list("pk", flat=True)[:limit])
    )
