"""What a branch closing would strand in the deals app (``branch_close_blockers``
in groupbuy_app.py, asked by catalog's ``branch_update``).

An order collects at its ``pickup_branch``; a team order, which names none, at
any open branch of the shop. So a branch may not close while an order of a
group buy still running waits to be collected there, and the shop's last open
branch not while a group buy is open or scheduled (nowhere would be left to
collect from) or any of its running group buys' orders waits. Confirmed orders
wait for their coupons, which the coupons app answers for.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from groupbuy.deals.models import Deal, DealOrder

WAITING_STATUSES = (DealOrder.Status.PENDING_PAYMENT, DealOrder.Status.PAID)


def branch_close_blockers(branch, *, last_open: bool) -> list[str]:
    """Return why ``branch`` may not close yet, one sentence each."""
    blockers = []
    if last_open:
        deals = Deal.objects.filter(
            merchant_id=branch.merchant_id, state=Deal.State.OPEN
        ).count()
        if deals:
            blockers.append(
                ngettext(
                    "The shop has %(count)d group buy open or scheduled and this "
                    "is its last open branch: let it end, or open another branch "
                    "first.",
                    "The shop has %(count)d group buys open or scheduled and this "
                    "is its last open branch: let them end, or open another "
                    "branch first.",
                    deals,
                )
                % {"count": deals}
            )
    orders = DealOrder.objects.filter(status__in=WAITING_STATUSES)
    if last_open:
        orders = orders.filter(deal__merchant_id=branch.merchant_id)
    else:
        orders = orders.filter(pickup_branch=branch)
    waiting = orders.count()
    if waiting:
        blockers.append(
            ngettext(
                "%(count)d order of a group buy still running is to be collected "
                "here: refund it, or wait until it has been collected.",
                "%(count)d orders of group buys still running are to be collected "
                "here: refund them, or wait until they have been collected.",
                waiting,
            )
            % {"count": waiting}
        )
    return blockers
