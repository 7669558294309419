"""A suggested pool's answers hold together, whatever happens in whatever order.

A hypothesis state machine runs random sequences for four shoppers at one
branch of a 满减 promotion, on a frozen clock: asking to pool a cart (matched
at once, as the worker does), the batch run, accepting or declining a
suggestion (sometimes twice, sometimes after its deadline), time passing and
the sweep that times out unanswered suggestions; after every step it checks:

- a request is in at most one live (proposed or confirmed) pool, and its state
  says which: suggested in a proposed pool, pooled in a confirmed one, neither
  otherwise;
- a confirmed pool has every member accepted, before its deadline, and its
  members' carts add up to its amount, which reaches the promotion's tier it
  names; its members' shares add up to that tier's saving;
- an answer once given never changes; a declined or timed-out member's request
  is in no later pool;
- pools, requests and answers only move along their allowed transitions;
- an answer that is refused (twice, late, or to a closed pool) changes nothing,
  and one that should be refused is.

Each example runs in a savepoint that is rolled back, so examples start clean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from groupbuy.pooling import services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest
from groupbuy.pooling.tests.factories import (
    TIERS,
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

PoolState, RequestState, Answer = Pool.State, PoolRequest.State, PoolMember.Answer
POOL_MOVES = {
    PoolState.PROPOSED: {PoolState.CONFIRMED, PoolState.DISSOLVED},
    PoolState.CONFIRMED: set(),
    PoolState.DISSOLVED: set(),
}
# A request goes back to open when its suggestion is dissolved by the others.
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
    RequestState.POOLED: set(),
    RequestState.WITHDRAWN: set(),
    RequestState.EXPIRED: set(),
}
ANSWER_MOVES = {
    Answer.PENDING: {Answer.ACCEPTED, Answer.DECLINED, Answer.TIMED_OUT},
    Answer.ACCEPTED: set(),
    Answer.DECLINED: set(),
    Answer.TIMED_OUT: set(),
}
LIVE = (PoolState.PROPOSED, PoolState.CONFIRMED)
AMOUNTS_FEN = [8_000, 10_000, 12_000, 15_000, 18_000]


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


def on_commit_effects():
    """Run what services queue after commit (the match at once, pushes)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def snapshot() -> tuple:
    """Everything an answer may change: pools, seats and requests."""
    return (
        sorted(Pool.objects.values_list("pk", "state", "confirmed_at")),
        sorted(PoolMember.objects.values_list("pk", "answer", "answered_at")),
        sorted(PoolRequest.objects.values_list("pk", "state")),
    )


