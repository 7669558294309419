"""Demo data for ``groupbuy demo``: idempotent, safe to load again.

Everything is written through the apps' services, found again by natural keys
(phone numbers, the merchant's name, category slugs, GTINs, deal titles), so a
second run adds nothing and a run on a later day only replaces demo deals whose
deadline has passed. Products come from ``catalog/fixtures/demo_products.csv``,
a small extract of Open Food Facts (ODbL, see the README next to it).

The modules hold the parts: the people, the shop and its catalogue, the deals;
``load_demo`` loads them in order.
"""

from __future__ import annotations

from django.db import transaction

from groupbuy.accounts.models import MerchantMembership
from groupbuy.demo_data.deals import (
    DEMO_DEALS,
    DemoDeal,
    create_demo_deal,
    demo_deal_price_fen,
    ensure_demo_deals,
)
from groupbuy.demo_data.people import (
    CASHIER,
    LOGINS,
    OPERATOR,
    OWNER,
    SHOPPER,
    SHOPPER_2,
    ensure_membership,
    ensure_user,
)
from groupbuy.demo_data.shop import (
    ATTRIBUTION,
    FIXTURE,
    MERCHANT_NAME,
    ensure_branches,
    ensure_categories,
    ensure_merchant,
    ensure_products_and_listings,
)

__all__ = [
    "ATTRIBUTION",
    "CASHIER",
    "FIXTURE",
    "LOGINS",
    "MERCHANT_NAME",
    "OPERATOR",
    "OWNER",
    "SHOPPER",
    "SHOPPER_2",
    "DemoDeal",
    "create_demo_deal",
    "demo_deal_price_fen",
    "ensure_demo_deals",
    "load_demo",
]


def load_demo(*, stdout=None) -> list[tuple[str, str, str]]:
    """Load the demo data and return (role, phone, password) logins.

    A demo shop an operator switched off stays off: its new demo group buys are
    skipped (opening them would be refused) and one line on ``stdout`` says so.
    """
    with transaction.atomic():
        users = {login: ensure_user(login) for login in LOGINS}
        operator = users[OPERATOR]
        merchant = ensure_merchant(operator=operator, owner=users[OWNER])
        ensure_membership(
            operator, users[CASHIER], merchant, MerchantMembership.Role.CASHIER
        )
        ensure_branches(operator=operator, merchant=merchant)
        categories = ensure_categories(operator=operator)
        ensure_products_and_listings(
            operator=operator, merchant=merchant, categories=categories
        )
        ensure_demo_deals(owner=users[OWNER], merchant=merchant, specs=DEMO_DEALS)
        if not merchant.is_active and stdout is not None:
            stdout.write(
                f"The demo shop {merchant.name} is switched off by an operator: "
                "its new demo group buys are skipped."
            )
    return [(login.role, login.phone, login.password) for login in LOGINS]
