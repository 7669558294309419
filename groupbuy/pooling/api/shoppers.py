"""A shopper's pooling preferences and profile, and the carts they report."""

from __future__ import annotations

from ninja import Query, Router, Status

from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.pagination import PageIn
from groupbuy.pooling import selectors, services
from groupbuy.pooling.api.common import REQUEST_NAMES, page_of
from groupbuy.pooling.schemas import (
    CartIn,
    CartOut,
    CartPage,
    PoolingProfileIn,
    ProfileOut,
    cart_out,
)
from groupbuy.pooling.services.shoppers import profile_get_or_create

router = Router()


def _profile(user) -> dict:
    profile = profile_get_or_create(user=user)
    summary = selectors.shopping_profile(user=user)
    return {
        "max_group_size": profile.max_group_size,
        "max_walk_m": profile.max_walk_m,
        "is_discoverable": profile.is_discoverable,
        "is_invitable": profile.is_invitable,
        "reports": summary["reports"],
        "median_amount_fen": summary["median_amount_fen"],
        "usual_hour": summary["usual_hour"],
    }


@router.get("/profile", response=ProfileOut)
def profile_show(request):
    """My pooling preferences and shopping profile."""
    return _profile(request.auth)


@router.put("/profile", response=ProfileOut)
def profile_update(request, payload: PoolingProfileIn):
    """Set my pooling preferences: group size, walking distance, whether others may find
    or invite me."""
    services.profile_update(actor=request.auth, **payload.dict())
    return _profile(request.auth)


@router.post("/carts", response={201: CartOut})
def cart_report(request, payload: CartIn):
    """Report a purchase or an intended cart (items, or just an amount)."""
    with id_in_request("branch_id"):
        branch = selectors.branch_get(branch_id=payload.branch_id)
    with fields_renamed(REQUEST_NAMES):
        report = services.cart_report(
            actor=request.auth,
            branch=branch,
            kind=payload.kind,
            amount_fen=payload.amount_fen,
            items=[item.dict() for item in payload.items],
            window_start_at=payload.window_start_at,
            window_end_at=payload.window_end_at,
        )
    return Status(201, cart_out(report))


@router.get("/carts", response=CartPage)
def my_carts(request, paging: Query[PageIn]):
    """My reported purchases and intended carts, newest first."""
    return page_of(selectors.carts_for_user(user=request.auth), paging, cart_out)


@router.delete("/carts/{cart_id}", response={204: None})
def cart_delete(request, cart_id: str):
    """Delete one of my cart reports (contact requests made for it go too)."""
    cart = selectors.cart_get_for_user(user=request.auth, cart_id=cart_id)
    services.cart_delete(actor=request.auth, cart=cart)
    return Status(204, None)
