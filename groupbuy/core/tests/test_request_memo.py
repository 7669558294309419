"""A merchant page asks for the reader's membership once, and a change to a
membership during the request is seen by the rest of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groupbuy.accounts.selectors import user_membership_for
from groupbuy.catalog.tests.factories import make_merchant, make_merchant_member
from groupbuy.core.request_memo import RequestMemoMiddleware

pytestmark = pytest.mark.django_db


def _membership_queries(queries) -> int:
    return sum(
        "accounts_merchantmembership" in q["sql"] and "merchant_id" in q["sql"]
        for q in queries
    )


def test_a_merchant_page_reads_the_membership_once(client):
    member = make_merchant_member(role="owner")
    client.force_login(member.user)
    url = reverse("web:merchant_orders", args=[member.merchant.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert _membership_queries(queries) == 1


def test_within_a_request_a_changed_membership_is_read_again():
    merchant = make_merchant()
    member = make_merchant_member(merchant=merchant, role="owner")
    seen = []

    def view(request):
        seen.append(user_membership_for(user=member.user, merchant_id=merchant.pk))
        member.delete()
        seen.append(user_membership_for(user=member.user, merchant_id=merchant.pk))
        return None

    RequestMemoMiddleware(view)(object())
    assert seen[0] is not None
    assert seen[1] is None


def test_outside_a_request_nothing_is_remembered():
    merchant = make_merchant()
    member = make_merchant_member(merchant=merchant, role="cashier")
    assert user_membership_for(user=member.user, merchant_id=merchant.pk) is not None
    member.delete()
    assert user_membership_for(user=member.user, merchant_id=merchant.pk) is None
