"""Reads the pages need that no app's selectors offer yet.

Each should move to its app's selectors.py (and this module shrink) when that
app adds it; see the web report.
"""

from __future__ import annotations

from django.utils import timezone

from groupbuy.deals.models import DealOrder


def orders_joined_today_count() -> int:
    """Return how many orders were placed since midnight in the display zone."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return DealOrder.objects.filter(joined_at__gte=midnight).count()
