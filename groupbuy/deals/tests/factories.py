"""Test data for deals: merchants with owners, products, open deals, paid orders."""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch, Category, Listing, Merchant, Product
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_create, deal_join, deal_open
from groupbuy.escrow.providers.base import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from groupbuy.escrow.tests.factories import apply_event, event_for, make_user

__all__ = ["make_user"]

TIERS = [(2, 9_900), (4, 8_900)]
_branch_numbers = count(1)


def make_merchant(*, name: str = "Fresh Mart", owner=None) -> Merchant:
    merchant = Merchant.objects.create(name=name)
    if owner is not None:
        merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    return merchant


def make_product(
    *, name_zh: str = "茉莉花茶", name_en: str = "Jasmine tea", category=None
):
    return Product.objects.create(name_zh=name_zh, name_en=name_en, category=category)


def make_listed_product(*, merchant: Merchant, price_fen: int = 12_900, **names):
    """A product ``merchant`` sells every day at ``price_fen``."""
    product = make_product(**names)
    ensure_listing(merchant=merchant, product=product, price_fen=price_fen)
    return product


def make_category(*, slug: str = "tea", parent=None) -> Category:
    return Category.objects.create(slug=slug, name_zh=slug, name_en=slug, parent=parent)


def make_branch(*, merchant, latitude: float, longitude: float) -> Branch:
    return Branch.objects.create(
        merchant=merchant,
        name=f"Branch {next(_branch_numbers)}",  # a merchant's names are unique
        address="1 Road",
        latitude=latitude,
        longitude=longitude,
    )


def make_deal(
    *,
    merchant=None,
    product=None,
    tiers=TIERS,
    stock: int = 10,
    is_open: bool = True,
    title: str = "Jasmine tea 500 g",
    starts_in: timedelta = timedelta(hours=-1),
    deadline_in: timedelta = timedelta(days=1),
    max_quantity_per_order: int | None = None,
    list_price_fen: int = 12_900,
) -> Deal:
    now = timezone.now()
    merchant = merchant or make_merchant()
    product = product or make_product()
    ensure_pickup_branch(merchant)
    ensure_listing(merchant=merchant, product=product, price_fen=list_price_fen)
    deal = deal_create(
        actor=None,
        merchant=merchant,
        product=product,
        title=title,
        list_price_fen=list_price_fen,
        tiers=tiers,
        stock=stock,
        starts_at=now + starts_in,
        deadline_at=now + deadline_in,
        max_quantity_per_order=max_quantity_per_order,
    )
    if is_open:
        deal = deal_open(actor=None, deal=deal)
    return deal


def ensure_listing(*, merchant: Merchant, product: Product, price_fen: int) -> None:
    """List ``product`` at ``merchant`` at ``price_fen`` unless the shop has a
    listing of it (a test's own, active or not, is left as it is): a deal that
    shows an original price needs the shop's everyday price behind it."""
    Listing.objects.get_or_create(
        merchant=merchant, product=product, defaults={"price_fen": price_fen}
    )


def ensure_pickup_branch(merchant: Merchant) -> None:
    """Give ``merchant`` an active branch unless it has one: a deal only opens
    where buyers can collect."""
    if not merchant.branches.filter(is_active=True).exists():
        Branch.objects.create(merchant=merchant, name="Main", address="1 Road")


def pass_deadline(deal: Deal) -> Deal:
    """Move the deadline into the past (tests only: no service does this)."""
    now = timezone.now()
    Deal.objects.filter(pk=deal.pk).update(
        starts_at=now - timedelta(days=2), deadline_at=now - timedelta(seconds=1)
    )
    deal.refresh_from_db()
    return deal


def pay(order: DealOrder, *, event_id: str | None = None) -> str:
    """Deliver the sandbox's success callback for the order's payment."""
    outcome = apply_event(
        event_for(order.payment_intent, event_type=PAYMENT_SUCCEEDED, event_id=event_id)
    )
    order.refresh_from_db()
    return outcome


def decline(order: DealOrder) -> str:
    outcome = apply_event(event_for(order.payment_intent, event_type=PAYMENT_FAILED))
    order.refresh_from_db()
    return outcome


def join_and_pay(deal: Deal, *, quantity: int = 1, shopper=None) -> DealOrder:
    order = deal_join(actor=shopper or make_user(), deal=deal, quantity=quantity)
    pay(order)
    return order
