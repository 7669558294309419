"""Whether another operator remains (asked whenever an operator opens or asks
for their own erasure, ``accounts.personal_data``) is read from the few active
staff rows, not by scanning every user: what SQLite's EXPLAIN QUERY PLAN says
of it."""

import pytest
from django.db import connection

from groupbuy.accounts.models import User
from groupbuy.accounts.personal_data import other_active_operators

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's"
    ),
]


def test_the_other_operators_are_sought_in_the_active_staff_index():
    # given an operator among shoppers
    operator = User.objects.create_user("+8613700130001", "pw", is_staff=True)
    User.objects.create_user("+8613800130002", "pw")
    # when SQLite plans the question "is anyone else an active operator?"
    plan = other_active_operators(operator).explain()
    # then it reads the partial index of active staff, not the whole table
    assert "accounts_user_active_staff" in plan
    assert "SCAN accounts_user\n" not in f"{plan}\n"
    # and the question is answered right
    assert not other_active_operators(operator).exists()
    User.objects.create_user("+8613700130003", "pw", is_staff=True, is_active=False)
    assert not other_active_operators(operator).exists()
    other = User.objects.create_user("+8613700130004", "pw", is_staff=True)
    assert list(other_active_operators(operator)) == [other]
