"""Promotions: at a branch, publishing, ending, figures, a basket's saving."""

from __future__ import annotations

from ninja import Query, Router, Status

from groupbuy.accounts.auth import optional_auth
from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.pagination import PageIn, page_payload
from groupbuy.pooling import savings, selectors, services
from groupbuy.pooling.api.common import REQUEST_NAMES, page_of
from groupbuy.pooling.schemas import (
    FiguresIn,
    FiguresOut,
    PromotionIn,
    PromotionOut,
    PromotionPage,
    SavingIn,
    SavingOut,
    promotion_out,
)
from groupbuy.pooling.selectors.figures import promotion_figures

router = Router()


@router.get(
    "/branches/{branch_id}/promotions", response=PromotionPage, auth=optional_auth
)
def branch_promotions(request, branch_id: str, paging: Query[PageIn]):
    """List the promotions running at a branch now, in the order they were
    published (paged)."""
    branch = selectors.branch_get(branch_id=branch_id)
    return page_of(selectors.promotions_at_branch(branch=branch), paging, promotion_out)


@router.post("/promotions", response={201: PromotionOut})
def promotion_publish(request, payload: PromotionIn):
    """Publish a promotion (merchant owners, or a branch's own staff)."""
    with id_in_request("merchant_id"):
        merchant = selectors.merchant_get(merchant_id=payload.merchant_id)
    branch = None
    if payload.branch_id:
        with id_in_request("branch_id"):
            branch = selectors.branch_get(branch_id=payload.branch_id)
    with fields_renamed(REQUEST_NAMES):
        promotion = services.promotion_publish(
            actor=request.auth,
            merchant=merchant,
            branch=branch,
            **payload.dict(exclude={"merchant_id", "branch_id"}),
        )
    return Status(201, promotion_out(promotion))


@router.post("/promotions/{promotion_id}/end", response=PromotionOut)
def promotion_end(request, promotion_id: str):
    """End a running promotion now (those who may publish it): its suggested
    pools are dissolved, its open requests closed, their shoppers told. One not
    started yet is withdrawn: its window becomes empty at now, it never runs."""
    promotion = services.promotion_end(
        actor=request.auth,
        promotion=selectors.promotion_get(promotion_id=promotion_id),
    )
    return promotion_out(promotion)


@router.get("/merchants/{merchant_id}/figures", response=FiguresOut)
def merchant_figures(request, merchant_id: str, period: Query[FiguresIn]):
    """Per promotion: pool requests, pools suggested and confirmed, what
    shoppers saved; per day of the last ``days``. The merchant's staff only."""
    merchant = selectors.merchant_get(merchant_id=merchant_id)
    figures = promotion_figures(
        user=request.auth,
        merchant=merchant,
        days=period.days,
        page=period.page,
        page_size=period.page_size,
    )
    result = figures["promotions"]
    rows = [
        {
            "promotion_id": row["promotion"].public_id,
            "title": row["promotion"].title,
            "kind": row["promotion"].kind,
            **{key: row[key] for key in ("requests", "pools", "confirmed")},
            "saving_fen": row["saving_fen"],
        }
        for row in result.items
    ]
    return {"promotions": page_payload(result, rows), "days": figures["days"]}


@router.post("/promotions/{promotion_id}/saving", response=SavingOut, auth=None)
def promotion_saving(request, promotion_id: str, payload: SavingIn):
    """Compute what a basket saves under a promotion running now (409
    ``promotion_not_running`` for one over or not yet begun)."""
    return selectors.promotion_saving_quote(
        promotion=selectors.promotion_get(promotion_id=promotion_id),
        lines=[savings.Line(**line.dict()) for line in payload.lines],
    )
