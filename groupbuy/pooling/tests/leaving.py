"""Confirmed pools of chosen carts and answered contact requests, for the
tests of leaving one and ending the other."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from groupbuy.catalog.models import Product
from groupbuy.pooling import services
from groupbuy.pooling.matching.types import make_group
from groupbuy.pooling.models import CartReport, Pool
from groupbuy.pooling.services import pools as pool_services
from groupbuy.pooling.services import shoppers
from groupbuy.pooling.tests.factories import make_request, make_shop, make_user


def confirmed_pool(monkeypatch, *, promotion, branch, amounts, users=None):
    """A pool of one cart of each amount, every member accepted; (pool, users).
    The carts are pooled as given, not as the engine would pool them."""
    monkeypatch.setattr(shoppers, "_match_soon", lambda *args: None)
    users = users or [make_user() for _ in amounts]
    requests = [
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
        for user, amount in zip(users, amounts, strict=True)
    ]
    pool = pool_as_given(promotion=promotion, requests=requests)
    for user in users:
        pool = services.pool_answer(actor=user, pool=pool, accept=True)
    assert pool.state == Pool.State.CONFIRMED
    return pool, users


def pool_as_given(*, promotion, requests) -> Pool:
    """Suggest a pool of exactly these requests of a 满减, as the engine may
    not pool them (more than the tier needs, say)."""
    component = pool_services._Component(promotion)
    carts = [component.cart(request) for request in requests]
    group = make_group(promotion.rules().tiers, carts)
    return pool_services._pool_create(
        promotion=promotion,
        members=requests,
        group=group,
        shares_fen=component.shares(group, requests),
        now=timezone.now(),
    )


def contact_between(*, accept: bool):
    """A shopper asked one who plans to buy tea, who answered; once accepted
    the asker wrote "hello". (contact, asker, planner, the shop's owner)"""
    _merchant, branch, owner = make_shop()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    asker, planner = make_user(), make_user()
    cart = CartReport.objects.create(
        user=planner,
        branch=branch,
        kind=CartReport.Kind.INTENDED,
        amount_fen=5_000,
        items=[{"product_id": tea.public_id, "quantity": 1}],
        window_start_at=timezone.now(),
        window_end_at=timezone.now() + timedelta(hours=2),
    )
    services.profile_update(
        actor=planner, max_group_size=4, max_walk_m=500, is_discoverable=True
    )
    contact = services.contact_request(actor=asker, cart=cart, product=tea)
    services.contact_answer(actor=planner, contact=contact, accept=accept)
    if accept:
        services.contact_chat_post(actor=asker, contact=contact, body="hello")
    return contact, asker, planner, owner
