"""A shopper's cart reports, the shops one can be reported at, and the
shopping profile drawn from them."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from groupbuy.catalog.models import Branch
from groupbuy.pooling.models import CartReport
from groupbuy.pooling.selectors.common import not_found


def carts_for_user(*, user):
    """My cart reports, newest first (a QuerySet, to paginate)."""
    return (
        CartReport.objects.filter(user=user)
        .select_related("branch", "branch__merchant")
        .order_by("-created_at", "-id")
    )


def cart_get_for_user(*, user, cart_id: str) -> CartReport:
    cart = CartReport.objects.filter(public_id=cart_id, user=user).first()
    if cart is None:
        raise not_found()
    return cart


def branches_for_reports(limit: int = 200) -> list[Branch]:
    """The shops a cart can be reported at (the form's choices)."""
    return list(
        Branch.objects.filter(is_active=True, merchant__is_active=True)
        .select_related("merchant")
        .order_by("merchant__name", "name")[:limit]
    )


# The shopping profile describes the shopper's latest this many carts.
PROFILE_REPORTS = 200


def shopping_profile(*, user) -> dict:
    """Where, when and how much a shopper buys (the patent's 个人购物信息): the
    count of every cart reported, and from the latest ``PROFILE_REPORTS`` the
    usual shops, the typical amount and the usual hour, in the site's time
    zone (a shopper's 10 o'clock, not UTC's 2)."""
    all_reports = CartReport.objects.filter(user=user)
    reports = list(all_reports.select_related("branch")[:PROFILE_REPORTS])
    # named in the reader's language, as every other page names a branch
    branches = Counter(report.branch.display_name for report in reports)
    hours = Counter(timezone.localtime(r.window_start_at).hour for r in reports)
    amounts = sorted(report.amount_fen for report in reports)
    counted = len(reports) if len(reports) < PROFILE_REPORTS else all_reports.count()
    return {
        "reports": counted,
        "branches": branches.most_common(3),
        "usual_hour": hours.most_common(1)[0][0] if hours else None,
        "median_amount_fen": amounts[len(amounts) // 2] if amounts else 0,
    }
