"""Where shoppers are: a shop farther than they walk is not pooled for them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Branch
from groupbuy.pooling import services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import PoolRequest
from groupbuy.pooling.tests.factories import make_promotion, make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    return merchant, branch, promotion


def _match(branch, promotion):
    return services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)


def _members(pool):
    return sorted(pool.members.values_list("user_id", flat=True))


def _located(branch, latitude="31.230000", longitude="121.470000"):
    Branch.objects.filter(pk=branch.pk).update(latitude=latitude, longitude=longitude)
    branch.refresh_from_db()
    return branch


def _ask_from(user, promotion, branch, latitude, longitude, amount_fen=15_000):
    return services.pool_request_create(
        actor=user,
        promotion=promotion,
        branch=branch,
        amount_fen=amount_fen,
        deadline_at=timezone.now() + timedelta(hours=1),
        latitude=latitude,
        longitude=longitude,
    )


def test_a_request_from_within_walking_distance_keeps_the_place(shop):
    # given a shop and a shopper about 560 m north of it (they walk 1000 m)
    _merchant, branch, promotion = shop
    branch = _located(branch)
    request = _ask_from(make_user(), promotion, branch, 31.235, 121.47)
    assert (request.latitude, request.longitude) == (
        Decimal("31.235000"),
        Decimal("121.470000"),
    )


def test_a_shop_farther_than_i_walk_is_refused_and_nothing_written(shop):
    # given a shopper about 2.2 km from the shop who walks 1000 m
    _merchant, branch, promotion = shop
    branch = _located(branch)
    with pytest.raises(PoolingError) as refused:
        _ask_from(make_user(), promotion, branch, 31.25, 121.47)
    assert (refused.value.code, refused.value.status) == ("too_far", 409)
    assert "2224 m" in refused.value.message and "1000 m" in refused.value.message
    assert PoolRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(31.25, None), (None, 121.47), (91, 0)]
)
def test_half_a_place_or_no_place_on_earth_is_400(shop, latitude, longitude):
    _merchant, branch, promotion = shop
    with pytest.raises(PoolingError) as refused:
        _ask_from(make_user(), promotion, _located(branch), latitude, longitude)
    assert refused.value.status == 400
    assert PoolRequest.objects.count() == 0


def test_a_shop_without_a_known_place_ignores_the_distance(shop):
    _merchant, branch, promotion = shop
    request = _ask_from(make_user(), promotion, branch, 0, 0)
    assert request.state == PoolRequest.State.OPEN


def test_matching_skips_a_shopper_who_now_walks_less_than_the_distance(shop):
    # given two shoppers ~560 m from the shop, whose carts pool to 300
    _merchant, branch, promotion = shop
    branch = _located(branch)
    near, shortened = make_user(), make_user()
    _ask_from(near, promotion, branch, 31.235, 121.47)
    _ask_from(shortened, promotion, branch, 31.235, 121.47)
    # when one of them now walks at most 300 m
    services.profile_update(
        actor=shortened, max_group_size=4, max_walk_m=300, is_discoverable=False
    )
    # then no pool is formed; back to 1000 m, they pool
    assert _match(branch, promotion) == []
    services.profile_update(
        actor=shortened, max_group_size=4, max_walk_m=1000, is_discoverable=False
    )
    [pool] = _match(branch, promotion)
    assert _members(pool) == sorted([near.pk, shortened.pk])


def test_my_place_is_in_my_data_export_and_erased_with_me(shop):
    from groupbuy.pooling.personal_data import PoolingPersonalData

    _merchant, branch, promotion = shop
    branch = _located(branch)
    users = [make_user(), make_user()]
    for user in users:
        _ask_from(user, promotion, branch, 31.235, 121.47)
    [_pool] = _match(branch, promotion)  # a request in a pool is kept on erasure
    records = PoolingPersonalData().export(users[0]).records["pool_requests"]
    assert (records[0]["latitude"], records[0]["longitude"]) == (
        "31.235000",
        "121.470000",
    )
    PoolingPersonalData().erase(users[0])
    kept = PoolRequest.objects.get(user=users[0])
    assert (kept.latitude, kept.longitude) == (None, None)
    assert PoolRequest.objects.get(user=users[1]).latitude is not None
