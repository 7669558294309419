"""The threads list reads as many queries for many shares as for one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.services import api_token_create
from groupbuy.sharing.models import Share
from groupbuy.sharing.tests.factories import (
    make_deal,
    make_merchant,
    make_product,
    make_share,
    make_user,
)

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _share_three_ways(friend, merchant) -> None:
    """A deal's share, a product's share whose product has an open deal, and a
    product's share with no deal at all (its card shows the lowest listing)."""
    deal = make_deal(merchant=merchant)
    make_share(recipients=[friend], deal=deal)
    make_share(recipients=[friend], product=make_deal(merchant=merchant).product)
    make_share(recipients=[friend], product=make_product())


def _listed(client, headers) -> tuple[int, dict]:
    client.get("/api/sharing/threads?page_size=50", headers=headers)  # links made
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/sharing/threads?page_size=50", headers=headers)
    assert response.status_code == 200
    return len(queries), response.json()


def test_the_threads_list_reads_as_many_queries_for_15_shares_as_for_3(client):
    # given a member who received a share of each kind
    friend = make_user()
    merchant = make_merchant()
    _token, secret = api_token_create(actor=friend)
    headers = {"Authorization": f"Bearer {secret}"}
    _share_three_ways(friend, merchant)
    few, _body = _listed(client, headers)
    # when they receive five times as many
    for _round in range(4):
        _share_three_ways(friend, merchant)
    many, body = _listed(client, headers)
    # then the list reads the same number of queries
    assert len(body["items"]) == 15
    assert many == few


def test_each_listed_card_is_the_card_of_its_share(client):
    # given shares of a deal, of a product with an open deal, and of one without
    friend = make_user()
    _token, secret = api_token_create(actor=friend)
    _share_three_ways(friend, make_merchant())
    # when the member lists their threads
    _count, body = _listed(client, {"Authorization": f"Bearer {secret}"})
    # then each card is what the share's own card says
    shares = {share.public_id: share for share in Share.objects.all()}
    for item in body["items"]:
        share = shares[item["id"]]
        if share.deal is not None:
            own = f"/api/sharing/cards/deals/{share.deal.public_id}"
        else:
            own = f"/api/sharing/cards/products/{share.product.public_id}"
        assert item["card"] == client.get(own).json()


def _share_failed_deals(friend, merchant, number: int) -> None:
    """Share ``number`` deals that closed failed (nobody joined)."""
    from groupbuy.deals.services import deal_close
    from groupbuy.deals.tests.factories import pass_deadline

    for _n in range(number):
        deal = deal_close(deal=pass_deadline(make_deal(merchant=merchant)))
        make_share(recipients=[friend], deal=deal)


def test_the_threads_list_reads_as_many_queries_for_10_closed_deals_as_for_2(client):
    # given a member who received shares of two deals that failed
    friend = make_user()
    merchant = make_merchant()
    _token, secret = api_token_create(actor=friend)
    headers = {"Authorization": f"Bearer {secret}"}
    _share_failed_deals(friend, merchant, 2)
    few, _body = _listed(client, headers)
    # when they receive eight more
    _share_failed_deals(friend, merchant, 8)
    many, body = _listed(client, headers)
    # then each card says its deal failed, in the same number of queries
    assert [item["card"]["deal_state"] for item in body["items"]] == ["failed"] * 10
    assert many == few
