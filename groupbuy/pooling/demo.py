"""Demo data for pooled orders: a spend-and-save and a buy-3-pay-2 promotion at
every branch of the demo merchant (idempotent: a running one is kept)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.catalog.models import Merchant
from groupbuy.pooling.models import Promotion
from groupbuy.pooling.services import promotion_publish

DEMOS = [
    {
        "title": "满200减20 / 满300减50 / 满500减100",
        "kind": Promotion.Kind.THRESHOLD,
        "tiers": [(20_000, 2_000), (30_000, 5_000), (50_000, 10_000)],
    },
    {
        "title": "买3付2 Buy 3 pay 2",
        "kind": Promotion.Kind.N_FOR_M,
        "buy_n": 3,
        "pay_m": 2,
    },
]


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import MERCHANT_NAME

    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if merchant is None:
        return
    now = timezone.now()
    for demo in DEMOS:
        running = Promotion.objects.filter(
            merchant=merchant, title=demo["title"], branch=None, ends_at__gt=now
        )
        if running.exists():
            continue
        promotion_publish(
            actor=None,
            merchant=merchant,
            branch=None,
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(days=30),
            **demo,
        )
        stdout.write(f"pooling: promotion “{demo['title']}” at {merchant.name}\n")
