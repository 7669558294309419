"""Rows written as the release before a column came writes them.

During a rolling deploy the old release still runs, and its INSERTs name only
the columns it knows; the database's default fills the others
(docs/deployment.md, "Rolling deploys")."""

from __future__ import annotations

from django.db import connection


def insert_copy_without(row, *, column: str, public_id: str):
    """Insert a copy of ``row`` naming every column but ``column``, under
    ``public_id``, and return it as read back."""
    model = type(row)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [
        field.column
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != column
    ]
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    values = ", ".join(
        "%s" if name == "public_id" else connection.ops.quote_name(name)
        for name in columns
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {values} FROM {table} WHERE id = %s",
            [public_id, row.pk],
        )
    return model.objects.get(public_id=public_id)
