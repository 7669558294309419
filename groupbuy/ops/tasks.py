from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.ops.health import heartbeat_record


@db_periodic_task(crontab(minute="*"))
def worker_heartbeat() -> None:
    """Tell /readyz every minute that a job worker is alive."""
    heartbeat_record()
