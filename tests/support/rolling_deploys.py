"""Rows written as the release before a column came writes them.

During a rolling deploy the old release still runs, and its INSERTs name only
the columns it knows; the database's default fills the others
(docs/deployment.md, "Rolling deploys")."""

from __future__ import annotations

from django.db import connection


def insert_copy_without(row, *, column: str, public_id: str, **values):
    """Insert a copy of ``row`` naming every column but ``column``, under
    ``public_id`` and with ``values`` (by column) in place of row's, and return
    it as read back."""
    model = type(row)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [
        field.column
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != column
    ]
    given = {"public_id": public_id, **values}
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    chosen = ", ".join(
        "%s" if name in given else connection.ops.quote_name(name) for name in columns
    )
    params = [given[name] for name in columns if name in given]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {chosen} FROM {table} WHERE id = %s",
            [*params, row.pk],
        )
    return model.objects.get(public_id=public_id)
