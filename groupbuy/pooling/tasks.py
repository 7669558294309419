"""Jobs of pooled orders: each loads what it needs and calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from groupbuy.pooling import services
from groupbuy.pooling.models import PoolRequest


@db_task()
def pools_match_task(
    branch_id: int, promotion_id: int, request_id: int | None = None
) -> int:
    """The online step: match one branch and promotion after a new request;
    then, if that request is still waiting, invite the shop's regulars."""
    try:
        formed = len(
            services.pools_match(branch_id=branch_id, promotion_id=promotion_id)
        )
    except services.PoolingError:
        return 0  # a concurrent run took the requests; the batch retries
    waiting = PoolRequest.objects.filter(pk=request_id).first()
    if waiting is not None:
        services.pool_invitations_send(request=waiting)
    return formed


@db_periodic_task(crontab(minute="*"))
def pools_batch_task() -> int:
    """Every minute: time out unanswered suggestions, then re-optimise in batch."""
    services.pools_expire_due()
    return services.pools_match_all()
