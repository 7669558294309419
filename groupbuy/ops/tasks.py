from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.ops.health import heartbeat_record


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Tell /readyz every minute that a job worker is alive."""
    heartbeat_record()


@db_periodic_task(crontab(minute="7"))
def erasures_due() -> None:
    """Erase the accounts whose stated period has passed (hourly)."""
    from groupbuy.ops.services import erasures_perform_due

    erasures_perform_due()


@db_periodic_task(crontab(minute="*/5"))
def platform_daily_stats() -> None:
    """Recompute today's and yesterday's platform figures (see ops/stats.py)."""
    from groupbuy.ops.stats import platform_daily_stats_refresh

    platform_daily_stats_refresh()
