"""Jobs of the deals app: each loads what it needs and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.deals import services
from groupbuy.deals.models import Deal


@db_task()
def deal_close_task(deal_public_id: str) -> str | None:
    """Close a deal if it is due: scheduled at its exact deadline when it opens,
    and queued when its last unit is paid for."""
    deal = Deal.objects.filter(public_id=deal_public_id).first()
    return services.deal_close(deal=deal).state if deal else None


@db_task()
def deal_tier_reached_task(deal_public_id: str) -> int | None:
    """After a payment commits: tell the owners a new tier is reached."""
    deal = Deal.objects.filter(public_id=deal_public_id).first()
    tier = services.deal_tier_reached_notify(deal=deal) if deal else None
    return tier.min_participants if tier else None


@db_task()
def deal_settle_task(deal_public_id: str) -> str | None:
    deal = Deal.objects.filter(public_id=deal_public_id).first()
    return services.deal_settle(deal=deal).state if deal else None


@db_task()
def deal_settle_follow_up_task(
    *, actor_id: int | None, order_ids: list, intent_ids: list, refund_ids: list
) -> int:
    """After a settlement batch commits: its orders' ``order_confirmed`` receivers
    and notifications, the payers' pushes and the refunds' provider calls."""
    from groupbuy.accounts.models import User

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.deal_orders_follow_up(
        actor=actor, order_ids=order_ids, intent_ids=intent_ids, refund_ids=refund_ids
    )


@db_periodic_task(crontab(minute="*"))
def deal_orders_follow_up_due_task() -> int:
    """Every minute: follow up confirmed orders whose batch job was lost or failed."""
    return services.deal_orders_follow_up_due()


@db_periodic_task(crontab(minute="*"))
def deals_close_due_task() -> list[str]:
    """Every minute: close due deals, settle succeeded ones (the safety net)."""
    return services.deals_close_due()


@db_periodic_task(crontab(minute="*"))
def deal_orders_expire_task() -> int:
    """Every minute: cancel orders not paid within the payment window."""
    return services.deal_orders_expire_unpaid()


@db_periodic_task(crontab(minute="*/5"))
def deal_search_keys_fill() -> int:
    """Give deals written without their title's pinyin keys (by the release
    before, during a rolling deploy) their keys, every five minutes."""
    from groupbuy.catalog.search_keys import fill_missing_keys

    return fill_missing_keys(Deal, sources=("title",))
