"""Jobs of the coupons app: each calls a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from groupbuy.coupons.services import refund_keys
from groupbuy.coupons.services.expiry import coupons_expire_due


@db_periodic_task(crontab(minute="*/10"))
def coupons_expire_due_task() -> list[str]:
    """Every ten minutes: expire coupons past their date, by their deal's rule."""
    return coupons_expire_due()


@db_periodic_task(crontab(minute="*/5"))
def coupon_refunds_fill_keys() -> int:
    """Every five minutes: give refunds the release before wrote during a
    rolling deploy (no escrow key, no refunded units) what this one writes."""
    return refund_keys.coupon_refunds_fill_keys()
