"""Settling a closed deal batch by batch: confirm (success) or refund (failure)
every paid order, then mark the deal settled and tell its owners."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.deals import shop_notifications
from groupbuy.deals.models import Deal
from groupbuy.deals.services.closing.orders import lock_live_orders
from groupbuy.deals.services.closing.tiers import recount_before_settling
from groupbuy.deals.services.common import (
    State,
    Status,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.services.settle_batch import confirm_batch
from groupbuy.deals.services.settle_order import settle_order


def settle_later(deal_public_id: str) -> None:
    from groupbuy.deals.tasks import deal_settle_task

    deal_settle_task(deal_public_id)


def settle_batch_size() -> int:
    return getattr(settings, "GROUPBUY_SETTLE_BATCH_SIZE", 200)


def deal_settle(*, actor=None, deal: Deal, batch_size: int | None = None) -> Deal:
    """Settle a closed deal batch by batch until every paid order is confirmed
    (success) or refunded (failure); the deal then becomes settled.

    Repeating it changes nothing; after a crash or a failing order it resumes
    from its cursor. Returns the deal as it stands (not settled if an order
    failed: that order is logged and retried by the sweep).
    """
    batch_size = batch_size or settle_batch_size()
    while True:
        deal, is_done = settle_one_batch(actor=actor, deal=deal, size=batch_size)
        if is_done:
            return deal


def settle_one_batch(*, actor, deal: Deal, size: int) -> tuple[Deal, bool]:
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state not in (State.SUCCEEDED, State.FAILED):
            return deal, True
        now = timezone.now()
        if deal.state == State.SUCCEEDED and deal.settle_cursor == 0:
            recount_before_settling(actor, deal)
        intents, orders = lock_live_orders(
            deal,
            [Status.PAID],
            after_pk=deal.settle_cursor,
            limit=size,
            lean=deal.state == State.SUCCEEDED,
        )
        if deal.state == State.SUCCEEDED and confirm_batch(
            actor=actor, deal=deal, orders=orders, intents=intents, now=now
        ):
            deal.settle_cursor = orders[-1].pk
        elif not _settle_order_by_order(actor, deal, orders, intents, now=now):
            deal.save(update_fields=["settle_cursor", "updated_at"])
            return deal, True
        if len(orders) == size:
            deal.save(update_fields=["settle_cursor", "updated_at"])
            return deal, False
        _mark_settled(actor, deal, now=now)
        deal.refresh_from_db(fields=["sold", "buyers"])
    return deal, True


def _settle_order_by_order(actor, deal, orders, intents, *, now) -> bool:
    """Settle the batch one savepoint an order, moving the cursor; False when an
    order failed (the cursor stops before it)."""
    if deal.state == State.SUCCEEDED and orders:
        # Read in full: the bulk attempt read the orders lean (and may have
        # changed these copies before writing nothing).
        intents, orders = lock_live_orders(
            deal, [Status.PAID], after_pk=deal.settle_cursor, limit=len(orders)
        )
    for order in orders:
        if not settle_order(actor, deal, order, intents, now=now):
            return False
        deal.settle_cursor = order.pk
    return True


def _mark_settled(actor, deal: Deal, *, now) -> None:
    was = deal.state
    confirmed = deal.orders.filter(status=Status.CONFIRMED).count()
    deal.state = State.SETTLED
    deal.settled_at = now
    deal.save(update_fields=["state", "settled_at", "settle_cursor", "updated_at"])
    audit_log(
        actor=actor,
        action="deals.deal.settled",
        obj=deal,
        data={
            "outcome": was,
            "orders": confirmed,
            "final_price_fen": deal.final_price_fen,
        },
    )
    push_progress_on_commit(deal)
    _tell_owners_how_it_ended(deal, outcome=was, confirmed=confirmed)


def _tell_owners_how_it_ended(deal: Deal, *, outcome: str, confirmed: int) -> None:
    """Tell the owners, once settled (the final price as charged, every buyer
    refunded), how the deal ended. A stopped deal was told at its stop (or the
    owner stopped it); one another app sells (a team buy) ends as that app
    says, which its own notifications tell."""
    if deal.stopped_by or deal.kept_outcome is not None:
        return
    if outcome == State.SUCCEEDED:
        sums = deal.orders.filter(status=Status.CONFIRMED).aggregate(
            charged=Sum("charged_fen"), units=Sum("quantity")
        )
        shop_notifications.notify_owners_succeeded(
            deal,
            buyers=confirmed,
            units=sums["units"] or 0,
            charged_fen=sums["charged"] or 0,
        )
    else:
        shop_notifications.notify_owners_failed(deal)
