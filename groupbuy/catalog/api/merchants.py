"""Merchants, branches and listings (everyday prices)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from groupbuy.accounts.auth import caller, optional_auth
from groupbuy.catalog import selectors, services
from groupbuy.catalog.api.schemas import (
    BranchIn,
    BranchOut,
    BranchPatch,
    ListingIn,
    ListingOut,
    ListingPage,
    ListingPatch,
    MerchantOut,
    MerchantPage,
    MerchantPatch,
    branch_out,
    listing_out,
    merchant_out,
    page_out,
    patch_changes,
)
from groupbuy.catalog.permissions import (
    forbidden,
    is_merchant_staff,
    is_operator,
)
from groupbuy.core.errors import id_in_request
from groupbuy.core.pagination import PageIn, paginate

router = Router(tags=["catalog"])


class MerchantFilter(PageIn):
    q: str = Field(
        "",
        max_length=120,
        description="Name (Chinese or English), or the Chinese name as pinyin "
        "(xianguopu) or its initials (xgp), two letters at least",
    )


class NearestQuery(Schema):
    latitude: float = Field(ge=-90, le=90, description="The point's latitude (WGS-84).")
    longitude: float = Field(
        ge=-180, le=180, description="The point's longitude (WGS-84)."
    )
    merchant_id: str = Field("", description="One merchant's branches (`mer_…`).")
    within_m: float | None = Field(
        None, gt=0, description="Only branches at most this many metres away."
    )
    limit: int = Field(
        20, ge=1, le=100, description="How many branches, nearest first."
    )
    q: str = Field(
        "",
        max_length=120,
        description="Branch name (Chinese or English), or the Chinese name as "
        "pinyin (dongmendian) or its initials (dmd), two letters at least",
    )


class ListingFilter(PageIn):
    q: str = Field(
        "", max_length=200, description="Words of the product's name, brand or GTIN."
    )
    include_inactive: bool = Field(False, description="Staff only")


@router.get("/merchants", response=MerchantPage, auth=optional_auth)
def merchant_list(request, filters: Query[MerchantFilter]):
    """The active merchants, paged."""
    merchants = selectors.merchants_active(query=filters.q).prefetch_related("branches")
    result = paginate(merchants, page=filters.page, page_size=filters.page_size)
    return page_out(result, merchant_out)


@router.get("/merchants/{merchant_id}", response=MerchantOut, auth=optional_auth)
def merchant_detail(request, merchant_id: str):
    """One merchant with its branches."""
    return merchant_out(selectors.merchant_get(public_id=merchant_id))


# No POST /merchants: operators create a merchant with its owner (POST
# /api/operator/merchants, ops.onboarding); one made here had no owner, and
# nobody could then run it.


@router.patch("/merchants/{merchant_id}", response=MerchantOut)
def merchant_update(request, merchant_id: str, payload: MerchantPatch):
    """Change the shop's names and description (owners). ``is_active`` sent
    unchanged is accepted; a shop is switched off or on by operators at
    ``/api/operator/merchants/{id}/switch-off`` and ``…/switch-on``."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    changes = patch_changes(payload, clearable=frozenset({"name_en", "description"}))
    merchant = services.merchant_update(
        actor=request.auth, merchant=merchant, **changes
    )
    return merchant_out(merchant)


@router.get("/branches/nearest", response=list[BranchOut], auth=optional_auth)
def branch_nearest(request, query: Query[NearestQuery]):
    """Active branches nearest to a point, with their distance in metres."""
    merchant = None
    if query.merchant_id:
        with id_in_request("merchant_id"):
            merchant = selectors.merchant_get(public_id=query.merchant_id)
    found = selectors.branches_nearest(
        latitude=query.latitude,
        longitude=query.longitude,
        merchant=merchant,
        within_m=query.within_m,
        limit=query.limit,
        query=query.q,
    )
    return [branch_out(item.branch, item.distance_m) for item in found]


@router.post("/merchants/{merchant_id}/branches", response={201: BranchOut})
def branch_create(request, merchant_id: str, payload: BranchIn):
    """Add a branch to the shop (owners)."""
    merchant = selectors.merchant_get_for_owner(
        user=request.auth, public_id=merchant_id
    )
    branch = services.branch_create(
        actor=request.auth, merchant=merchant, **payload.dict()
    )
    return Status(201, branch_out(branch))


@router.patch("/branches/{branch_id}", response=BranchOut)
def branch_update(request, branch_id: str, payload: BranchPatch):
    """Change, close or reopen a branch (owners); 409 ``branch_in_use`` while buyers
    would be left with nowhere to collect."""
    branch = selectors.branch_get_for_owner(user=request.auth, public_id=branch_id)
    changes = patch_changes(
        payload,
        clearable=frozenset(
            {"latitude", "longitude", "phone", "name_en", "opening_hours"}
        ),
    )
    branch = services.branch_update(actor=request.auth, branch=branch, **changes)
    return branch_out(branch)


@router.get(
    "/merchants/{merchant_id}/listings", response=ListingPage, auth=optional_auth
)
def listing_list(request, merchant_id: str, filters: Query[ListingFilter]):
    """A merchant's everyday prices; its staff may include deactivated listings."""
    user = caller(request)
    merchant = selectors.merchant_get(
        public_id=merchant_id, include_inactive=is_operator(user)
    )
    if filters.include_inactive and not is_merchant_staff(user, merchant):
        raise forbidden(_("Only the merchant's staff see deactivated listings."))
    listings = selectors.merchant_listings(
        merchant=merchant, include_inactive=filters.include_inactive, query=filters.q
    ).prefetch_related("product__aliases", "product__images")
    result = paginate(listings, page=filters.page, page_size=filters.page_size)
    return page_out(result, listing_out)


@router.post("/merchants/{merchant_id}/listings", response={201: ListingOut})
def listing_create(request, merchant_id: str, payload: ListingIn):
    """List a product at an everyday price (the merchant's staff)."""
    merchant = selectors.merchant_get_for_staff(
        user=request.auth, public_id=merchant_id
    )
    with id_in_request("product_id"):
        product = selectors.product_get(public_id=payload.product_id)
    listing = services.listing_create(
        actor=request.auth,
        merchant=merchant,
        product=product,
        price_fen=payload.price_fen,
    )
    return Status(201, listing_out(listing))


@router.patch("/listings/{listing_id}", response=ListingOut)
def listing_update(request, listing_id: str, payload: ListingPatch):
    """Change a listing's everyday price or switch it on or off (the shop's staff)."""
    listing = selectors.listing_get_for_staff(user=request.auth, public_id=listing_id)
    changes = patch_changes(payload, clearable=frozenset())
    listing = services.listing_update(actor=request.auth, listing=listing, **changes)
    return listing_out(listing)


@router.delete("/listings/{listing_id}", response=ListingOut)
def listing_deactivate(request, listing_id: str):
    """Stop selling: the listing stays, deactivated, for history."""
    listing = selectors.listing_get_for_staff(user=request.auth, public_id=listing_id)
    listing = services.listing_deactivate(actor=request.auth, listing=listing)
    return listing_out(listing)
