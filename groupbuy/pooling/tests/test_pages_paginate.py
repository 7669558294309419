"""Pooling's home and a branch's page list a page of rows at a time: until
2026-12-07 they listed every open request, every branch with a running
promotion and every promotion of a branch at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.catalog.models import Branch
from groupbuy.core.tests.paging import assert_lists_paged
from groupbuy.pooling.tests.factories import make_promotion, make_request, make_user

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
# The page size here (GROUPBUY_PAGE_SIZE): a second page needs 4 rows, not 21.
PAGE = 3


@pytest.fixture(autouse=True)
def _small_pages(settings):
    settings.GROUPBUY_PAGE_SIZE = PAGE


def _get(client, url, query=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, query or {}, headers=EN)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_pooling_home_pages_my_requests_and_the_shops_each_on_its_own(client, shop):
    # given a shop with 4 branches and 4 promotions running at all of them,
    # and a shopper asking to pool at each promotion (3 a page)
    merchant, branch, owner, promotion = shop
    for number in range(PAGE):
        Branch.objects.create(merchant=merchant, name=f"B{number}", address="2 Rd")
    promotions = [promotion] + [
        make_promotion(merchant=merchant, owner=owner) for _n in range(PAGE)
    ]
    shopper = make_user(preferred_language="en")
    for each in promotions:
        make_request(user=shopper, promotion=each, branch=branch, amount_fen=1_000)
    client.force_login(shopper)
    # when they open pooling's home, then each list's second page
    _get(client, "/pooling/")  # warm up
    first_queries, first = _get(client, "/pooling/")
    both = {"requests_page": 2, "branches_page": 2}
    second_queries, second = _get(client, "/pooling/", both)
    # then each list shows 3, its own "Next" keeping the other's page, the
    # second pages the one left of each, in as many queries
    lists = {
        "requests_page": 'class="row wrap request"',
        "branches_page": 'class="branch-link"',
    }
    assert_lists_paged(first, second, lists)
    _queries, kept = _get(client, "/pooling/", {"requests_page": 2})
    assert 'href="?requests_page=2&amp;branches_page=2"' in kept
    assert second_queries == first_queries
    # and another shopper and the shop's owner see none of the requests
    for other in (make_user(preferred_language="en"), owner):
        client.force_login(other)
        _queries, page = _get(client, "/pooling/", {"requests_page": 2})
        assert 'class="row wrap request"' not in page


def test_a_branchs_page_pages_its_promotions_keeping_the_product_search(client, shop):
    # given a branch with 4 promotions running (3 a page)
    merchant, branch, owner, _promotion = shop
    for _n in range(PAGE):
        make_promotion(merchant=merchant, branch=branch, owner=owner)
    client.force_login(make_user(preferred_language="en"))
    url = f"/pooling/branches/{branch.public_id}/"
    # when a shopper searching for tea opens it and follows "Next"
    _get(client, url, {"q": "tea"})  # warm up
    first_queries, first = _get(client, url, {"q": "tea"})
    second_queries, second = _get(client, url, {"q": "tea", "promotions_page": 2})
    # then the first page lists 3 promotions, the second the last, its link
    # keeping the search, in as many queries
    assert first.count('<div class="promotion"') == PAGE
    assert 'id="promotions_page-next" href="?q=tea&amp;promotions_page=2"' in first
    assert second.count('<div class="promotion"') == 1
    assert second_queries == first_queries
