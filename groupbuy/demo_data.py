"""Demo data for ``groupbuy demo``: idempotent, safe to load again.

Everything is written through the apps' services, found again by natural keys
(phone numbers, the merchant's name, category slugs, GTINs, deal titles), so a
second run adds nothing and a run on a later day only replaces demo deals whose
deadline has passed. Products come from ``catalog/fixtures/demo_products.csv``,
a small extract of Open Food Facts (ODbL, see the README next to it).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.services import merchant_membership_add, user_sign_up
from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog import services as catalog_services
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Category, Merchant, Product
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_close, deal_create, deal_open

FIXTURE = Path(__file__).resolve().parent / "catalog" / "fixtures" / "demo_products.csv"
ATTRIBUTION = (
    "Open Food Facts contributors, ODbL 1.0 — https://world.openfoodfacts.org "
    "— https://opendatacommons.org/licenses/odbl/1-0/"
)

MERCHANT_NAME = "鲜邻超市"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    phone: str
    password: str
    display_name: str


SHOPPER = DemoLogin("shopper", "+8613800000001", "demo-shopper-1", "小王")
SHOPPER_2 = DemoLogin("shopper", "+8613800000002", "demo-shopper-2", "小李")
OWNER = DemoLogin("owner", "+8613800000003", "demo-owner-1", "鲜邻张店长")
CASHIER = DemoLogin("cashier", "+8613800000004", "demo-cashier-1", "鲜邻收银员")
OPERATOR = DemoLogin("operator", "+8613800000005", "demo-operator-1", "平台运营")
LOGINS = (SHOPPER, SHOPPER_2, OWNER, CASHIER, OPERATOR)

# (slug, Chinese name, English name, parent slug, demand threshold)
CATEGORIES = (
    ("food-drink", "食品饮料", "Food & Drinks", None, None),
    ("beverages", "饮料", "Beverages", "food-drink", None),
    ("dairy", "乳制品", "Dairy", "food-drink", None),
    ("snacks", "零食", "Snacks", "food-drink", 3),
    ("confectionery", "糖果巧克力", "Sweets & Chocolate", "food-drink", None),
    ("condiments", "调味品", "Condiments", "food-drink", None),
    ("instant-food", "方便食品", "Instant Food", "food-drink", None),
    ("rice-grains", "米面粮油", "Rice & Grains", "food-drink", None),
    ("alcohol", "酒类", "Beer, Wine & Spirits", "food-drink", 8),
)


# (name, address, latitude, longitude, phone)
def _week(weekdays: tuple[str, str], weekend: tuple[str, str]) -> list[dict]:
    hours = {"mon": weekdays, "tue": weekdays, "wed": weekdays, "thu": weekdays}
    hours |= {"fri": weekdays, "sat": weekend, "sun": weekend}
    return [{"day": d, "opens": o, "closes": c} for d, (o, c) in hours.items()]


# (name, English name, address, latitude, longitude, phone, opening hours): a
# mall branch with the mall's hours, one open late at weekends, an office
# district one shut on Sundays.
BRANCHES = (
    (
        "人民广场店",
        "People's Square",
        "上海市黄浦区西藏中路268号B1",
        31.233180,
        121.475620,
        "021 6358 0101",
        _week(("08:00", "22:00"), ("08:00", "22:00")),
    ),
    (
        "静安寺店",
        "Jing'an Temple",
        "上海市静安区南京西路1618号B2",
        31.223420,
        121.446170,
        "021 6288 0102",
        _week(("10:00", "22:00"), ("10:00", "23:30")),
    ),
    (
        "陆家嘴店",
        "Lujiazui",
        "上海市浦东新区陆家嘴环路1000号B1",
        31.239040,
        121.503210,
        "021 5882 0103",
        _week(("07:30", "21:00"), ("09:00", "18:00"))[:6],
    ),
)


def load_demo() -> list[tuple[str, str, str]]:
    """Load the demo data and return (role, phone, password) logins."""
    with transaction.atomic():
        users = {login: _ensure_user(login) for login in LOGINS}
        operator = users[OPERATOR]
        merchant = _ensure_merchant(operator=operator, owner=users[OWNER])
        _ensure_membership(
            operator, users[CASHIER], merchant, MerchantMembership.Role.CASHIER
        )
        _ensure_branches(operator=operator, merchant=merchant)
        categories = _ensure_categories(operator=operator)
        _ensure_products_and_listings(
            operator=operator, merchant=merchant, categories=categories
        )
        ensure_demo_deals(owner=users[OWNER], merchant=merchant, specs=DEMO_DEALS)
    return [(login.role, login.phone, login.password) for login in LOGINS]


# --- People ---------------------------------------------------------------------


def _ensure_user(login: DemoLogin) -> User:
    user = User.objects.filter(phone=login.phone).first()
    if user is None:
        user = user_sign_up(
            phone=login.phone,
            password=login.password,
            display_name=login.display_name,
        )
    elif not user.check_password(login.password):
        # The printed logins must work even if someone changed a demo password.
        user.set_password(login.password)
        user.save(update_fields=["password"])
    if login is OPERATOR and not (user.is_staff and user.is_superuser):
        # Operators use the Django admin; no service promotes people (on purpose).
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return user


def _ensure_membership(actor, user, merchant, role) -> None:
    membership = MerchantMembership.objects.filter(user=user, merchant=merchant).first()
    if membership is None or membership.role != role:
        merchant_membership_add(actor=actor, user=user, merchant=merchant, role=role)


# --- Merchant and catalog -------------------------------------------------------


def _ensure_merchant(*, operator: User, owner: User) -> Merchant:
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if merchant is None:
        merchant = catalog_services.merchant_create(
            actor=operator,
            name=MERCHANT_NAME,
            name_en="FreshNeighbour Market",
            description="社区生鲜与日用品超市，上海三家门店。",
        )
    _ensure_membership(operator, owner, merchant, MerchantMembership.Role.OWNER)
    return merchant


def _ensure_branches(*, operator: User, merchant: Merchant) -> None:
    existing = {branch.name: branch for branch in merchant.branches.all()}
    for name, name_en, address, latitude, longitude, phone, hours in BRANCHES:
        branch = existing.get(name)
        if branch is None:
            catalog_services.branch_create(
                actor=operator,
                merchant=merchant,
                name=name,
                name_en=name_en,
                address=address,
                latitude=latitude,
                longitude=longitude,
                phone=phone,
                opening_hours=hours,
            )
        elif not branch.name_en and not branch.opening_hours:
            # A demo loaded before branches had English names and hours.
            catalog_services.branch_update(
                actor=operator, branch=branch, name_en=name_en, opening_hours=hours
            )


def _ensure_categories(*, operator: User) -> dict[str, Category]:
    categories = {c.slug: c for c in Category.objects.filter(slug__in=_slugs())}
    for slug, name_zh, name_en, parent_slug, threshold in CATEGORIES:
        if slug not in categories:
            categories[slug] = catalog_services.category_create(
                actor=operator,
                slug=slug,
                name_zh=name_zh,
                name_en=name_en,
                parent=categories[parent_slug] if parent_slug else None,
                demand_threshold=threshold,
            )
    return categories


def _slugs() -> list[str]:
    return [slug for slug, *_rest in CATEGORIES]


def demo_product_rows() -> list[dict[str, str]]:
    """Return the rows of the demo product fixture."""
    with FIXTURE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ensure_products_and_listings(
    *, operator: User, merchant: Merchant, categories: dict[str, Category]
) -> None:
    rows = demo_product_rows()
    products = {
        p.gtin14: p
        for p in Product.objects.filter(gtin14__in=[gtin14(r["gtin"]) for r in rows])
    }
    for row in rows:
        product = products.get(gtin14(row["gtin"]))
        if product is None:
            product = catalog_services.product_create(
                actor=operator,
                gtin=row["gtin"],
                name_zh=row["name_zh"],
                name_en=row["name_en"],
                brand=row["brand"],
                spec=row["spec"],
                category=categories[row["category"]],
                source=ATTRIBUTION,
                aliases=[text for text in row["aliases"].split("|") if text],
            )
        if catalog_selectors.listing_for(merchant=merchant, product=product) is None:
            catalog_services.listing_create(
                actor=operator,
                merchant=merchant,
                product=product,
                price_fen=int(row["price_fen"]),
            )


# --- Deals ----------------------------------------------------------------------


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

    Return the live deals, in the order of ``specs``.
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
