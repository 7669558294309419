"""What a branch closing would strand in the pooling app (``branch_close_blockers``
in groupbuy_app.py, asked by catalog's ``branch_update``).

Pooling moves no money, but shoppers plan to shop together at a branch: a
branch may not close while a promotion of its own runs or is yet to start (its
owners can end it now), or shoppers still look for, were suggested or joined a
pool there for a shopping window not yet over. The shop's last open branch
not while any of the shop's promotions runs or is yet to start either.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from groupbuy.pooling.models import PoolRequest, Promotion

LIVE_REQUEST_STATES = (
    PoolRequest.State.OPEN,
    PoolRequest.State.SUGGESTED,
    PoolRequest.State.POOLED,
)


def branch_close_blockers(branch, *, last_open: bool) -> list[str]:
    """Return why ``branch`` may not close yet, one sentence each."""
    now = timezone.now()
    blockers = []
    runs_here = Q(branch=branch)
    if last_open:
        runs_here |= Q(merchant_id=branch.merchant_id, branch__isnull=True)
    promotions = Promotion.objects.filter(runs_here, ends_at__gt=now).count()
    if promotions:
        blockers.append(
            ngettext(
                "%(count)d promotion runs here or is yet to start: end it first.",
                "%(count)d promotions run here or are yet to start: end them first.",
                promotions,
            )
            % {"count": promotions}
        )
    shoppers = (
        PoolRequest.objects.filter(
            branch=branch, state__in=LIVE_REQUEST_STATES, window_end_at__gt=now
        )
        .values("user_id")
        .distinct()
        .count()
    )
    if shoppers:
        blockers.append(
            ngettext(
                "%(count)d shopper plans to pool a cart here: close the branch "
                "once their shopping window is over.",
                "%(count)d shoppers plan to pool carts here: close the branch once "
                "their shopping windows are over.",
                shoppers,
            )
            % {"count": shoppers}
        )
    return blockers
