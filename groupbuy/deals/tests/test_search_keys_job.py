"""Deals the release before wrote without pinyin keys get them from a job."""

import pytest

from groupbuy.deals.models import Deal
from groupbuy.deals.selectors import deal_list_open
from groupbuy.deals.tasks import deal_search_keys_fill
from groupbuy.deals.tests.factories import make_deal

pytestmark = pytest.mark.django_db


def test_a_job_gives_deals_written_without_keys_their_keys():
    # given a deal the release before wrote (no keys) during a rolling deploy
    make_deal(title="端午粽子团")
    Deal.objects.update(search_pinyin="", search_initials="")
    # when the periodic job runs, twice
    filled = deal_search_keys_fill.call_local()
    again = deal_search_keys_fill.call_local()
    # then the deal is found by its title's pinyin; the second run did nothing
    assert (filled, again) == (1, 0)
    assert [d.title for d in deal_list_open(search="duanwu").items] == ["端午粽子团"]
