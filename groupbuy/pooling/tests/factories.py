"""Test data for pooled orders."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.catalog.models import Branch, Merchant
from groupbuy.escrow.tests.factories import make_user
from groupbuy.pooling import services

__all__ = ["make_user"]

TIERS = [(20_000, 2_000), (30_000, 5_000), (50_000, 10_000)]


def make_shop(*, name: str = "Fresh Mart"):
    """Return (merchant, branch, owner)."""
    owner = make_user()
    merchant = Merchant.objects.create(name=name)
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    branch = Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
    return merchant, branch, owner


def make_promotion(
    *, merchant, branch=None, owner=None, tiers=TIERS, days=7, kind="threshold", **rules
):
    """A 满减 promotion; ``kind`` and ``rules`` (buy_n, pay_m, ...) for others."""
    now = timezone.now()
    return services.promotion_publish(
        actor=owner,
        merchant=merchant,
        branch=branch,
        title="满300减50" if kind == "threshold" else "买3付2",
        kind=kind,
        tiers=tiers if kind == "threshold" else (),
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=days),
        **rules,
    )


def make_request(
    *, user, promotion, branch, amount_fen=None, minutes=60, size=None, items=None
):
    return services.pool_request_create(
        actor=user,
        promotion=promotion,
        branch=branch,
        amount_fen=amount_fen,
        items=items,
        deadline_at=timezone.now() + timedelta(minutes=minutes),
        max_group_size=size,
    )


def auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}
