"""A shopper's pools: answering, showing phones, leaving, and the pool's chat."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from groupbuy.core.pagination import PageIn
from groupbuy.pooling import selectors, services
from groupbuy.pooling.api.common import page_of
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.schemas import (
    AnswerIn,
    ConsentIn,
    MessageIn,
    MessageOut,
    MessagesIn,
    PoolOut,
    PoolPage,
    pool_out,
)
from groupbuy.pooling.services.chat import left_pool, message_payload

router = Router()


def _pool_view(request, pool_id: str) -> dict:
    pool = selectors.pool_get_for_member(user=request.auth, pool_id=pool_id)
    return selectors.pool_view(pool=pool, viewer=request.auth)


@router.get("/pools", response=PoolPage)
def my_pools(request, paging: Query[PageIn]):
    """My suggestions and pools, newest first, a page at a time."""
    return page_of(
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
    history = selectors.chat_history(
        pool=pool, before=paging.before, limit=paging.limit
    )
    selectors.chat_marked_mine(history, room=pool, user=request.auth)
    return history


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
        {
            **message_payload(
                message,
                author_name=selectors.chat_label_for(pool=pool, user=request.auth),
            ),
            "is_mine": True,
        },
    )