class PoolAnswerMachine(RuleBasedStateMachine):
    def __init__(self, clock, start):
        super().__init__()
        self.clock = clock
        self.clock[0] = start
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        merchant, self.branch, owner = make_shop()
        self.promotion = make_promotion(merchant=merchant, owner=owner)
        self.shoppers = [make_user() for _ in range(4)]
        self.seen_pools: dict[int, str] = {}
        self.seen_requests: dict[int, str] = {}
        self.seen_answers: dict[int, tuple] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def _seat(self, shopper: int, which: int) -> PoolMember | None:
        seats = list(
            PoolMember.objects.filter(user=self.shoppers[shopper])
            .select_related("pool", "user")
            .order_by("pk")
        )
        return seats[which % len(seats)] if seats else None

    # --- rules ---------------------------------------------------------------

    @initialize(amounts=st.lists(st.sampled_from(AMOUNTS_FEN), min_size=4, max_size=4))
    def everyone_asks_to_pool(self, amounts):
        for shopper, amount_fen in enumerate(amounts):
            self.ask_to_pool(shopper, amount_fen, minutes=60)

    @rule(
        shopper=st.integers(0, 3),
        amount_fen=st.sampled_from(AMOUNTS_FEN),
        minutes=st.sampled_from([10, 30, 60]),
    )
    def ask_to_pool(self, shopper, amount_fen, minutes):
        """Ask to pool a cart; the worker matches it at once."""
        try:
            with on_commit_effects():
                make_request(
                    user=self.shoppers[shopper],
                    promotion=self.promotion,
                    branch=self.branch,
                    amount_fen=amount_fen,
                    minutes=minutes,
                )
        except PoolingError as refusal:
            assert refusal.status == 409, refusal.as_dict()
            event(f"ask: {refusal.code}")
            return
        event("ask: ok")

    @rule()
    def the_batch_runs(self):
        with on_commit_effects():
            event(f"batch: {services.pools_match_all()} formed")

    @rule(shopper=st.integers(0, 3), which=st.integers(0, 7), accept=st.booleans())
    def answer_a_suggestion(self, shopper, which, accept):
        seat = self._seat(shopper, which)
        if seat is not None:
            self._answer(seat, accept)

    @rule(which=st.integers(0, 7), accept=st.sampled_from([True, True, True, False]))
    def answer_a_waiting_suggestion(self, which, accept):
        """Mostly accept a suggestion still waiting, so that pools get confirmed."""
        seats = list(
            PoolMember.objects.filter(
                answer=Answer.PENDING, pool__state=PoolState.PROPOSED
            )
            .select_related("pool", "user")
            .order_by("pk")
        )
        if seats:
            self._answer(seats[which % len(seats)], accept)

    def _answer(self, seat: PoolMember, accept: bool) -> None:
        pool = seat.pool
        should_refuse = (
            seat.answer != Answer.PENDING
            or pool.state != PoolState.PROPOSED
            or timezone.now() > pool.answer_by
        )
        before = snapshot()
        try:
            with on_commit_effects():
                services.pool_answer(actor=seat.user, pool=pool, accept=accept)
        except PoolingError as refusal:
            assert refusal.status == 409, refusal.as_dict()
            assert should_refuse, (seat, pool, refusal.code)
            assert snapshot() == before, refusal.code
            event(f"answer: {refusal.code}")
            return
        assert not should_refuse, (seat, pool)
        event(f"answer: {'accepted' if accept else 'declined'}")

    @rule(shopper=st.integers(0, 3), which=st.integers(0, 7), accept=st.booleans())
    def answer_again(self, shopper, which, accept):
        seat = self._seat(shopper, which)
        if seat is None or seat.answer == Answer.PENDING:
            return
        before = snapshot()
        try:
            services.pool_answer(
                actor=self.shoppers[shopper], pool=seat.pool, accept=accept
            )
        except PoolingError as refusal:
            assert (refusal.status, refusal.code) == (409, "already_answered")
        else:
            raise AssertionError(f"{seat} answered twice")
        assert snapshot() == before
        event("answer again: refused")

    @rule(minutes=st.sampled_from([1, 5, 16]))
    def time_passes(self, minutes):
        self.clock[0] += timedelta(minutes=minutes)

    @rule()
    def the_sweep_runs(self):
        with on_commit_effects():
            event(f"sweep: {services.pools_expire_due()} timed out")

    # --- invariants -----------------------------------------------------------

    @invariant()
    def a_request_is_in_at_most_one_live_pool(self):
        live = Count("memberships", filter=Q(memberships__pool__state__in=LIVE))
        for request in PoolRequest.objects.annotate(live=live):
            assert request.live <= 1, request
            pools = set(
                Pool.objects.filter(
                    members__request=request, state__in=LIVE
                ).values_list("state", flat=True)
            )
            expected = {
                RequestState.SUGGESTED: {PoolState.PROPOSED},
                RequestState.POOLED: {PoolState.CONFIRMED},
            }.get(request.state, set())
            assert pools == expected, (request, pools)

    @invariant()
    def a_confirmed_pool_was_accepted_and_reaches_its_tier(self):
        tiers = dict(TIERS)
        for pool in Pool.objects.filter(state=PoolState.CONFIRMED):
            members = pool.members.all()
            assert {m.answer for m in members} == {Answer.ACCEPTED}, pool
            assert all(m.answered_at <= pool.answer_by for m in members), pool
            assert pool.confirmed_at <= pool.answer_by, pool
            totals = members.aggregate(
                amount=Sum("amount_fen"), shares=Sum("share_fen")
            )
            assert totals["amount"] == pool.amount_fen >= pool.threshold_fen, pool
            assert pool.saving_fen == tiers[pool.threshold_fen], pool
            assert totals["shares"] == pool.saving_fen, pool

    @invariant()
    def an_answer_given_never_changes(self):
        for seat in PoolMember.objects.all():
            given = (seat.answer, seat.answered_at)
            before = self.seen_answers.get(seat.pk, (Answer.PENDING, None))
            if before[0] != Answer.PENDING:
                assert given == before, (seat, before)
            else:
                assert seat.answer in ANSWER_MOVES[before[0]] | {before[0]}, seat
            self.seen_answers[seat.pk] = given

    @invariant()
    def who_declined_or_timed_out_is_in_no_later_pool(self):
        for seat in PoolMember.objects.filter(
            answer__in=[Answer.DECLINED, Answer.TIMED_OUT]
        ).select_related("request"):
            assert seat.request.state in (
                RequestState.WITHDRAWN,
                RequestState.EXPIRED,
            ), seat.request
            later = PoolMember.objects.filter(
                request_id=seat.request_id, pool_id__gt=seat.pool_id
            )
            assert not later.exists(), seat

    @invariant()
    def states_move_only_forward(self):
        for pool in Pool.objects.all():
            before = self.seen_pools.get(pool.pk, PoolState.PROPOSED)
            assert pool.state in POOL_LEADS_TO[before], (before, pool)
            self.seen_pools[pool.pk] = pool.state
        for request in PoolRequest.objects.all():
            before = self.seen_requests.get(request.pk, RequestState.OPEN)
            assert request.state in REQUEST_LEADS_TO[before], (before, request)
            self.seen_requests[request.pk] = request.state


@pytest.mark.slow
@pytest.mark.django_db
def test_pool_answers_always_hold_together(monkeypatch):
    # A frozen clock the machine moves forward, back at the start for each
    # example; services read it through timezone.now, as they do in production.
    start = timezone.now()
    clock = [start]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    # The engine's time budget only matters for large batches; keep steps fast.
    monkeypatch.setattr("groupbuy.pooling.services.pools.match_budget_s", lambda: 0.05)
    run_state_machine_as_test(
        lambda: PoolAnswerMachine(clock, start),
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )
