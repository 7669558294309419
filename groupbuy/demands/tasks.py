"""Jobs of demands: each calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.demands import services


@db_periodic_task(crontab(minute="*"))
def demands_expire_task() -> int:
    """Every minute: close demands past their deadline and refund the deposits."""
    return services.demands_expire_due()
