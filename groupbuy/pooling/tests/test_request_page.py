"""A pool request's own page (and the API's read of it): where asking to pool
lands, what it says, and who may open it."""

import pytest

from groupbuy.pooling import services
from groupbuy.pooling.models import Pool, PoolRequest
from groupbuy.pooling.tests.factories import (
    auth,
    make_request,
    make_shop,
    make_user,
)
from groupbuy.pooling.tests.test_views import _ask

pytestmark = pytest.mark.django_db


def _matched(promotion, branch, shopper) -> tuple[PoolRequest, Pool]:
    """``shopper``'s request and another's, matched into a pool."""
    requests = [
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
        for user, amount in ((shopper, 18_000), (make_user(), 12_000))
    ]
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=promotion.pk)
    return requests[0], pool


def test_asking_to_pool_lands_on_the_requests_own_page(client, shop):
    # given a shopper at a branch running a promotion
    _merchant, branch, _owner, promotion = shop
    shopper = make_user(preferred_language="en")
    # when they ask to pool their cart
    response = _ask(client, shopper, branch, promotion, "180")
    # then they land on the request's page, told it is being looked for
    pool_request = PoolRequest.objects.get(user=shopper)
    url = f"/pooling/requests/{pool_request.public_id}/"
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "We are looking for shoppers to pool with." in page
    assert promotion.title in page
    assert branch.display_name in page
    assert "Looking for a pool" in page
    assert f'action="/pooling/requests/{pool_request.public_id}/withdraw/"' in page
    assert 'id="request-pool"' not in page


def test_a_suggested_request_links_its_pool_and_offers_no_withdrawal(client, shop):
    # given a request matched into a pool
    _merchant, branch, _owner, promotion = shop
    shopper = make_user(preferred_language="en")
    pool_request, pool = _matched(promotion, branch, shopper)
    # when its shopper opens it
    client.force_login(shopper)
    page = client.get(f"/pooling/requests/{pool_request.public_id}/").content.decode()
    # then it links the pool to answer, and withdrawing is not offered
    assert f'href="/pooling/pools/{pool.public_id}/"' in page
    assert "Pool suggested" in page
    assert "/withdraw/" not in page


@pytest.mark.parametrize("who", ["another shopper", "the merchant's owner"])
def test_only_its_shopper_opens_a_requests_page(client, shop, who):
    _merchant, branch, owner, promotion = shop
    _ask(client, make_user(), branch, promotion, "180")
    pool_request = PoolRequest.objects.get()
    url = f"/pooling/requests/{pool_request.public_id}/"
    client.force_login(make_user() if who == "another shopper" else owner)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/login/")


def test_the_api_reads_my_request_with_its_suggested_pool(client, shop):
    # given a request matched into a pool, and another shop's owner
    _merchant, branch, owner, promotion = shop
    shopper = make_user(preferred_language="en")
    pool_request, pool = _matched(promotion, branch, shopper)
    _other_merchant, _other_branch, other_owner = make_shop(name="Other")
    url = f"/api/pooling/requests/{pool_request.public_id}"
    # when its shopper reads it, then it says its state and its pool
    mine = client.get(url, headers=auth(shopper)).json()
    assert (mine["id"], mine["state"], mine["pool_id"]) == (
        pool_request.public_id,
        "suggested",
        pool.public_id,
    )
    # and anyone else (another shopper, either shop's owner) is 404
    for intruder in (make_user(), owner, other_owner):
        response = client.get(url, headers=auth(intruder))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get(url).status_code == 401
