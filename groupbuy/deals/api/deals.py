"""A group buy: a merchant's list of them, creating, showing and editing
one, opening, closing and stopping it, joining it, and its orders."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.accounts.auth import optional_auth
from groupbuy.catalog.models import Merchant, Product
from groupbuy.core.api_answers import refusal
from groupbuy.core.errors import NotFound, fields_renamed, id_in_request
from groupbuy.core.idempotency import idempotency_key_header, idempotency_key_sent
from groupbuy.core.moments import check_start
from groupbuy.core.pagination import page_payload
from groupbuy.deals import selectors, services
from groupbuy.deals.join_reads import deal_get_for_join
from groupbuy.deals.schemas import (
    DealCreateIn,
    DealDetailOut,
    DealPageOut,
    DealStateFilterIn,
    DealUpdateIn,
    JoinIn,
    JoinOut,
    MerchantOrderPageOut,
    ProgressOut,
    StatusFilterIn,
    StopIn,
    deal_detail_out,
    deal_outs,
    merchant_order_outs,
    order_out,
    payment_out,
)

router = Router()
# The services name the product they take; a request names its id.
PRODUCT_AS_SENT = {"product": "product_id"}


def deal_detail_answer(request, deal_id: str) -> dict:
    """Return the group buy as its page shows it to the person asking."""
    detail = selectors.deal_detail_for_user(user=request.auth, deal_id=deal_id)
    return deal_detail_out(request, detail)


@router.get("/merchants/{merchant_id}/deals", response=DealPageOut)
def merchant_deals(request, merchant_id: str, filters: Query[DealStateFilterIn]):
    """List a merchant's group buys (its staff only), all or those of a
    ``state`` (``status`` too), as each reads: a settled failure is "failed",
    an open deal before its start "scheduled" (not "open")."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    result = selectors.deal_list_for_merchant(
        user=request.auth,
        merchant=merchant,
        state=filters.state or filters.status,
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, deal_outs(list(result.items)))


@router.post(
    "/merchants/{merchant_id}/deals", response={200: DealDetailOut, 201: DealDetailOut}
)
def deal_create(
    request,
    merchant_id: str,
    payload: DealCreateIn,
    idempotency_key_header: str | None = idempotency_key_header(),
):
    """Create a draft group buy (the merchant's owners, or operators).

    With an ``idempotency_key`` (or an ``Idempotency-Key`` header) the same
    request sent again answers the deal the first one created, 200."""
    merchant = get_object_or_404(Merchant, public_id=merchant_id)
    services.check_can_manage(actor=request.auth, merchant=merchant)
    key = idempotency_key_sent(request, payload.idempotency_key)
    check_start(payload.starts_at)
    with id_in_request("product_id"):
        product = get_object_or_404(Product, public_id=payload.product_id)
    fields = payload.dict(exclude={"product_id", "tiers", "idempotency_key"})
    fields["starts_at"] = payload.starts_at or timezone.now()
    tiers = [(tier.min_participants, tier.price_fen) for tier in payload.tiers]
    earlier = services.deal_created_with(actor=request.auth, idempotency_key=key)
    with fields_renamed(PRODUCT_AS_SENT):
        deal = services.deal_create(
            actor=request.auth,
            merchant=merchant,
            product=product,
            tiers=tiers,
            idempotency_key=key,
            **fields,
        )
    return Status(200 if earlier else 201, deal_detail_answer(request, deal.public_id))


@router.get("/{deal_id}", response=DealDetailOut, auth=optional_auth)
def deal_detail(request, deal_id: str):
    """Show a group buy, with my order on it when I am signed in."""
    return deal_detail_answer(request, deal_id)


@router.get("/{deal_id}/progress", auth=optional_auth, response=ProgressOut)
def deal_progress(request, deal_id: str):
    """Return the live snapshot (the same one pushed over the deal's WebSocket)."""
    snapshot = selectors.deal_progress(deal_public_id=deal_id)
    if snapshot is None:
        raise NotFound("not_found", _("There is no such group buy."))
    return snapshot


