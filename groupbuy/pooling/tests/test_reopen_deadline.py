"""A pool dissolved under its members: those who accepted look again only if
their own deadline is still ahead; past it their request ends at once (expired)
and they are told so, not "we keep looking for you"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.notify.models import Notification
from groupbuy.pooling import selectors, services
from groupbuy.pooling.models import Pool, PoolRequest
from groupbuy.pooling.personal_data import PoolingPersonalData
from groupbuy.pooling.tests.factories import make_request, make_user

pytestmark = pytest.mark.django_db

KEEP_LOOKING = "Someone declined or did not answer. We keep looking for you."
TIME_IS_UP = (
    "Someone declined or did not answer, and the time you gave to find a pool "
    "is up. Ask to pool again if you still want to."
)
NO_ANSWER = (
    "You did not answer in time, so we stopped looking for a pool for this "
    "cart. Ask to pool again if you still want to."
)


def _pool_of_two(shop, *, first_minutes=10):
    """A suggestion to a 180 cart asked for 10 minutes (so the pool must be
    answered by then) and a 120 cart asked for an hour."""
    _merchant, branch, _owner, promotion = shop
    hurried, patient = make_user(), make_user()
    for user, amount_fen, minutes in (
        (hurried, 18_000, first_minutes),
        (patient, 12_000, 60),
    ):
        make_request(
            user=user,
            promotion=promotion,
            branch=branch,
            amount_fen=amount_fen,
            minutes=minutes,
        )
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    return pool, hurried, patient


def _told(user) -> tuple[str, str]:
    return Notification.objects.get(kind="pooling.dissolved", recipient=user).text_in(
        "en"
    )


def _request(user) -> PoolRequest:
    return PoolRequest.objects.get(user=user)


def test_a_decline_at_the_deadline_expires_who_accepted_and_says_so(shop):
    # given the hurried shopper accepted, and the pool's deadline is theirs
    pool, hurried, patient = _pool_of_two(shop)
    request = _request(hurried)
    assert pool.answer_by == request.deadline_at
    services.pool_answer(actor=hurried, pool=pool, accept=True)
    # when the other declines at that very moment (still in time to answer)
    services.pool_answer(
        actor=patient, pool=pool, accept=False, now=request.deadline_at
    )
    # then the hurried shopper's request is over, not looking again
    assert _request(hurried).state == PoolRequest.State.EXPIRED
    assert _told(hurried) == ("Your pool did not form", TIME_IS_UP)
    view = selectors.pool_view(pool=Pool.objects.get(pk=pool.pk), viewer=hurried)
    assert view["still_looking"] is False
    # and the one who declined is not told what they did
    assert not Notification.objects.filter(recipient=patient, kind="pooling.dissolved")


def test_a_sweep_after_the_deadline_tells_who_accepted_their_time_is_up(shop):
    # given the hurried shopper accepted and the other never answered
    pool, hurried, patient = _pool_of_two(shop)
    services.pool_answer(actor=hurried, pool=pool, accept=True)
    # when the sweep runs after the pool's (and the hurried one's) deadline
    services.pools_expire_due(now=pool.answer_by + timedelta(seconds=30))
    # then the hurried shopper is told their time is up, not that we keep looking
    assert _request(hurried).state == PoolRequest.State.EXPIRED
    assert _told(hurried) == ("Your pool did not form", TIME_IS_UP)
    assert _request(patient).state == PoolRequest.State.EXPIRED
    assert _told(patient) == ("Your pool did not form", NO_ANSWER)


def test_an_erasure_after_the_deadline_leaves_nobody_looking_past_theirs(
    shop, monkeypatch
):
    # given the hurried shopper accepted, the deadline passed, no sweep yet
    pool, hurried, patient = _pool_of_two(shop)
    services.pool_answer(actor=hurried, pool=pool, accept=True)
    later = pool.answer_by + timedelta(seconds=30)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    # when the one who never answered erases their account
    PoolingPersonalData().erase(patient)
    # then the hurried shopper's request ends now, it does not wait for a sweep
    # looking for a pool nobody can suggest any more
    assert _request(hurried).state == PoolRequest.State.EXPIRED
    assert _told(hurried) == ("Your pool did not form", TIME_IS_UP)


def test_who_accepted_before_their_deadline_still_looks_again(shop):
    # given both asked for an hour and one accepted
    pool, first, second = _pool_of_two(shop, first_minutes=60)
    services.pool_answer(actor=first, pool=pool, accept=True)
    # when the other declines
    services.pool_answer(actor=second, pool=pool, accept=False)
    # then the first is looking again, and told so
    assert _request(first).state == PoolRequest.State.OPEN
    assert _told(first) == ("Your pool did not form", KEEP_LOOKING)


def test_a_request_that_ages_past_its_deadline_is_told_once_by_the_sweep(shop):
    # given a shopper alone looking for 10 minutes, nobody to pool with, and
    # two shoppers whose pool the sweep dissolves (told by that path)
    _merchant, branch, _owner, promotion = shop
    alone = make_user()
    make_request(
        user=alone, promotion=promotion, branch=branch, amount_fen=9_000, minutes=10
    )
    pool, hurried, patient = _pool_of_two(shop)
    services.pool_answer(actor=hurried, pool=pool, accept=True)
    # when the sweep runs after the deadlines, twice
    later = timezone.now() + timedelta(minutes=11)
    services.pools_expire_due(now=later)
    services.pools_expire_due(now=later + timedelta(minutes=1))
    # then the lone request is over and its shopper told so, once, with a way on
    assert _request(alone).state == PoolRequest.State.EXPIRED
    [told] = Notification.objects.filter(recipient=alone)
    assert told.kind == "pooling.request_expired"
    assert told.text_in("en") == (
        "We stopped looking for a pool",
        "No pool formed for your cart at 满300减50 in the time you gave, so we "
        "stopped looking. Ask to pool again if you still want to.",
    )
    assert told.url == f"/pooling/branches/{branch.public_id}/"
    # and those the pool's end told already are not told again
    for user in (hurried, patient):
        assert not Notification.objects.filter(
            recipient=user, kind="pooling.request_expired"
        ).exists()
