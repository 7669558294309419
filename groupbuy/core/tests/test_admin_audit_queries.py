"""The admin's audit log reads as many queries for 20 lines, each by someone
else, as for 2."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.models import User
from groupbuy.core.audit import audit_log
from groupbuy.deals.tests.factories import make_user

# one_database: the number of queries is the ORM's, whichever engine runs them.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

PAGE = "/admin/core/auditentry/"


def _lines_by_others(number: int) -> None:
    for _n in range(number):
        someone = make_user()
        audit_log(actor=someone, action="accounts.token.created", obj=someone)


def _queries(client) -> tuple[int, str]:
    client.get(PAGE, headers={"accept-language": "en"})  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, headers={"accept-language": "en"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_audit_log_reads_as_many_queries_for_20_lines_as_for_2(client):
    # given two lines, each by a different person
    client.force_login(User.objects.create_superuser("+8613700000481", "long-pw-1"))
    _lines_by_others(2)
    few, _page = _queries(client)
    # when eighteen more are written
    _lines_by_others(18)
    many, page = _queries(client)
    # then the page lists them all, in the same number of queries
    assert page.count("accounts.token.created") >= 20
    assert many == few
