"""A text that is too long is refused with the number of characters allowed,
not one more (a 120-character title once said "Keep it under 121")."""

import pytest
from django.utils import translation

from groupbuy.core.errors import DomainError
from groupbuy.demands import search
from groupbuy.demands.models import Demand
from groupbuy.demands.tests.factories import make_demand

pytestmark = pytest.mark.django_db


def test_a_title_of_the_limit_is_taken_and_one_more_says_the_limit():
    # given a title exactly as long as allowed, and one a character longer
    # when both are drafted
    kept = make_demand(title="x" * 120)
    with translation.override("en"), pytest.raises(DomainError) as refused:
        make_demand(title="x" * 121)
    # then the first is kept, and the second is refused naming the real limit
    assert kept.title == "x" * 120
    assert refused.value.fields == {"title": ["Keep it to at most 120 characters."]}
    assert Demand.objects.count() == 1


def test_a_search_too_long_says_the_longest_allowed():
    # when a search one character over the limit is sent
    with translation.override("en"), pytest.raises(DomainError) as refused:
        search.query_tokens("牛" * (search.MAX_QUERY_CHARS + 1))
    # then it says the longest search allowed, which is taken
    assert refused.value.fields == {"q": ["Keep the search to at most 200 characters."]}
    assert search.query_tokens("牛" * search.MAX_QUERY_CHARS)