@router.patch("/{deal_id}", response=DealDetailOut)
def deal_update(request, deal_id: str, payload: DealUpdateIn):
    """Edit a draft group buy."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    check_start(payload.starts_at, stored=deal.starts_at)
    changes = payload.dict(exclude_unset=True, exclude={"product_id"})
    if payload.tiers is not None:
        changes["tiers"] = [(t.min_participants, t.price_fen) for t in payload.tiers]
    if payload.product_id is not None:
        with id_in_request("product_id"):
            changes["product"] = get_object_or_404(
                Product, public_id=payload.product_id
            )
    with fields_renamed(PRODUCT_AS_SENT):
        services.deal_update(actor=request.auth, deal=deal, **changes)
    return deal_detail_answer(request, deal_id)


@router.post("/{deal_id}/open", response=DealDetailOut)
def deal_open(request, deal_id: str):
    """Open a draft group buy for joining (owners)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    with fields_renamed(PRODUCT_AS_SENT):
        services.deal_open(actor=request.auth, deal=deal)
    return deal_detail_answer(request, deal_id)


@router.post("/{deal_id}/close", response=DealDetailOut)
def deal_close_now(request, deal_id: str):
    """Close now as if the deadline had passed (owners, operators). A group buy
    no longer open: 409, nothing changed."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    services.deal_close_now(actor=request.auth, deal=deal)
    return deal_detail_answer(request, deal_id)


@router.post("/{deal_id}/stop", response=DealDetailOut)
def deal_stop(request, deal_id: str, payload: StopIn | None = None):
    """Stop the group buy as failed; everyone is refunded in full and told why
    (owners, operators). A group buy no longer open: 409, nothing changed."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    reason = payload.reason if payload is not None else ""
    services.deal_stop(actor=request.auth, deal=deal, reason=reason)
    return deal_detail_answer(request, deal_id)


# Why a join is refused (deals.services.orders.join_refusal, deals.buyers,
# deals.join_guards): a client shows ``message`` and may switch on the code.
JOIN_REFUSALS = {
    400: "A `quantity` outside 1 to the deal's `max_quantity_per_order` "
    "(`invalid_quantity`, on `quantity`); a `pickup_branch_id` of no branch of "
    "the shop (`invalid`); none where the shop has several open branches "
    "(`pickup_branch_required`, on `pickup_branch_id`: the shop's `branches` "
    "are in `GET /api/catalog/merchants/{merchant_id}`).",
    403: "The caller is on the shop's staff (`own_merchant`).",
    409: "`not_started` (a draft, or before `starts_at`); `deal_closed` or "
    "`deadline_passed` (with `late_by_ms`); `sold_out` or `kept_for_buyers` (on "
    "`quantity`, the message saying how many units are left); `already_joined` "
    "(the order is in `GET /api/deals/orders`); `merchant_inactive`; "
    "`branch_closed` (the pickup branch closed).",
}


@router.post(
    "/{deal_id}/join",
    response={201: JoinOut},
    openapi_extra={
        "responses": {
            str(status): refusal(why) for status, why in JOIN_REFUSALS.items()
        }
    },
)
def deal_join(request, deal_id: str, payload: JoinIn):
    """Join with a quantity: reserves the units and returns the payment to make."""
    deal = deal_get_for_join(user=request.auth, deal_id=deal_id)
    # A refusal names the branch as this request does, not as the services do.
    with fields_renamed({"pickup_branch": "pickup_branch_id"}):
        branch = selectors.pickup_branch_for_deal(
            deal=deal, branch_id=payload.pickup_branch_id
        )
        # The order comes back whole (its deal, shopper and intent attached): no
        # second read, and the deal's product and tiers are already loaded.
        order = services.deal_join(
            actor=request.auth,
            deal=deal,
            quantity=payload.quantity,
            pickup_branch=branch,
        )
    return Status(
        201,
        {
            "order": order_out(request, order),
            "payment": payment_out(request, order),
        },
    )


@router.get("/{deal_id}/orders", response=MerchantOrderPageOut)
def deal_orders(request, deal_id: str, filters: Query[StatusFilterIn]):
    """List a group buy's orders (its merchant's staff only)."""
    deal = selectors.deal_get_for_user(user=request.auth, deal_id=deal_id)
    result = selectors.order_list_for_deal(
        user=request.auth,
        deal=deal,
        status=filters.status,
        shown_status=filters.shown_status,
        page=filters.page,
        page_size=filters.page_size,
    )
    items = merchant_order_outs(request, result.items)
    return page_payload(result, items)
