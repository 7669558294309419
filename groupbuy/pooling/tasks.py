"""Jobs of pooled orders: each loads what it needs and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.pooling import services


@db_task()
def pools_match_task(branch_id: int, promotion_id: int) -> int:
    """The online step: match one branch and promotion after a new request;
    then invite the shop's regulars for the requests still waiting."""
    try:
        formed = len(
            services.pools_match(branch_id=branch_id, promotion_id=promotion_id)
        )
    except services.PoolingError:
        return 0  # a concurrent run took the requests; the batch retries
    services.pool_invitations_for_component(
        branch_id=branch_id, promotion_id=promotion_id
    )
    return formed


@db_periodic_task(crontab(minute="*"))
def pools_batch_task() -> int:
    """Every minute: time out unanswered suggestions, then re-optimise in batch."""
    services.pools_expire_due()
    return services.pools_match_all()
