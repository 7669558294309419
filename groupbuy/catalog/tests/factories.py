"""Test data for the catalog: plain functions with sensible defaults.

Every ``make_*`` takes keyword overrides for any model field and creates what it
needs (a product gets a fresh valid GTIN, a listing a merchant and a product).
Other apps' tests import these.
"""

from __future__ import annotations

import itertools

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog.gtin import gtin_check_digit
from groupbuy.catalog.models import (
    Branch,
    Category,
    Listing,
    Merchant,
    Product,
    ProductAlias,
    ProductImage,
)

_sequence = itertools.count(1)


def next_number() -> int:
    return next(_sequence)


def make_gtin13(number: int | None = None) -> str:
    """Return a valid EAN-13 in the in-store range 200–299 (never a real product)."""
    body = f"20{(next_number() if number is None else number):010d}"
    return body + str(gtin_check_digit(body))


def make_phone() -> str:
    """Return a fresh valid mainland mobile number in E.164."""
    return f"+86139{next_number():08d}"


def make_user(**overrides) -> User:
    password = overrides.pop("password", "test-password-1")
    overrides.setdefault("phone", make_phone())
    return User.objects.create_user(password=password, **overrides)


def make_operator(**overrides) -> User:
    overrides.setdefault("is_staff", True)
    return make_user(**overrides)


def make_merchant(**overrides) -> Merchant:
    number = next_number()
    overrides.setdefault("name", f"测试商户{number}")
    overrides.setdefault("name_en", f"Test Merchant {number}")
    return Merchant.objects.create(**overrides)


def make_branch(**overrides) -> Branch:
    number = next_number()
    if "merchant" not in overrides:
        overrides["merchant"] = make_merchant()
    overrides.setdefault("name", f"门店{number}")
    overrides.setdefault("address", f"上海市黄浦区南京东路{number}号")
    overrides.setdefault("latitude", "31.235000")
    overrides.setdefault("longitude", "121.480000")
    return Branch.objects.create(**overrides)


def make_merchant_member(**overrides) -> MerchantMembership:
    """Return a membership; defaults: a new user as owner of a new merchant."""
    if "user" not in overrides:
        overrides["user"] = make_user()
    if "merchant" not in overrides:
        overrides["merchant"] = make_merchant()
    overrides.setdefault("role", MerchantMembership.Role.OWNER)
    return MerchantMembership.objects.create(**overrides)


def make_category(**overrides) -> Category:
    number = next_number()
    overrides.setdefault("slug", f"category-{number}")
    overrides.setdefault("name_zh", f"类别{number}")
    overrides.setdefault("name_en", f"Category {number}")
    return Category.objects.create(**overrides)


def make_product(**overrides) -> Product:
    aliases = overrides.pop("aliases", ())
    number = next_number()
    overrides.setdefault("gtin", make_gtin13())
    overrides.setdefault("name_zh", f"测试商品{number}")
    overrides.setdefault("name_en", f"Test Product {number}")
    product = Product.objects.create(**overrides)
    for text in aliases:
        ProductAlias.objects.create(product=product, text=text)
    return product


def make_product_photos(product: Product, count: int) -> list[ProductImage]:
    """Return ``count`` photos of ``product`` (rows only, no files), the first
    one main, in the order they were made."""
    return [
        ProductImage.objects.create(
            product=product,
            image=f"products/{index}.png",
            is_primary=index == 0,
            position=index,
        )
        for index in range(count)
    ]


def make_listing(**overrides) -> Listing:
    if "merchant" not in overrides:
        overrides["merchant"] = make_merchant()
    if "product" not in overrides:
        overrides["product"] = make_product()
    overrides.setdefault("price_fen", 1990)
    return Listing.objects.create(**overrides)
