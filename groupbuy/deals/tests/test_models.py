"""What the deals tables accept from code that does not know a column yet."""

from __future__ import annotations

import pytest
from django.db import connection

from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import make_deal
from groupbuy.escrow.tests.factories import make_user


def _insert_without_key(deal: Deal, *, public_id: str) -> Deal:
    """Insert a copy of ``deal`` naming every column but ``idempotency_key``,
    as the release before the column came does during a rolling deploy."""
    table = connection.ops.quote_name(Deal._meta.db_table)
    columns = [
        field.column
        for field in Deal._meta.concrete_fields
        if not field.primary_key and field.name != "idempotency_key"
    ]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    values = ", ".join(
        "%s" if column == "public_id" else connection.ops.quote_name(column)
        for column in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} WHERE id = %s",
            [public_id, deal.pk],
        )
    return Deal.objects.get(public_id=public_id)


@pytest.mark.django_db
def test_a_deal_inserted_without_the_key_column_has_no_key():
    # given a deal an operator created, and a release that does not know
    # idempotency_key
    operator = make_user()
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(created_by=operator)

    # when it inserts two deals by the same creator
    first = _insert_without_key(deal, public_id="deal_old_release_1")
    second = _insert_without_key(deal, public_id="deal_old_release_2")

    # then both are kept, with no key ("" as the ORM writes it), which the
    # once-per-key constraint per creator leaves out
    assert [first.idempotency_key, second.idempotency_key] == ["", ""]
    assert (first.created_by, second.created_by) == (operator, operator)
