"""Seed a running installation through its own services (never raw rows).

Runs inside the server's Django: ``Deployment.seed("seed_open_deal(...)")``
imports this module in ``groupbuy shell`` and returns the call's JSON result.
"""

from __future__ import annotations

import secrets
from datetime import timedelta


def _staff_and_merchant(merchant_name: str):
    from groupbuy.accounts.models import MerchantMembership, User
    from groupbuy.accounts.services import merchant_membership_add
    from groupbuy.catalog import services as catalog

    operator, _created = User.objects.get_or_create(
        phone="+8613700000009", defaults={"is_staff": True, "is_superuser": True}
    )
    owner, _created = User.objects.get_or_create(phone="+8613700000008")
    membership = MerchantMembership.objects.filter(
        user=owner, merchant__name=merchant_name
    ).first()
    if membership is not None:
        return operator, owner, membership.merchant
    merchant = catalog.merchant_create(actor=operator, name=merchant_name)
    merchant_membership_add(actor=operator, user=owner, merchant=merchant, role="owner")
    return operator, owner, merchant


def ensure_branch(merchant) -> None:
    """Give ``merchant`` one branch unless it has an active one: a deal opens
    only where buyers can collect."""
    from groupbuy.catalog.models import Branch

    if not Branch.objects.filter(merchant=merchant, is_active=True).exists():
        Branch.objects.create(merchant=merchant, name="Main", address="Main Road 1")


SHARED_MERCHANT = "测试超市"


def seed_open_deal(
    *,
    gtin: str,
    tiers: list[tuple[int, int]],
    stock: int,
    seconds_to_deadline: int = 7200,
    title: str = "",
    list_price_fen: int = 2000,
    max_quantity_per_order: int = 5,
    merchant_name: str = SHARED_MERCHANT,
    seconds_to_start: int = -60,
    branches: tuple[str, ...] = (),
) -> dict:
    """Create and open a deal for a (new) product with barcode ``gtin``;
    ``seconds_to_start`` > 0 makes it start later, ``branches`` names branches
    of its merchant (created when missing)."""
    from django.utils import timezone

    from groupbuy.catalog import services as catalog
    from groupbuy.deals.services import deal_create, deal_open

    if branches and merchant_name == SHARED_MERCHANT:
        # A second branch makes every later join at the shared shop ask where
        # to collect: browser journeys that expect one branch would time out.
        raise ValueError("give a deal with branches a merchant_name of its own")
    operator, owner, merchant = _staff_and_merchant(merchant_name)
    from groupbuy.catalog.models import Branch

    for name in branches:
        Branch.objects.get_or_create(
            merchant=merchant, name=name, defaults={"address": f"{name} Road 1"}
        )
    ensure_branch(merchant)
    product = catalog.product_create(
        actor=operator,
        name_zh=f"测试商品 {gtin}",
        name_en=f"Test product {gtin}",
        gtin=gtin,
    )
    # The shop sells it every day at the list price (a deal shows it as such).
    catalog.listing_create(
        actor=owner, merchant=merchant, product=product, price_fen=list_price_fen
    )
    now = timezone.now()
    deal = deal_create(
        actor=owner,
        merchant=merchant,
        product=product,
        title=title or f"Deal {gtin}",
        list_price_fen=list_price_fen,
        tiers=[tuple(tier) for tier in tiers],
        stock=stock,
        starts_at=now + timedelta(seconds=seconds_to_start),
        deadline_at=now + timedelta(seconds=seconds_to_deadline),
        max_quantity_per_order=max_quantity_per_order,
    )
    deal_open(actor=owner, deal=deal)
    return {"deal": deal.public_id, "gtin": gtin}


def deal_deadline_in(*, deal: str, seconds: float) -> dict:
    """Bring a deal's deadline to ``seconds`` from now: a journey pays first
    under a far deadline, then waits seconds, not the half minute a fixed
    deadline needs to cover a slow machine. Since 2026-12-06 its merchant may
    not bring a deadline sooner once someone paid (``deal_change_schedule``),
    so this saves it directly and does what that service does after: the close
    scheduled at the new deadline, every countdown moved
    (``announce_deadline_moved``)."""
    from django.db import transaction
    from django.utils import timezone

    from groupbuy.accounts.models import MerchantMembership
    from groupbuy.deals.models import Deal
    from groupbuy.deals.services.common import (
        announce_deadline_moved,
        push_progress_on_commit,
    )

    deadline = timezone.now() + timedelta(seconds=seconds)
    with transaction.atomic():
        found = Deal.objects.select_for_update().get(public_id=deal)
        owner = MerchantMembership.objects.get(
            merchant=found.merchant, role="owner"
        ).user
        previous_deadline_at = found.deadline_at
        found.deadline_at = deadline
        found.save(update_fields=["deadline_at", "updated_at"])
        announce_deadline_moved(
            deal=found, actor=owner, previous_deadline_at=previous_deadline_at
        )
        push_progress_on_commit(found)
    return {"deal": deal, "deadline_at": deadline.isoformat()}


def seed_shopper(
    *, phone: str, password: str, display_name: str = "", language: str = "en"
) -> dict:
    """Create a shopper who signs in with ``phone`` and ``password``."""
    from groupbuy.accounts.models import User

    user = User.objects.create_user(
        phone, password, display_name=display_name, preferred_language=language
    )
    return {"user": user.public_id}


def seed_shoppers_with_tokens(count: int, *, phone_prefix: str = "+86139") -> list[str]:
    """Create ``count`` shoppers (no password: API tokens only); return the tokens."""
    from groupbuy.accounts.models import ApiToken, User
    from groupbuy.accounts.services import api_token_hash

    users = [User(phone=f"{phone_prefix}{index:08d}") for index in range(count)]
    for user in users:
        # Password hashing is deliberately slow; these shoppers only need tokens.
        user.set_unusable_password()
    User.objects.bulk_create(users, batch_size=500)
    users = User.objects.filter(phone__startswith=phone_prefix).order_by("phone")
    tokens = [secrets.token_urlsafe(24) for _ in range(count)]
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=user, key_hash=api_token_hash(token), name="seeded")
            for user, token in zip(users, tokens, strict=True)
        ],
        batch_size=500,
    )
    return tokens
