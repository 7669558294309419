"""The demo shop: its merchant, branches, categories, products and listings."""

from __future__ import annotations

import csv
from pathlib import Path

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog import services as catalog_services
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Category, Merchant, Product
from groupbuy.demo_data.people import ensure_membership

FIXTURE = (
    Path(__file__).resolve().parents[1] / "catalog" / "fixtures" / "demo_products.csv"
)
ATTRIBUTION = (
    "Open Food Facts contributors, ODbL 1.0 — https://world.openfoodfacts.org "
    "— https://opendatacommons.org/licenses/odbl/1-0/"
)

MERCHANT_NAME = "鲜邻超市"


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


def ensure_merchant(*, operator: User, owner: User) -> Merchant:
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("id").first()
    if merchant is None:
        merchant = catalog_services.merchant_create(
            actor=operator,
            name=MERCHANT_NAME,
            name_en="FreshNeighbour Market",
            description="社区生鲜与日用品超市，上海三家门店。",
        )
    ensure_membership(operator, owner, merchant, MerchantMembership.Role.OWNER)
    return merchant


def ensure_branches(*, operator: User, merchant: Merchant) -> None:
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


def ensure_categories(*, operator: User) -> dict[str, Category]:
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


def ensure_products_and_listings(
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
