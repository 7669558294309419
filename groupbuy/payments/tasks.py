"""Jobs of the payments app: payout retries, daily statement reconciliation."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.payments.payouts import payouts_retry_due, payouts_schedule_run
from groupbuy.payments.statements import statements_reconcile


@db_periodic_task(crontab(minute="*"))
def payouts_retry_job() -> int:
    return payouts_retry_due()


@db_periodic_task(crontab(hour="1", minute="30"))  # 09:30 in China
def payouts_schedule_job() -> int:
    return payouts_schedule_run()


@db_periodic_task(crontab(hour="3", minute="0"))  # 11:00 in China: bills are ready
def statements_reconcile_job() -> dict:
    return statements_reconcile()
