"""What must hold of pools and requests however they got there: the allowed
moves of their states, and a pool's money adding up (the property test of
pooling's answers checks these after every step)."""

from __future__ import annotations

from django.db.models import Prefetch

from groupbuy.pooling import savings
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest

PoolState, RequestState, Answer = Pool.State, PoolRequest.State, PoolMember.Answer
POOL_MOVES = {
    PoolState.PROPOSED: {PoolState.CONFIRMED, PoolState.DISSOLVED},
    # a member leaves and the rest fall short of the tier
    PoolState.CONFIRMED: {PoolState.DISSOLVED},
    PoolState.DISSOLVED: set(),
}
# A request goes back to open when its suggestion is dissolved by the others,
# or its confirmed pool by another member leaving (before its own deadline:
# past it, it expires instead); the one who leaves has theirs withdrawn.
REQUEST_MOVES = {
    RequestState.OPEN: {
        RequestState.SUGGESTED,
        RequestState.WITHDRAWN,
        RequestState.EXPIRED,
    },
    RequestState.SUGGESTED: {
        RequestState.OPEN,
        RequestState.POOLED,
        RequestState.WITHDRAWN,
        RequestState.EXPIRED,
    },
    RequestState.POOLED: {
        RequestState.OPEN,
        RequestState.WITHDRAWN,
        RequestState.EXPIRED,
    },
    RequestState.WITHDRAWN: set(),
    RequestState.EXPIRED: set(),
}
ANSWER_MOVES = {
    Answer.PENDING: {Answer.ACCEPTED, Answer.DECLINED, Answer.TIMED_OUT},
    Answer.ACCEPTED: {Answer.LEFT},  # of a confirmed pool (pool_leave)
    Answer.DECLINED: set(),
    Answer.TIMED_OUT: set(),
    Answer.LEFT: set(),
}
LIVE = (PoolState.PROPOSED, PoolState.CONFIRMED)
STILL_LOOKING = (RequestState.OPEN, RequestState.SUGGESTED)


def _leads_to(moves: dict) -> dict:
    """Where each state may lead in one step (a step may take several moves: a
    decline dissolves a pool and the re-match suggests another at once)."""
    leads = {}
    for state in moves:
        reached, frontier = {state}, [state]
        while frontier:
            for following in moves[frontier.pop()] - reached:
                reached.add(following)
                frontier.append(following)
        leads[state] = reached
    return leads


POOL_LEADS_TO, REQUEST_LEADS_TO = _leads_to(POOL_MOVES), _leads_to(REQUEST_MOVES)


def snapshot() -> tuple:
    """Everything an answer or a withdrawal may change: pools, seats, requests."""
    return (
        sorted(Pool.objects.values_list("pk", "state", "confirmed_at")),
        sorted(PoolMember.objects.values_list("pk", "answer", "answered_at")),
        sorted(PoolRequest.objects.values_list("pk", "state")),
    )


def pools_to_check():
    """Every pool, with what :func:`assert_pool_adds_up` reads of it."""
    return Pool.objects.select_related("promotion").prefetch_related(
        Prefetch("members", queryset=PoolMember.objects.select_related("request")),
        "promotion__products",
    )


def _lines(request: PoolRequest) -> list[savings.Line]:
    return [
        savings.Line(item["product_id"], item["unit_price_fen"], item["quantity"])
        for item in request.items
    ]


def assert_pool_adds_up(pool: Pool) -> None:
    """The members' carts make the pool's amount and their shares its saving,
    which is what the till gives the pool's basket: the tier it names (满减), or
    the members' items priced as one basket (n for m, second item), where each
    member saves at least what they would alone. Of a confirmed pool a member
    left, only those still in count (their shares were worked out again).

    Give it pools fetched with :func:`pools_to_check` (their members, requests
    and promotion products come with them, in four queries for all the pools);
    another pool fetches them itself."""
    members = list(pool.members.all())
    if pool.state == PoolState.CONFIRMED:
        # the saving is shared among those still in: one who left has no share
        members = [member for member in members if member.answer != Answer.LEFT]
    elif any(member.answer == Answer.LEFT for member in members):
        return  # dissolved by a leave: nobody saves anything with it
    totals = {
        "amount": sum(member.amount_fen for member in members),
        "shares": sum(member.share_fen for member in members),
    }
    assert totals["amount"] == pool.amount_fen, pool
    assert totals["shares"] == pool.saving_fen, pool
    rules = pool.promotion.rules()
    if pool.promotion.kind == savings.THRESHOLD:
        assert pool.amount_fen >= pool.threshold_fen, pool
        assert pool.saving_fen == dict(rules.tiers)[pool.threshold_fen], pool
        return
    basket = [line for member in members for line in _lines(member.request)]
    assert pool.saving_fen == savings.basket_saving(rules, basket), pool
    for member in members:
        alone = savings.basket_saving(rules, _lines(member.request))
        assert member.share_fen >= alone, (pool, member)
    assert pool.saving_fen > sum(
        savings.basket_saving(rules, _lines(member.request)) for member in members
    ), pool
