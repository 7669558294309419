"""Demo data for deals: group buys of fresh produce (with photos) and demo
buyers already in several deals, so progress bars and price tiers have moved
when someone first opens the demo (idempotent: a buyer joins a deal once).

Runs after the catalog's demo data (INSTALLED_APPS order), which adds the
produce and its photos.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.accounts.services import user_sign_up
from groupbuy.catalog.demo import PRODUCE
from groupbuy.catalog.models import Merchant
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.escrow.callbacks import payment_event_apply
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers import SANDBOX, is_sandbox_enabled
from groupbuy.escrow.providers.base import PaymentEvent
from groupbuy.escrow.services import sandbox_payment_submit

# Shoppers who only exist to have joined (no printed login: unusable passwords).
BUYERS = (
    ("+8613800000101", "阿杰"),
    ("+8613800000102", "小美"),
    ("+8613800000103", "陈阿姨"),
    ("+8613800000104", "老刘"),
    ("+8613800000105", "Lily"),
    ("+8613800000106", "王同学"),
    ("+8613800000107", "赵姐"),
    ("+8613800000108", "小周"),
)


def _gtin(photo: str) -> str:
    return next(item.gtin for item in PRODUCE if item.photo == photo)


def produce_deals():
    from groupbuy.demo_data import DemoDeal

    return (
        DemoDeal(
            "海南香蕉 2 斤装 拼团",
            _gtin("banana"),
            ((3, 85), (8, 75), (20, 65)),
            stock=120,
            deadline_in=timedelta(hours=2),
            max_quantity_per_order=4,
        ),
        DemoDeal(
            "台农芒果 尝鲜团",
            _gtin("mango"),
            ((4, 88), (10, 78)),
            stock=80,
            deadline_in=timedelta(hours=5),
            max_quantity_per_order=3,
        ),
        DemoDeal(
            "串收番茄 家常菜团",
            _gtin("vine-tomato"),
            ((5, 90), (15, 80)),
            stock=100,
            deadline_in=timedelta(hours=10),
        ),
        DemoDeal(
            "牛油果 轻食团",
            _gtin("avocado"),
            ((3, 90), (10, 80)),
            stock=60,
            deadline_in=timedelta(hours=20),
            max_quantity_per_order=3,
        ),
        DemoDeal(
            "赣南脐橙 整箱团",
            _gtin("orange"),
            ((6, 88), (20, 78)),
            stock=150,
            deadline_in=timedelta(hours=30),
            max_quantity_per_order=5,
        ),
    )


# Deal title -> (buyer number, quantity) of those already in.
JOINS = {
    "海南香蕉 2 斤装 拼团": ((0, 2), (1, 1), (2, 1), (3, 2), (4, 1)),
    "台农芒果 尝鲜团": ((1, 1), (5, 2)),
    "串收番茄 家常菜团": ((0, 1), (2, 2), (6, 1), (7, 1), (3, 1), (4, 1)),
    "可口可乐汽水 拼团特价": ((5, 6), (6, 12), (7, 6), (0, 12)),
    "伊利纯牛奶 整箱团": ((1, 1), (2, 2), (3, 1)),
    "德芙榛仁巧克力 甜蜜拼单": ((4, 2), (6, 1), (7, 1)),
}


def load_demo_data(*, stdout) -> None:
    from groupbuy.demo_data import MERCHANT_NAME, OWNER, ensure_demo_deals

    owner = User.objects.filter(phone=OWNER.phone).first()
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if owner is None or merchant is None:
        return
    with transaction.atomic():
        ensure_demo_deals(owner=owner, merchant=merchant, specs=produce_deals())
    buyers = [_ensure_buyer(phone, name) for phone, name in BUYERS]
    joined = 0
    for title, joins in JOINS.items():
        deal = (
            Deal.objects.filter(merchant=merchant, title=title, state=Deal.State.OPEN)
            .order_by("-deadline_at")
            .first()
        )
        if deal is None or not deal.starts_at <= timezone.now() < deal.deadline_at:
            continue
        for number, quantity in joins:
            joined += ensure_joined(buyers[number], deal, quantity)
    if joined:
        stdout.write(f"deals: {joined} demo orders in {len(JOINS)} group buys\n")


def _ensure_buyer(phone: str, name: str) -> User:
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = user_sign_up(phone=phone, password=None, display_name=name)
    return user


def ensure_joined(buyer: User, deal: Deal, quantity: int) -> int:
    """Join ``deal`` as ``buyer`` and pay on the sandbox, once; 1 if joined now."""
    if DealOrder.objects.filter(deal=deal, shopper=buyer).exists():
        return 0
    order = deal_join(actor=buyer, deal=deal, quantity=quantity)
    intent = order.payment_intent
    if intent.provider == SANDBOX and is_sandbox_enabled():
        _pay_on_the_sandbox(buyer, intent)
    return 1


def _pay_on_the_sandbox(buyer: User, intent: PaymentIntent) -> None:
    """Pay as the buyer would on the sandbox page, and deliver its callback now
    rather than from the job (the job's later copy is then a duplicate)."""
    from groupbuy.escrow.models import SandboxPayment

    sandbox_payment_submit(actor=buyer, intent=intent)
    payload = SandboxPayment.objects.get(intent_public_id=intent.public_id).event
    payment_event_apply(
        provider_name=SANDBOX,
        event=PaymentEvent(
            event_id=payload["id"],
            intent_id=payload["intent_id"],
            type=payload["type"],
            amount_fen=payload["amount_fen"],
            currency=payload["currency"],
            provider_reference=payload["provider_reference"],
            payload=payload,
        ),
    )
