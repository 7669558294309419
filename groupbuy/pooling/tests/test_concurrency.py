"""Races: matching runs never put a request in two pools; a promotion ended
while matching keeps no suggestion; two answers to one contact request count
once; invitation rounds invite a shopper once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Product
from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Notification
from groupbuy.pooling import services
from groupbuy.pooling.models import (
    ContactRequest,
    Pool,
    PoolInvitation,
    PoolMember,
    PoolRequest,
)
from groupbuy.pooling.services import shoppers
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)


def _six_requests_that_pool(monkeypatch):
    """Six open requests worth ¥150 of saving when pooled, written with the
    online matching step off so that a race starts cold; (branch, the shop's
    owner, the promotion)."""
    monkeypatch.setattr(shoppers, "_match_soon", lambda *args: None)
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    for amount in (18_000, 12_000, 15_000, 15_000, 20_000, 10_000):
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=amount
        )
    return branch, owner, promotion


@pytest.mark.django_db(transaction=True)
def test_concurrent_matching_runs_form_each_pool_once(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given six open requests worth ¥150 of saving when pooled, written with the
    # online step off so that the race starts cold
    branch, _owner, promotion = _six_requests_that_pool(monkeypatch)
    # when four batch runs start at the same moment
    outcomes = race(
        [lambda: services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)]
        * 4
    )
    # then nobody crashed, no request sits in two pools, and the pools formed
    # once: the optimum's ¥150, not a multiple of it
    assert not [outcome for outcome in outcomes if outcome.startswith("crash")]
    seats = Counter(PoolMember.objects.values_list("request_id", flat=True))
    assert set(seats.values()) == {1}
    assert sum(pool.saving_fen for pool in Pool.objects.all()) == 15_000
    suggested = PoolRequest.objects.filter(state="suggested").count()
    assert suggested == len(seats)


@pytest.mark.django_db(transaction=True)
def test_a_promotion_ended_while_matching_runs_keeps_no_suggestion(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given six open requests that pool, the online step off
    branch, owner, promotion = _six_requests_that_pool(monkeypatch)
    # when the owner ends the promotion while three matching runs start
    match = lambda: services.pools_match(  # noqa: E731
        branch_id=branch.pk, promotion_id=promotion.pk
    )
    outcomes = race(
        [
            match,
            match,
            lambda: services.promotion_end(actor=owner, promotion=promotion),
            match,
        ]
    )
    # then nobody crashed, and whatever the order no suggestion stands and no
    # request still looks for a pool of a promotion that is over
    assert not [outcome for outcome in outcomes if outcome.startswith("crash")]
    assert not Pool.objects.filter(state=Pool.State.PROPOSED).exists()
    assert set(PoolRequest.objects.values_list("state", flat=True)) == {"expired"}


@pytest.mark.django_db(transaction=True)
def test_two_answers_to_a_contact_request_at_once_count_once(
    file_database,  # noqa: F811
):
    _merchant, branch, _owner = make_shop()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    asker, planner = make_user(), make_user()
    services.profile_update(
        actor=planner, max_group_size=4, max_walk_m=500, is_discoverable=True
    )
    now = timezone.now()
    cart = services.cart_report(
        actor=planner,
        branch=branch,
        kind="intended",
        amount_fen=5_000,
        items=[{"product_id": tea.public_id, "unit_price_fen": 0, "quantity": 1}],
        window_start_at=now,
        window_end_at=now + timedelta(hours=1),
    )
    contact = services.contact_request(actor=asker, cart=cart, product=tea)
    # when the planner's two phones accept and decline at the same moment
    outcomes = race(
        [
            lambda accept=accept: services.contact_answer(
                actor=planner, contact=contact, accept=accept
            )
            for accept in (True, False, True, False)
        ]
    )
    # then one answer stands, the others are told it was answered already
    assert outcomes["ok"] == 1 and outcomes["already_answered"] == 3
    assert ContactRequest.objects.get().state in ("accepted", "declined")
    assert (
        Notification.objects.filter(
            kind="pooling.contact_answered", recipient=asker
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_invitation_rounds_invite_a_shopper_once(
    file_database,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(shoppers, "_match_soon", lambda *args: None)
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    regulars = [make_user() for _ in range(3)]
    for regular in regulars:
        services.profile_update(
            actor=regular,
            max_group_size=4,
            max_walk_m=500,
            is_discoverable=False,
            is_invitable=True,
        )
        now = timezone.now()
        services.cart_report(
            actor=regular,
            branch=branch,
            kind="purchase",
            amount_fen=9_000,
            window_start_at=now - timedelta(hours=1),
            window_end_at=now,
        )
    requests = [
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=5_000
        )
        for _request in range(4)
    ]
    # when four requests' invitation rounds run at the same moment
    outcomes = race(
        [
            lambda request=request: services.pool_invitations_send(request=request)
            for request in requests
        ]
    )
    # then nobody crashed and each regular was invited exactly once
    assert outcomes["ok"] == 4
    invited = Counter(PoolInvitation.objects.values_list("user_id", flat=True))
    assert invited == Counter({regular.pk: 1 for regular in regulars})


# --- leaving a confirmed pool ------------------------------------------------


def _pool(monkeypatch, amounts, *, answered=None):
    """A pool at 满300减50 of one cart each of ``amounts``; every member accepted,
    or only the first ``answered`` (then it waits, proposed)."""
    from groupbuy.pooling.tests.leaving import confirmed_pool

    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    if answered is None:
        pool, users = confirmed_pool(
            monkeypatch, promotion=promotion, branch=branch, amounts=amounts
        )
        return pool, users, branch, promotion
    monkeypatch.setattr(shoppers, "_match_soon", lambda *args: None)
    users = [make_user() for _ in amounts]
    for user, amount in zip(users, amounts, strict=True):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    for user in users[:answered]:
        services.pool_answer(actor=user, pool=pool, accept=True)
    return pool, users, branch, promotion


def _request_state(user) -> str:
    return PoolRequest.objects.get(user=user).state


@pytest.mark.django_db(transaction=True)
def test_two_members_leaving_at_once_leave_one_coherent_pool(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given ¥160 + ¥150 + ¥50 pooled at 满300减50
    pool, (a, b, c), _branch, _promotion = _pool(monkeypatch, (16_000, 15_000, 5_000))
    # when the second and the third leave at the same moment
    outcomes = race(
        [
            lambda: services.pool_leave(actor=b, pool=pool),
            lambda: services.pool_leave(actor=c, pool=pool),
        ]
    )
    # then nobody crashed; either both left (the third first: the pool carried
    # on, then dissolved), or the second's leave dissolved it and the third
    # was told it had ended: the first alone is never left in a pool
    assert outcomes in (Counter(ok=2), Counter(ok=1, pool_ended=1))
    pool.refresh_from_db()
    assert pool.state == Pool.State.DISSOLVED
    # (the one or two still looking are matched again at once: ¥160 + ¥50
    # reach 满200减20, a new suggestion)
    looking = ("open", "suggested")
    assert _request_state(a) in looking
    assert _request_state(b) == "withdrawn"
    assert _request_state(c) in (("withdrawn",) if outcomes["ok"] == 2 else looking)
    left = PoolMember.objects.filter(pool=pool, answer="left").count()
    assert left == outcomes["ok"]


@pytest.mark.django_db(transaction=True)
def test_leaving_while_the_pool_is_being_confirmed(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given a pool of two suggested, the first accepted, the second about to
    pool, (a, b), _branch, _promotion = _pool(monkeypatch, (18_000, 12_000), answered=1)
    # when the second accepts as the first tries to leave
    outcomes = race(
        [
            lambda: services.pool_answer(actor=b, pool=pool, accept=True),
            lambda: services.pool_leave(actor=a, pool=pool),
        ]
    )
    # then either the leave came first and was refused (not confirmed yet:
    # decline instead), the pool confirmed; or it came after and dissolved it
    pool.refresh_from_db()
    assert outcomes in (Counter(ok=2), Counter(ok=1, not_confirmed=1))
    if outcomes["ok"] == 2:
        assert pool.state == Pool.State.DISSOLVED
        assert (_request_state(a), _request_state(b)) == ("withdrawn", "open")
    else:
        assert pool.state == Pool.State.CONFIRMED
        assert (_request_state(a), _request_state(b)) == ("pooled", "pooled")


@pytest.mark.django_db(transaction=True)
def test_leaving_while_matching_runs_puts_no_request_in_two_pools(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given a confirmed pool of two, and two more shoppers looking at the shop
    pool, (a, _b), branch, promotion = _pool(monkeypatch, (18_000, 12_000))
    for amount in (15_000, 16_000):
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=amount
        )
    # when the first leaves (the second goes back to matching) as two runs start
    match = lambda: services.pools_match(  # noqa: E731
        branch_id=branch.pk, promotion_id=promotion.pk
    )
    outcomes = race([lambda: services.pool_leave(actor=a, pool=pool), match, match])
    # then nobody crashed, and no request is in two pools still standing
    assert not [outcome for outcome in outcomes if outcome.startswith("crash")]
    assert outcomes["ok"] >= 1
    assert _request_state(a) == "withdrawn"
    standing = PoolMember.objects.filter(
        pool__state__in=[Pool.State.PROPOSED, Pool.State.CONFIRMED]
    ).exclude(answer__in=["left", "declined", "timed_out"])
    seats = Counter(standing.values_list("request_id", flat=True))
    assert set(seats.values()) <= {1}
