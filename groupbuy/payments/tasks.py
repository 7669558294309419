"""Jobs of the payments app: payout retries."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.payments.payouts import payouts_retry_due


@db_periodic_task(crontab(minute="*"))
def payouts_retry_job() -> int:
    return payouts_retry_due()
