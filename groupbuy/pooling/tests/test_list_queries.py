"""My pools and suggestions (/pooling/) and the merchant's promotions read as
many queries for 20 rows as for 2."""

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from groupbuy.pooling.models import Pool
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _pooled_and_looking(shopper, number: int) -> None:
    """``number`` shops, each with a promotion where ``shopper`` was suggested
    a pool with another shopper, and one where they still look."""
    for _n in range(number):
        merchant, branch, owner = make_shop()
        pooled = make_promotion(merchant=merchant, branch=branch, owner=owner)
        with TestCase.captureOnCommitCallbacks(execute=True):
            for user, amount_fen in ((shopper, 18_000), (make_user(), 12_000)):
                make_request(
                    user=user, promotion=pooled, branch=branch, amount_fen=amount_fen
                )
        alone = make_promotion(merchant=merchant, branch=branch, owner=owner)
        make_request(user=shopper, promotion=alone, branch=branch, amount_fen=1_000)


def _queries(client) -> tuple[int, str]:
    client.get("/pooling/", headers={"accept-language": "en"})  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pooling/", headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_my_pools_reads_as_many_queries_for_20_pools_as_for_2(client):
    # given a shopper suggested two pools, and looking at two more shops
    shopper = make_user(preferred_language="en")
    client.force_login(shopper)
    _pooled_and_looking(shopper, 2)
    few, _page = _queries(client)
    # when they are suggested eighteen more, and look at eighteen more shops
    _pooled_and_looking(shopper, 18)
    many, page = _queries(client)
    # then the page lists them, in the same number of queries
    assert Pool.objects.filter(members__user=shopper).count() == 20
    assert page.count('class="pool-link"') == 20
    assert many == few


def test_the_merchants_promotions_read_as_many_queries_for_20_as_for_2(client):
    # given a shop with two promotions, one a request pooled
    merchant, branch, owner = make_shop()
    client.force_login(owner)
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"

    def publish(number: int) -> None:
        for _n in range(number):
            promotion = make_promotion(merchant=merchant, branch=branch, owner=owner)
            make_request(
                user=make_user(), promotion=promotion, branch=branch, amount_fen=9_000
            )

    publish(2)
    client.get(url, headers={"accept-language": "en"})  # warm up
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers={"accept-language": "en"})
    # when it publishes eighteen more
    publish(18)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers={"accept-language": "en"})
    # then the page reads the same number of queries
    assert response.status_code == 200
    assert len(many) == len(few)
