"""The page benchmark grows its database with INSERTs written in SQL, which a
new column the model does not let be NULL breaks only when the benchmark runs
(accounts/0006 added ``User.inbox_only_kinds`` and ``pages_at_scale.py`` failed
with an IntegrityError). Each INSERT must name every such column."""

import re

import pytest
from django.apps import apps
from django.db.models import NOT_PROVIDED

from benchmarks.support.pages_at_scale_sql import BULK_SQL

INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\)", re.S)


def _inserts() -> list[tuple[str, set[str]]]:
    found = []
    for statement in BULK_SQL:
        if insert := INSERT.search(statement):
            table, columns = insert.groups()
            found.append((table, {column.strip() for column in columns.split(",")}))
    assert len(found) == 8  # every INSERT of the list, no UPDATE
    return found


def _required_columns(table: str) -> set[str]:
    models = [model for model in apps.get_models() if model._meta.db_table == table]
    assert models, f"no model has the table {table}"
    return {
        field.column
        for field in models[0]._meta.concrete_fields
        if not field.null and not field.primary_key and field.db_default is NOT_PROVIDED
    }


@pytest.mark.parametrize(
    "table, columns", _inserts(), ids=[table for table, _columns in _inserts()]
)
def test_each_bulk_insert_names_every_column_that_may_not_be_null(table, columns):
    assert _required_columns(table) - columns == set()
