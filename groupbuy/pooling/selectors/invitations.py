"""Choosing whom to invite to a pool from shopping histories (the patent's
终端选取); ``services.invitations`` sends them."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.pooling.models import (
    CartReport,
    PoolingProfile,
    PoolInvitation,
    PoolRequest,
)

HISTORY_DAYS = 90
# Reports read per choice: the most recent at the shop, enough to rank regulars.
HISTORY_SCAN = 2_000


def _hours_apart(a: int, b: int) -> int:
    return min(abs(a - b), 24 - abs(a - b))


def invitation_candidates(*, request: PoolRequest, now, limit: int) -> list[User]:
    """Shoppers who agreed to be invited, reported carts at the request's shop
    in the last ``HISTORY_DAYS``, and neither asked to pool for this promotion
    there nor were invited to it (nor to anything in the last day); regulars
    first, then those who shop around the same hour, then those who bought what
    the promotion counts."""
    promotion = request.promotion
    busy = PoolRequest.objects.filter(
        promotion=promotion,
        branch_id=request.branch_id,
        state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED],
    ).values("user")
    # Once per promotion and shop, and at most once a day whatever the shop.
    invited = PoolInvitation.objects.filter(
        Q(promotion=promotion, branch_id=request.branch_id)
        | Q(created_at__gte=now - timedelta(days=1))
    ).values("user")
    reports = (
        CartReport.objects.filter(
            branch_id=request.branch_id,
            created_at__gte=now - timedelta(days=HISTORY_DAYS),
            user__in=PoolingProfile.objects.filter(is_invitable=True).values("user"),
        )
        .exclude(user_id=request.user_id)
        .exclude(user__in=busy)
        .exclude(user__in=invited)
        .order_by("-created_at")
        .values_list("user_id", "window_start_at", "items", "created_at")[:HISTORY_SCAN]
    )
    counted = {p.public_id for p in promotion.products.all()}
    hour = timezone.localtime(request.window_start_at).hour
    scores: dict[int, list] = {}
    for user_id, starts, items, created in reports:
        visits, near_hour, bought, last = scores.setdefault(user_id, [0, 0, 0, created])
        near = 2 - min(2, _hours_apart(timezone.localtime(starts).hour, hour))
        has_counted = any(item.get("product_id") in counted for item in items)
        scores[user_id] = [
            visits + 1,
            max(near_hour, near),
            max(bought, int(has_counted)),
            max(last, created),
        ]
    ranked = sorted(scores, key=lambda user_id: scores[user_id], reverse=True)[:limit]
    users = User.objects.in_bulk(ranked)
    return [users[user_id] for user_id in ranked if user_id in users]
