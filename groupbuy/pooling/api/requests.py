"""A shopper's pool requests: asking to pool a cart, listing, reading one,
withdrawing."""

from __future__ import annotations

from ninja import Query, Router, Status

from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.pagination import PageIn
from groupbuy.pooling import selectors, services
from groupbuy.pooling.api.common import REQUEST_NAMES, page_of
from groupbuy.pooling.schemas import (
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestPage,
    request_detail_out,
    request_out,
)

router = Router()


@router.post("/requests", response={201: RequestOut})
def pool_request_create(request, payload: RequestIn):
    """Ask to pool a cart for a promotion at a branch before a deadline: its
    amount for spend-and-save, its items for buy-n-pay-m and second-item."""
    with id_in_request("promotion_id"):
        promotion = selectors.promotion_get(promotion_id=payload.promotion_id)
    with id_in_request("branch_id"):
        branch = selectors.branch_get(branch_id=payload.branch_id)
    with fields_renamed(REQUEST_NAMES):
        pool_request = services.pool_request_create(
            actor=request.auth,
            promotion=promotion,
            branch=branch,
            **payload.dict(exclude={"promotion_id", "branch_id"}),
        )
    return Status(201, request_out(pool_request))


@router.get("/requests", response=RequestPage)
def my_requests(request, paging: Query[PageIn]):
    """My pool requests, newest first, a page at a time."""
    return page_of(selectors.requests_for_user(user=request.auth), paging, request_out)


@router.get("/requests/{request_id}", response=RequestDetailOut)
def my_request(request, request_id: str):
    """My pool request, with the pool it is suggested for or pooled in."""
    return request_detail_out(
        selectors.request_get_with_pool_for_user(
            user=request.auth, request_id=request_id
        )
    )


@router.post("/requests/{request_id}/withdraw", response=RequestOut)
def pool_request_withdraw(request, request_id: str):
    """Withdraw my pool request; withdrawing again changes nothing."""
    pool_request = selectors.request_get_for_user(
        user=request.auth, request_id=request_id
    )
    pool_request = services.pool_request_withdraw(
        actor=request.auth, request=pool_request
    )
    return request_out(pool_request)
