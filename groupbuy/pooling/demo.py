"""Demo data for pooled orders: a spend-and-save and a buy-3-pay-2 promotion at
every branch of the demo merchant, and the second demo shopper waiting at the
first branch with a cart just short of the first tier, so that the first demo
shopper who asks to pool there is suggested a pool with them (idempotent: a
running promotion and a waiting request are kept)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.catalog.models import Merchant
from groupbuy.core.money import format_fen
from groupbuy.pooling.models import PoolRequest, Promotion
from groupbuy.pooling.services import pool_request_create, promotion_publish

# The first is the one the second demo shopper waits on (WAITING_FEN).
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
    _ensure_waiting_shopper(merchant, stdout=stdout)


# ¥170 at the first branch for 200 − 20, for 12 hours: any cart of ¥30 or more
# reported there by someone asking to pool completes it.
WAITING_FEN = 17_000
WAITING_FOR = timedelta(hours=12)


def _ensure_waiting_shopper(merchant: Merchant, *, stdout) -> None:
    from groupbuy.demo_data import SHOPPER_2

    shopper = User.objects.filter(phone=SHOPPER_2.phone).first()
    branch = merchant.branches.filter(is_active=True).order_by("pk").first()
    now = timezone.now()
    promotion = (
        Promotion.objects.filter(
            merchant=merchant, title=DEMOS[0]["title"], ends_at__gt=now
        )
        .order_by("-ends_at")
        .first()
    )
    if shopper is None or branch is None or promotion is None:
        return
    waiting = PoolRequest.objects.filter(
        user=shopper,
        promotion=promotion,
        branch=branch,
        state__in=[PoolRequest.State.OPEN, PoolRequest.State.SUGGESTED],
    )
    if waiting.exists():
        return
    pool_request_create(
        actor=shopper,
        promotion=promotion,
        branch=branch,
        amount_fen=WAITING_FEN,
        deadline_at=now + WAITING_FOR,
    )
    waits = f"{format_fen(WAITING_FEN)} at {branch.name}"
    stdout.write(f"pooling: {SHOPPER_2.phone} waits to pool {waits}\n")
