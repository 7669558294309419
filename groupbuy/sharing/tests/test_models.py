"""What the sharing tables accept from code that does not know a column yet."""

from __future__ import annotations

import pytest
from django.db import connection

from groupbuy.sharing.models import Share
from groupbuy.sharing.services import share_sent_with
from groupbuy.sharing.tests.factories import make_share, make_user


def _insert_without_key(share: Share, *, public_id: str) -> Share:
    """Insert a copy of ``share`` naming every column but ``idempotency_key``,
    as the release before the column came does during a rolling deploy."""
    table = connection.ops.quote_name(Share._meta.db_table)
    columns = [
        field.column
        for field in Share._meta.concrete_fields
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
            [public_id, share.pk],
        )
    return Share.objects.get(public_id=public_id)


@pytest.mark.django_db
def test_a_share_inserted_without_the_key_column_has_no_key():
    # given a share, and a release that does not know idempotency_key
    sender = make_user()
    share = make_share(sender=sender, recipients=[make_user()])

    # when it inserts two shares by the same sender
    first = _insert_without_key(share, public_id="shr_old_release_1")
    second = _insert_without_key(share, public_id="shr_old_release_2")

    # then both are kept, with no key ("" as the ORM writes it), which the
    # once-per-key constraint leaves out and no keyed request answers
    assert [first.idempotency_key, second.idempotency_key] == ["", ""]
    assert Share.objects.filter(sender=sender).count() == 3
    assert share_sent_with(actor=sender, idempotency_key="") is None
