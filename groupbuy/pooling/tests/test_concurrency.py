"""Matching runs racing each other never put a request in two pools."""

from collections import Counter

import pytest

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.pooling import services
from groupbuy.pooling.models import Pool, PoolMember, PoolRequest
from groupbuy.pooling.services import shoppers
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_matching_runs_form_each_pool_once(
    file_database,  # noqa: F811
    monkeypatch,
):
    # given six open requests worth ¥150 of saving when pooled, written with the
    # online step off so that the race starts cold
    monkeypatch.setattr(shoppers, "_match_soon", lambda *args: None)
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    for amount in (18_000, 12_000, 15_000, 15_000, 20_000, 10_000):
        make_request(
            user=make_user(), promotion=promotion, branch=branch, amount_fen=amount
        )
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
