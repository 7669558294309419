"""Reads of merchants, branches (nearest first) and listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.geo import haversine_m
from groupbuy.catalog.models import (
    Branch,
    Listing,
    Merchant,
    Product,
)
from groupbuy.catalog.permissions import (
    is_merchant_staff,
    require_merchant_owner,
    require_merchant_staff,
)
from groupbuy.catalog.selectors.common import _not_found
from groupbuy.catalog.selectors.name_search import initials_match, pinyin_match
from groupbuy.catalog.selectors.products import products_matching
from groupbuy.core.models import AuditEntry


def merchants_active(*, query: str = "") -> QuerySet[Merchant]:
    merchants = Merchant.objects.filter(is_active=True)
    text = (query or "").strip()
    if text:
        merchants = merchants.filter(
            Q(name__icontains=text)
            | Q(name_en__icontains=text)
            | pinyin_match(text)
            | initials_match(text)
        )
    return merchants.order_by("name", "id")


def merchant_owners_prefetch(*, through: str = "") -> Prefetch:
    """Prefetch each merchant's owner memberships, with their people, as
    ``merchant.owner_memberships`` (oldest first): how a person tells one shop
    from another on an operator's list. ``through`` is the path to the
    merchant from the listed model (``"merchant__"`` for its accounts)."""
    owners = (
        MerchantMembership.objects.filter(role=MerchantMembership.Role.OWNER)
        .select_related("user")
        .order_by("pk")
    )
    return Prefetch(
        f"{through}memberships", queryset=owners, to_attr="owner_memberships"
    )


def merchant_get(*, public_id: str, include_inactive: bool = False) -> Merchant:
    merchants = Merchant.objects.all()
    if not include_inactive:
        merchants = merchants.filter(is_active=True)
    merchant = merchants.filter(public_id=public_id).first()
    if merchant is None:
        raise _not_found(_("merchant"))
    return merchant


def merchant_get_for_staff(*, user, public_id: str) -> Merchant:
    """Return a merchant whose listings ``user`` (its staff, or an operator) manages."""
    merchant = merchant_get(public_id=public_id, include_inactive=True)
    require_merchant_staff(user, merchant)
    return merchant


def merchant_get_for_owner(*, user, public_id: str) -> Merchant:
    merchant = merchant_get(public_id=public_id, include_inactive=True)
    require_merchant_owner(user, merchant)
    return merchant


def merchant_branches(*, merchant: Merchant) -> QuerySet[Branch]:
    return merchant.branches.filter(is_active=True).order_by("name", "id")


def branch_open_locked(branch: Branch) -> bool:
    """Lock ``branch`` until the caller's transaction commits; return whether
    it is open now.

    For a write that leaves something at the branch (an order to collect, a
    redemption): closing a branch (``branch_update``) takes it ``FOR UPDATE``
    and counts what waits there, so the write either commits first and is
    counted, or waits here and finds it closed. ``FOR NO KEY UPDATE``, which
    the closing's lock waits for; take it after the caller's own row (the
    deal, the coupon), the order ``deal_open`` and batch imports lock in.
    """
    return bool(
        Branch.objects.select_for_update(no_key=True)
        .filter(pk=branch.pk)
        .values_list("is_active", flat=True)
        .first()
    )


def branch_closed_at(*, branch: Branch) -> datetime | None:
    """Return when ``branch``, closed now, closed: the time of its last change
    of ``is_active`` in the audit trail (``branch_update`` audits every
    change). None when it is open, or when no change is recorded (closed
    outside the services, e.g. in a shell).
    """
    if branch.is_active:
        return None
    changes = (
        AuditEntry.objects.filter(
            action="catalog.branch.updated", object_id=branch.public_id
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", "data")
    )
    for created_at, data in changes:
        if "is_active" in (data or {}).get("changed", []):
            return created_at
    return None


def branch_get_for_owner(*, user, public_id: str) -> Branch:
    branch = Branch.objects.select_related("merchant").filter(public_id=public_id)
    branch = branch.first()
    if branch is None or not is_merchant_staff(user, branch.merchant):
        # Other merchants' people learn nothing about whether the branch
        # exists (they got the owners-only 403, naming its shop); the shop's
        # cashiers get that 403 below.
        raise _not_found(_("branch"))
    require_merchant_owner(user, branch.merchant)
    return branch


@dataclass
class BranchDistance:
    branch: Branch
    distance_m: float


def branches_nearest(
    *,
    latitude: float,
    longitude: float,
    merchant: Merchant | None = None,
    within_m: float | None = None,
    limit: int | None = None,
    query: str = "",
) -> list[BranchDistance]:
    """Return active branches with coordinates, nearest first (haversine);
    with ``query``, those whose name holds it as written, as pinyin or as
    initials ("dongmen", "dmd" for 东门店)."""
    branches = Branch.objects.filter(
        is_active=True,
        merchant__is_active=True,
        latitude__isnull=False,
        longitude__isnull=False,
    ).select_related("merchant")
    if merchant is not None:
        branches = branches.filter(merchant=merchant)
    for word in (query or "").split()[:8]:
        branches = branches.filter(
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | pinyin_match(word)
            | initials_match(word)
        )
    found = [
        BranchDistance(
            branch,
            haversine_m(
                latitude, longitude, float(branch.latitude), float(branch.longitude)
            ),
        )
        for branch in branches
    ]
    if within_m is not None:
        found = [item for item in found if item.distance_m <= within_m]
    found.sort(key=lambda item: (item.distance_m, item.branch.pk))
    return found[:limit] if limit is not None else found


def merchant_distances_m(*, latitude: float, longitude: float) -> dict[int, float]:
    """Return {merchant id: metres to its nearest branch} for "nearest first" lists.

    Merchants without a located branch are missing; sort them last.
    """
    distances: dict[int, float] = {}
    for item in branches_nearest(latitude=latitude, longitude=longitude):
        distances.setdefault(item.branch.merchant_id, item.distance_m)
    return distances


# --- Listings -------------------------------------------------------------------


def merchant_listings(
    *, merchant: Merchant, include_inactive: bool = False, query: str = ""
) -> QuerySet[Listing]:
    listings = Listing.objects.filter(merchant=merchant).select_related(
        "product", "product__category", "product__added_by_merchant", "merchant"
    )
    if not include_inactive:
        listings = listings.filter(is_active=True, product__is_active=True)
    text = (query or "").strip()
    if text:
        listings = listings.filter(
            product__in=products_matching(query=text).values("pk")
        )
    return listings.order_by("product__name_zh", "id")


def listing_for(*, merchant: Merchant, product: Product) -> Listing | None:
    """Return ``merchant``'s active listing of ``product`` (its everyday price)."""
    return Listing.objects.filter(
        merchant=merchant, product=product, is_active=True
    ).first()


def merchants_selling(*, product: Product) -> QuerySet[Merchant]:
    """Return the active merchants a deal for ``product`` can be launched at:
    they list it (the shop sells it) and have an active branch (where buyers
    collect), cheapest everyday price first."""
    listing = Listing.objects.filter(
        merchant=OuterRef("pk"), product=product, is_active=True
    )
    branch = Branch.objects.filter(merchant=OuterRef("pk"), is_active=True)
    return (
        Merchant.objects.filter(Exists(listing), Exists(branch), is_active=True)
        .annotate(everyday_price_fen=Subquery(listing.values("price_fen")[:1]))
        .order_by("everyday_price_fen", "name", "id")
    )


def listing_get_for_staff(*, user, public_id: str) -> Listing:
    listing = (
        Listing.objects.select_related("merchant", "product")
        .filter(public_id=public_id)
        .first()
    )
    if listing is None or not is_merchant_staff(user, listing.merchant):
        # Other merchants' staff learn nothing about whether the listing exists.
        raise _not_found(_("listing"))
    return listing
