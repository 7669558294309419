"""Demo data for pooled orders: a spend-and-save promotion at every branch of
the demo merchant (idempotent: a running one is kept)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.catalog.models import Merchant
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.services import promotion_publish

DEMO_TITLE = "满200减20 / 满300减50 / 满500减100"
DEMO_TIERS = [(20_000, 2_000), (30_000, 5_000), (50_000, 10_000)]


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import MERCHANT_NAME

    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if merchant is None:
        return
    now = timezone.now()
    running = Promotion.objects.filter(
        merchant=merchant, title=DEMO_TITLE, branch=None, ends_at__gt=now
    )
    if running.exists():
        return
    promotion_publish(
        actor=None,
        merchant=merchant,
        branch=None,
        title=DEMO_TITLE,
        kind=Promotion.Kind.THRESHOLD,
        tiers=DEMO_TIERS,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=30),
    )
    stdout.write(f"pooling: promotion “{DEMO_TITLE}” at {merchant.name}\n")
