"""What a branch closing would strand in the coupons app (``branch_close_blockers``
in groupbuy_app.py, asked by catalog's ``branch_update``).

A confirmed order is collected with its coupon at the order's pickup branch
(any open branch of the shop for a team order, which names none). So a branch
may not close while a coupon of an order collected there is still valid, or a
confirmed order there still awaits its coupon; the shop's last open branch not
while any of its coupons is still valid or awaited. An expired coupon (its
refund or settlement is the expiry sweep's) strands nobody.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from groupbuy.coupons.models import Coupon
from groupbuy.deals.models import DealOrder


def branch_close_blockers(branch, *, last_open: bool) -> list[str]:
    """Return why ``branch`` may not close yet, one sentence each."""
    orders = DealOrder.objects.filter(
        Q(deal__merchant_id=branch.merchant_id)
        if last_open
        else Q(pickup_branch=branch)
    )
    blockers = []
    coupons = Coupon.objects.filter(
        status=Coupon.Status.VALID, expires_at__gt=timezone.now(), order__in=orders
    )
    valid = coupons.count()
    if valid:
        last_expiry = coupons.order_by("-expires_at").values_list(
            "expires_at", flat=True
        )[0]
        blockers.append(_valid_refusal(valid, last_expiry))
    awaited = orders.filter(
        status=DealOrder.Status.CONFIRMED, coupon__isnull=True
    ).count()
    if awaited:
        blockers.append(_awaited_refusal(awaited))
    return blockers


def _valid_refusal(count: int, last_expiry) -> str:
    return ngettext(
        "%(count)d coupon to be collected here has not been redeemed yet: close "
        "the branch once it has been redeemed or has expired (%(date)s).",
        "%(count)d coupons to be collected here have not all been redeemed yet: "
        "close the branch once they have been redeemed or have expired (the last "
        "on %(date)s).",
        count,
    ) % {
        "count": count,
        "date": date_format(timezone.localtime(last_expiry), "DATE_FORMAT"),
    }


def _awaited_refusal(count: int) -> str:
    return ngettext(
        "%(count)d confirmed order to be collected here is waiting for its "
        "coupon: close the branch once it has been collected.",
        "%(count)d confirmed orders to be collected here are waiting for their "
        "coupons: close the branch once they have been collected.",
        count,
    ) % {"count": count}
