"""The demo shop's group buys, replaced once their deadline has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from groupbuy.accounts.models import User
from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog.models import Merchant
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_close, deal_create, deal_open


@dataclass(frozen=True)
class DemoDeal:
    title: str
    gtin: str
    # (buyers, percent of the everyday price), fewest buyers first
    tiers: tuple[tuple[int, int], ...]
    stock: int
    deadline_in: timedelta
    starts_in: timedelta = timedelta(0)
    max_quantity_per_order: int = 5
    settlement_mode: str = Deal.SettlementMode.ON_CLOSE


DEMO_DEALS = (
    DemoDeal(
        "可口可乐汽水 拼团特价",
        "6901939691601",
        ((3, 90), (10, 80), (30, 70)),
        stock=200,
        deadline_in=timedelta(minutes=25),
        max_quantity_per_order=24,
    ),
    DemoDeal(
        "伊利纯牛奶 整箱团",
        "6907992500942",
        ((5, 92), (20, 85)),
        stock=100,
        deadline_in=timedelta(minutes=50),
    ),
    DemoDeal(
        "奥利奥夹心饼干 办公室零食团",
        "6901668005755",
        ((5, 90), (15, 80), (40, 72)),
        stock=150,
        deadline_in=timedelta(minutes=90),
    ),
    DemoDeal(
        "德芙榛仁巧克力 甜蜜拼单",
        "6914973600072",
        ((3, 90), (12, 82)),
        stock=80,
        deadline_in=timedelta(hours=2),
    ),
    DemoDeal(
        "康师傅红烧排骨面 囤货团",
        "6934158356785",
        ((10, 90), (30, 80), (60, 72)),
        stock=300,
        deadline_in=timedelta(hours=3),
        max_quantity_per_order=12,
    ),
    DemoDeal(
        "镇江香醋 厨房好物团",
        "6902007505271",
        ((5, 88), (15, 78)),
        stock=60,
        deadline_in=timedelta(hours=4),
    ),
    DemoDeal(
        "王老吉凉茶 消暑团",
        "6956367338666",
        ((6, 90), (24, 80)),
        stock=240,
        deadline_in=timedelta(hours=6),
        max_quantity_per_order=12,
    ),
    DemoDeal(
        "良品铺子椰子脆片 零食团",
        "6953240737677",
        ((4, 90), (12, 80), (30, 70)),
        stock=90,
        deadline_in=timedelta(hours=8),
    ),
    DemoDeal(
        "雀巢高钙营养奶粉 家庭装团",
        "6917878034485",
        ((3, 93), (10, 85)),
        stock=40,
        deadline_in=timedelta(hours=12),
        max_quantity_per_order=3,
    ),
    DemoDeal(
        "雪花冰酷啤酒 周末聚会团",
        "6949352201014",
        ((12, 90), (48, 78)),
        stock=480,
        deadline_in=timedelta(hours=24),
        max_quantity_per_order=24,
    ),
    DemoDeal(
        "蛙稻米大米 新米团",
        "6952032902088",
        ((3, 92), (10, 84), (25, 78)),
        stock=50,
        deadline_in=timedelta(hours=36),
        max_quantity_per_order=2,
    ),
    # Starts later: shows a deal that is announced but not yet joinable.
    DemoDeal(
        "西凤酒十年陈酿 节日团",
        "6902212012816",
        ((2, 92), (6, 85)),
        stock=30,
        starts_in=timedelta(hours=2),
        deadline_in=timedelta(hours=26),
        max_quantity_per_order=2,
    ),
)

DEAL_DESCRIPTION = "鲜邻超市人民广场店、静安寺店、陆家嘴店均可凭券自提。"


def demo_deal_price_fen(list_price_fen: int, percent: int) -> int:
    """Return ``percent`` of the list price, rounded to 10 fen (a shelf price)."""
    return max(10, round(list_price_fen * percent / 1000) * 10)


def ensure_demo_deals(
    *, owner: User, merchant: Merchant, specs: tuple[DemoDeal, ...]
) -> list[Deal]:
    """Keep one live deal per demo title: reuse a live one, close demo deals whose
    deadline has passed (as the periodic job would) and start fresh ones.

    Return the live deals, in the order of ``specs``. A shop an operator
    switched off gets no new or newly opened deal: the operator's word holds
    (and ``deal_create`` would refuse), while its expired ones still close.
    """
    now = timezone.now()
    live_deals = []
    for spec in specs:
        deals = Deal.objects.filter(merchant=merchant, title=spec.title)
        for stale in deals.filter(state=Deal.State.OPEN, deadline_at__lte=now):
            deal_close(actor=None, deal=stale, now=now)
        live = (
            deals.filter(
                state__in=[Deal.State.DRAFT, Deal.State.OPEN], deadline_at__gt=now
            )
            .order_by("-deadline_at")
            .first()
        )
        if not merchant.is_active and (live is None or live.state != Deal.State.OPEN):
            continue
        if live is None:
            live = create_demo_deal(spec, owner=owner, merchant=merchant, now=now)
        if live.state == Deal.State.DRAFT:
            live = deal_open(actor=owner, deal=live)
        live_deals.append(live)
    return live_deals


def create_demo_deal(spec: DemoDeal, *, owner: User, merchant: Merchant, now):
    product = catalog_selectors.product_get_by_gtin(code=spec.gtin)
    listing = catalog_selectors.listing_for(merchant=merchant, product=product)
    list_price_fen = listing.price_fen
    starts_at = now + spec.starts_in
    return deal_create(
        actor=owner,
        merchant=merchant,
        product=product,
        title=spec.title,
        description=DEAL_DESCRIPTION,
        list_price_fen=list_price_fen,
        tiers=[
            (buyers, demo_deal_price_fen(list_price_fen, percent))
            for buyers, percent in spec.tiers
        ],
        stock=spec.stock,
        starts_at=starts_at,
        deadline_at=now + spec.deadline_in,
        max_quantity_per_order=spec.max_quantity_per_order,
        settlement_mode=spec.settlement_mode,
    )
