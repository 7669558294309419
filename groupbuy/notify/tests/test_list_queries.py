"""The inbox reads as many queries for 20 notifications as for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.notify.tests.factories import make_notification, make_user

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _notify(user, number: int) -> None:
    for index in range(number):
        make_notification(
            recipient=user, url=f"/orders/{index}/", title=f"Notice {index}"
        )


def _queries(client) -> tuple[int, str]:
    client.get("/inbox/", headers={"accept-language": "en"})  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/inbox/", headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_inbox_reads_as_many_queries_for_20_notifications_as_for_2(client):
    # given a member with two notifications
    user = make_user()
    client.force_login(user)
    _notify(user, 2)
    few, _page = _queries(client)
    # when eighteen more arrive
    _notify(user, 18)
    many, page = _queries(client)
    # then the inbox lists them, in the same number of queries
    assert page.count('<li class="inbox-item is-unread"') == 20
    assert many == few
