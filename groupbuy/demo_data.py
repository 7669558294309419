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
from pathlib import Path

from django.db import transaction

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.accounts.services import merchant_membership_add, user_sign_up
from groupbuy.catalog import selectors as catalog_selectors
from groupbuy.catalog import services as catalog_services
from groupbuy.catalog.gtin import gtin14
from groupbuy.catalog.models import Branch, Category, Merchant, Product

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
BRANCHES = (
    (
        "人民广场店",
        "上海市黄浦区西藏中路268号B1",
        31.233180,
        121.475620,
        "021 6358 0101",
    ),
    (
        "静安寺店",
        "上海市静安区南京西路1618号B2",
        31.223420,
        121.446170,
        "021 6288 0102",
    ),
    (
        "陆家嘴店",
        "上海市浦东新区陆家嘴环路1000号B1",
        31.239040,
        121.503210,
        "021 5882 0103",
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
        _ensure_demo_deals(operator=operator, merchant=merchant)
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
    existing = set(
        Branch.objects.filter(merchant=merchant).values_list("name", flat=True)
    )
    for name, address, latitude, longitude, phone in BRANCHES:
        if name not in existing:
            catalog_services.branch_create(
                actor=operator,
                merchant=merchant,
                name=name,
                address=address,
                latitude=latitude,
                longitude=longitude,
                phone=phone,
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


def _ensure_demo_deals(*, operator: User, merchant: Merchant) -> None:
    """Filled in once the deals services exist."""
