"""A demand's page lists its offers a page at a time (GROUPBUY_PAGE_SIZE),
cheapest first, as the API does (until 2026-12-07 the page listed every offer at
once)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.demands.tests.factories import (
    make_offer,
    make_owner_merchant,
    make_published,
    make_user,
)

pytestmark = pytest.mark.django_db
# The page size here: a second page needs 4 offers (each a shop), not 21.
PAGE = 3


def _rows(client, url: str) -> list[str]:
    page = client.get(url, headers={"accept-language": "en"})
    assert page.status_code == 200
    html = page.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-offer-id="')[1:]]


def test_a_demands_offers_are_paged_on_its_page_and_its_live_part(client, settings):
    # given 3 a page, a published demand with offers from 4 shops, the dearest
    # last
    settings.GROUPBUY_PAGE_SIZE = PAGE
    demand = make_published()
    offers = [
        make_offer(demand, unit_price_fen=4_000 + number) for number in range(PAGE + 1)
    ]
    client.force_login(demand.initiator)
    url = f"/demands/{demand.public_id}/"
    # when its initiator opens the page, and the page its "Next" link names
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(url, headers={"accept-language": "en"}).content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = _rows(client, f"{url}?offers_page=2")
    # then the first lists the 3 cheapest, the second the dearest, in as
    # many queries
    assert first.count('data-offer-id="') == PAGE
    assert 'id="offers_page-next" href="?offers_page=2"' in first
    assert second == [offers[PAGE].public_id]
    assert len(second_queries) == len(first_queries)
    # and the part the live refresh fetches is the same page
    assert _rows(client, f"{url}offers/?offers_page=2") == [offers[PAGE].public_id]
    # and a stranger sees no offer, another shop's owner none but its own
    _merchant, other_owner = make_owner_merchant("Other shop")
    for someone in (make_user(), other_owner):
        client.force_login(someone)
        assert _rows(client, f"{url}?offers_page=2") == []
        assert _rows(client, f"{url}offers/") == []
