"""The shapes of a pool as one of its members sees it, and of their answers."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from groupbuy.core.api_types import JsonBool, answer_choices
from groupbuy.core.pagination import PageOut
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest, Promotion


class MemberOut(Schema):
    label: str
    is_me: bool
    amount_fen: int
    # null once the pool is dissolved (nobody saves anything with it), and for
    # a member who left it (answer "left")
    share_fen: int | None
    # pending, accepted, declined, timed_out, or left (left the confirmed pool)
    answer: str
    # in full once every member agreed to show theirs (phones_shown), one's own
    # always; null for the others until then: no part of it is shown
    phone: str | None


class PoolOut(Schema):
    id: str
    state: str = answer_choices(Pool.State)
    promotion_id: str
    # threshold (the tier reached is threshold_fen), n_for_m or second_item
    # (threshold_fen is 0: the till prices the members' items as one basket)
    promotion_kind: str = answer_choices(Promotion.Kind)
    branch_id: str
    amount_fen: int
    threshold_fen: int
    # both null once the pool is dissolved (state "dissolved"): nobody saves
    # anything with it, as its page says
    saving_fen: int | None
    answer_by: datetime
    # null while the promotion runs; once it is over (ended early by the shop,
    # or by itself), when it ended: the till gives its saving only to baskets
    # paid before then, a confirmed pool's included
    promotion_ended_at: datetime | None
    my_share_fen: int | None
    my_answer: str
    # my request in this pool, and where it is now: once the pool is dissolved
    # "open" (looking for another pool), "suggested" (for another pool),
    # "expired" (its deadline passed) or "withdrawn" (I declined or left)
    my_request_id: str
    my_request_state: str = answer_choices(PoolRequest.State)
    phones_shown: bool
    members: list[MemberOut]


def pool_out(view: dict) -> dict:
    pool: Pool = view["pool"]
    saves = pool.state != Pool.State.DISSOLVED
    return {
        "id": pool.public_id,
        "state": pool.state,
        "promotion_id": pool.promotion.public_id,
        "promotion_kind": pool.promotion.kind,
        "branch_id": pool.branch.public_id,
        "amount_fen": pool.amount_fen,
        "threshold_fen": pool.threshold_fen,
        "saving_fen": pool.saving_fen if saves else None,
        "answer_by": pool.answer_by,
        "promotion_ended_at": view["promotion_ended_at"],
        "my_share_fen": view["me"].share_fen if saves and not view["me_left"] else None,
        "my_answer": view["me"].answer,
        "my_request_id": view["my_request"].public_id,
        "my_request_state": view["my_request"].state,
        "phones_shown": view["phones_shown"],
        "members": [
            member
            if saves and member["answer"] != PoolMember.Answer.LEFT
            else {**member, "share_fen": None}
            for member in view["members"]
        ],
    }


class AnswerIn(Schema):
    accept: JsonBool


class ConsentIn(Schema):
    agree: JsonBool


class PoolPage(PageOut):
    items: list[PoolOut]
