"""Pooled orders API: promotions, carts, pool requests, pools, chat."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.catalog.models import Product
from groupbuy.core.errors import fields_renamed, id_in_request
from groupbuy.core.pagination import PageIn, page_payload, paginate
from groupbuy.pooling import savings, selectors, services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.schemas import (
    AnswerIn,
    BuyerPage,
    BuyersIn,
    CartIn,
    CartOut,
    CartPage,
    ConsentIn,
    ContactIn,
    ContactOut,
    ContactPage,
    FiguresIn,
    FiguresOut,
    MessageIn,
    MessageOut,
    MessagesIn,
    PoolingProfileIn,
    PoolOut,
    PoolPage,
    ProfileOut,
    PromotionIn,
    PromotionOut,
    PromotionPage,
    RequestIn,
    RequestOut,
    RequestPage,
    SavingIn,
    SavingOut,
    cart_out,
    pool_out,
    promotion_out,
    request_out,
)
from groupbuy.pooling.selectors.figures import promotion_figures
from groupbuy.pooling.services.chat import left_pool, message_payload
from groupbuy.pooling.services.contacts import chat_not_open
from groupbuy.pooling.services.shoppers import profile_get_or_create

router = Router(tags=["pooling"])

# The services name the branch they take (as the pages' forms do); these
# requests send its id.
_REQUEST_NAMES = {"branch": "branch_id"}


def _page(queryset, paging: PageIn, out) -> dict:
    """One page of ``queryset``, each row shown with ``out``."""
    result = paginate(queryset, page=paging.page, page_size=paging.page_size)
    return page_payload(result, [out(row) for row in result.items])


@router.get("/branches/{branch_id}/promotions", response=PromotionPage, auth=None)
def branch_promotions(request, branch_id: str, paging: Query[PageIn]):
    """List the promotions running at a branch now, in the order they were
    published (paged)."""
    branch = selectors.branch_get(branch_id=branch_id)
    return _page(selectors.promotions_at_branch(branch=branch), paging, promotion_out)


@router.post("/promotions", response={201: PromotionOut})
def promotion_publish(request, payload: PromotionIn):
    """Publish a promotion (merchant owners, or a branch's own staff)."""
    with id_in_request("merchant_id"):
        merchant = selectors.merchant_get(merchant_id=payload.merchant_id)
    branch = None
    if payload.branch_id:
        with id_in_request("branch_id"):
            branch = selectors.branch_get(branch_id=payload.branch_id)
    with fields_renamed(_REQUEST_NAMES):
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
    with fields_renamed(_REQUEST_NAMES):
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
    return _page(selectors.carts_for_user(user=request.auth), paging, cart_out)


@router.delete("/carts/{cart_id}", response={204: None})
def cart_delete(request, cart_id: str):
    """Delete one of my cart reports (contact requests made for it go too)."""
    cart = selectors.cart_get_for_user(user=request.auth, cart_id=cart_id)
    services.cart_delete(actor=request.auth, cart=cart)
    return Status(204, None)


@router.post("/requests", response={201: RequestOut})
def pool_request_create(request, payload: RequestIn):
    """Ask to pool a cart for a promotion at a branch before a deadline: its
    amount for spend-and-save, its items for buy-n-pay-m and second-item."""
    with id_in_request("promotion_id"):
        promotion = selectors.promotion_get(promotion_id=payload.promotion_id)
    with id_in_request("branch_id"):
        branch = selectors.branch_get(branch_id=payload.branch_id)
    with fields_renamed(_REQUEST_NAMES):
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
    return _page(selectors.requests_for_user(user=request.auth), paging, request_out)


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


def _pool_view(request, pool_id: str) -> dict:
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    return selectors.pool_view(pool=pool, viewer=request.auth)


@router.get("/pools", response=PoolPage)
def my_pools(request, paging: Query[PageIn]):
    """My suggestions and pools, newest first, a page at a time."""
    return _page(
        selectors.pools_for_user(user=request.auth),
        paging,
        lambda pool: pool_out(selectors.pool_view(pool=pool, viewer=request.auth)),
    )


@router.get("/pools/{pool_id}", response=PoolOut)
def pool_detail(request, pool_id: str):
    """A pool I am suggested or in: its members, shares of the saving and state."""
    return pool_out(_pool_view(request, pool_id))


@router.post("/pools/{pool_id}/answer", response=PoolOut)
def pool_answer(request, pool_id: str, payload: AnswerIn):
    """Accept or decline a suggested pool."""
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    services.pool_answer(actor=request.auth, pool=pool, accept=payload.accept)
    return pool_out(_pool_view(request, pool_id))


@router.post("/pools/{pool_id}/phone", response=PoolOut)
def pool_phone_consent(request, pool_id: str, payload: ConsentIn):
    """Agree to show my phone number to the pool (shown once all agree)."""
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    services.pool_phone_consent(actor=request.auth, pool=pool, agree=payload.agree)
    return pool_out(_pool_view(request, pool_id))


@router.post("/pools/{pool_id}/leave", response=PoolOut)
def pool_leave(request, pool_id: str):
    """Leave a confirmed pool: the others carry on if they still reach its
    tier, else it is dissolved and they are matched again; leaving twice
    changes nothing."""
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    services.pool_leave(actor=request.auth, pool=pool)
    return pool_out(_pool_view(request, pool_id))


@router.get("/pools/{pool_id}/messages", response=list[MessageOut])
def pool_messages(request, pool_id: str, paging: Query[MessagesIn]):
    """The pool chat's last messages, oldest first; ``before`` a message's id
    for the ones before it."""
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    if selectors.member_has_left(pool=pool, user=request.auth):
        raise left_pool()
    if pool.state != pool.State.CONFIRMED:
        raise PoolingError(
            "not_confirmed",
            _("The chat opens once every member has accepted."),
            status=409,
        )
    return selectors.chat_history(pool=pool, before=paging.before, limit=paging.limit)


@router.post("/pools/{pool_id}/messages", response={201: MessageOut})
def pool_message_post(request, pool_id: str, payload: MessageIn):
    """Post to the pool's chat (members only); a ``client_key`` sent again stores
    nothing more."""
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    message = services.chat_post(
        actor=request.auth,
        pool=pool,
        body=payload.body,
        client_key=payload.client_key,
    )
    return Status(
        201,
        message_payload(
            message, author_name=selectors.chat_label_for(pool=pool, user=request.auth)
        ),
    )


@router.get("/buyers", response=BuyerPage)
def buyers(request, filters: Query[BuyersIn]):
    """Who plans to buy a product before a date (only those who opted in,
    named "Shopper 1", "Shopper 2"… with no part of their number), a page at
    a time."""
    result = paginate(
        selectors.buyers_of_product(
            user=request.auth, product_id=filters.product_id, before=filters.before
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    return page_payload(result, selectors.buyer_rows(result))


def _contact_row(user, contact_id: str) -> dict:
    contact = selectors.contact_get_for_user(user=user, contact_id=contact_id)
    return selectors.contact_row(contact=contact, viewer=user)


@router.post("/contacts", response={201: ContactOut})
def contact_request(request, payload: ContactIn):
    """Ask a shopper from the buyers list to exchange contacts."""
    with id_in_request("product_id"):
        product = Product.objects.filter(public_id=payload.product_id).first()
        if product is None:
            raise PoolingError("not_found", _("No such product."), status=404)
    with id_in_request("cart_id"):
        cart = selectors.cart_get_discoverable(cart_id=payload.cart_id)
    contact = services.contact_request(actor=request.auth, cart=cart, product=product)
    return Status(201, _contact_row(request.auth, contact.public_id))


@router.get("/contacts", response=ContactPage)
def my_contacts(request, paging: Query[PageIn]):
    """My contact requests, sent and received, newest first; numbers shown once
    accepted."""
    return _page(
        selectors.contacts_for_user(user=request.auth),
        paging,
        lambda contact: selectors.contact_row(contact=contact, viewer=request.auth),
    )


@router.post("/contacts/{contact_id}/answer", response=ContactOut)
def contact_answer(request, contact_id: str, payload: AnswerIn):
    """Accept or decline a contact request made to me."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_answer(actor=request.auth, contact=contact, accept=payload.accept)
    return _contact_row(request.auth, contact_id)


@router.post("/contacts/{contact_id}/end", response=ContactOut)
def contact_end(request, contact_id: str):
    """End the conversation of an accepted contact request: its chat closes
    for both sides (the history stays readable); ending it twice changes
    nothing."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_end(actor=request.auth, contact=contact)
    return _contact_row(request.auth, contact_id)


@router.post("/contacts/{contact_id}/reopen", response=ContactOut)
def contact_reopen(request, contact_id: str):
    """Open again a conversation I ended: its chat opens and the numbers are
    shown again, the other side is told; only the side who ended it may (409
    for the other), and opening it again twice changes nothing."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    services.contact_reopen(actor=request.auth, contact=contact)
    return _contact_row(request.auth, contact_id)


@router.get("/contacts/{contact_id}/messages", response=list[MessageOut])
def contact_messages(request, contact_id: str, paging: Query[MessagesIn]):
    """The chat with the other side of an accepted contact request: its last
    messages, oldest first; ``before`` a message's id for the ones before it."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    if contact.state not in (contact.State.ACCEPTED, contact.State.ENDED):
        raise chat_not_open()  # an ended chat's history stays readable
    return selectors.contact_chat_history(
        contact=contact, before=paging.before, limit=paging.limit
    )


@router.post("/contacts/{contact_id}/messages", response={201: MessageOut})
def contact_message_post(request, contact_id: str, payload: MessageIn):
    """Post to an accepted contact request's chat; a ``client_key`` sent again stores
    nothing more."""
    contact = selectors.contact_get_for_user(user=request.auth, contact_id=contact_id)
    message = services.contact_chat_post(
        actor=request.auth,
        contact=contact,
        body=payload.body,
        client_key=payload.client_key,
    )
    return Status(
        201,
        message_payload(
            message,
            author_name=selectors.contact_author_label(
                contact=contact, user=request.auth
            ),
        ),
    )
