"""A member of a pool another member's leave dissolved: their pool's page says
where their request is now (looking again, with a link and Withdraw, or
expired), and Leave, pressed on a page opened before, says so too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.pooling import services
from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.models import Pool, PoolRequest
from groupbuy.pooling.tests.factories import auth, make_shop, make_user
from groupbuy.pooling.tests.leaving import confirmed_pool

pytestmark = pytest.mark.django_db

LOOKING_AGAIN = (
    "This pool was dissolved when another member left. Your request is looking "
    "for another pool: you can withdraw it from My pool requests on Pools."
)
EXPIRED = (
    "This pool was dissolved when another member left. Your request's deadline "
    "had passed, so it expired: we no longer look for a pool for it."
)


@pytest.fixture
def dissolved(shop, monkeypatch):
    """A pool of three at 满300减50 (¥120 + ¥100 + ¥80) the first left: the
    rest, ¥180, reach no tier. (pool, the first, the two others, in English)"""
    _merchant, branch, _owner, promotion = shop
    users = [make_user(preferred_language="en") for _ in range(3)]
    pool, (a, b, c) = confirmed_pool(
        monkeypatch,
        promotion=promotion,
        branch=branch,
        amounts=(12_000, 10_000, 8_000),
        users=users,
    )
    pool = services.pool_leave(actor=a, pool=pool)
    assert pool.state == Pool.State.DISSOLVED
    return pool, a, b, c


def _request_of(user) -> PoolRequest:
    return PoolRequest.objects.get(user=user)


def _expire(user) -> None:
    PoolRequest.objects.filter(user=user).update(
        state=PoolRequest.State.EXPIRED,
        deadline_at=timezone.now() - timedelta(minutes=1),
    )


def test_leaving_a_pool_already_dissolved_says_the_request_looks_again(dissolved):
    # given a pool another member's leave dissolved
    pool, _a, b, _c = dissolved
    # when the second presses Leave on the page they had open
    with pytest.raises(PoolingError) as refused:
        services.pool_leave(actor=b, pool=pool)
    # then they read where their request is, and clients get its id and state
    error = refused.value
    assert (error.code, error.status) == ("pool_ended", 409)
    assert error.message == LOOKING_AGAIN
    assert error.extra == {
        "request_id": _request_of(b).public_id,
        "request_state": "open",
    }
    # and their request keeps looking: the refusal withdrew nothing
    assert _request_of(b).state == PoolRequest.State.OPEN


def test_leaving_a_pool_already_dissolved_says_when_the_request_expired(dissolved):
    pool, _a, b, _c = dissolved
    _expire(b)
    with pytest.raises(PoolingError) as refused:
        services.pool_leave(actor=b, pool=pool)
    assert refused.value.message == EXPIRED
    assert refused.value.extra["request_state"] == "expired"


def test_the_api_answers_409_saying_where_the_request_is(client, dissolved):
    pool, _a, b, _c = dissolved
    response = client.post(
        f"/api/pooling/pools/{pool.public_id}/leave",
        {},
        content_type="application/json",
        headers=auth(b),
    )
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["message"]) == ("pool_ended", LOOKING_AGAIN)
    assert (body["request_id"], body["request_state"]) == (
        _request_of(b).public_id,
        "open",
    )
    # and the pool says where their request is now
    seen = client.get(f"/api/pooling/pools/{pool.public_id}", headers=auth(b)).json()
    assert (seen["my_request_id"], seen["my_request_state"]) == (
        _request_of(b).public_id,
        "open",
    )


def test_the_dissolved_pools_page_links_the_request_and_withdraws_it(client, dissolved):
    # given the second member on the dissolved pool's page
    pool, _a, b, _c = dissolved
    request_id = _request_of(b).public_id
    client.force_login(b)
    page_url = f"/pooling/pools/{pool.public_id}/"
    page = client.get(page_url).content.decode()
    # then it says their request is looking again, links it and offers Withdraw
    assert "Your request is looking for another pool." in page
    assert f'href="/pooling/#request-{request_id}"' in page
    assert f'action="/pooling/requests/{request_id}/withdraw/"' in page
    assert 'id="pool-request-withdraw"' in page
    # when they withdraw it there
    response = client.post(
        f"/pooling/requests/{request_id}/withdraw/", {"next": page_url}
    )
    # then they are back on the pool's page, which says so, and it is withdrawn
    assert response.status_code == 302 and response.url == page_url
    page = client.get(page_url).content.decode()
    assert "Withdrawn: we no longer look for a pool for it." in page
    assert 'id="pool-request-withdraw"' not in page
    assert _request_of(b).state == PoolRequest.State.WITHDRAWN


def test_the_dissolved_pools_page_says_an_expired_request_expired(client, dissolved):
    pool, _a, b, _c = dissolved
    _expire(b)
    client.force_login(b)
    page = client.get(f"/pooling/pools/{pool.public_id}/").content.decode()
    assert "Your request's deadline had passed, so it expired." in page
    assert 'id="pool-request-withdraw"' not in page
    assert 'id="pool-ask-again"' in page


def test_leave_on_the_page_of_a_dissolved_pool_is_a_message_not_an_error(
    client, dissolved
):
    pool, _a, b, _c = dissolved
    client.force_login(b)
    response = client.post(f"/pooling/pools/{pool.public_id}/leave/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/pooling/pools/{pool.public_id}/", 302)]
    assert LOOKING_AGAIN in response.content.decode()
    assert _request_of(b).state == PoolRequest.State.OPEN


@pytest.mark.parametrize(
    "who", ["another shopper", "another shop's owner", "another shop's cashier"]
)
def test_nobody_else_reads_or_withdraws_the_request_looking_again(
    client, dissolved, who
):
    # given someone who is not the request's shopper
    pool, _a, b, _c = dissolved
    merchant, branch, owner = make_shop(name="Other Mart")
    intruder = {"another shopper": make_user(), "another shop's owner": owner}.get(who)
    if intruder is None:
        intruder = make_user()
        merchant_membership_add(
            actor=None, user=intruder, merchant=merchant, role="cashier", branch=branch
        )
    request_id = _request_of(b).public_id
    client.force_login(intruder)
    # then the pool's page, the withdrawal and the leave are not theirs
    assert client.get(f"/pooling/pools/{pool.public_id}/").status_code == 404
    withdraw = client.post(
        f"/pooling/requests/{request_id}/withdraw/",
        {"next": f"/pooling/pools/{pool.public_id}/"},
    )
    assert withdraw.status_code == 404
    leave = client.post(
        f"/api/pooling/pools/{pool.public_id}/leave",
        {},
        content_type="application/json",
        headers=auth(intruder),
    )
    assert leave.status_code == 404 and "request_id" not in leave.json()
    assert _request_of(b).state == PoolRequest.State.OPEN
