"""Trigram indexes for the product search, on PostgreSQL only.

Not atomic: the indexes are built CONCURRENTLY, so products stay writable
while they build (a rolling deploy's old release goes on saving them). When
this database user may not create the pg_trgm extension the migration says
so and goes on: search works without the indexes, reading every product, and
``groupbuy search_indexes`` builds them once the extension is there
(docs/deployment.md). On SQLite it does nothing.
"""

import sys

from django.db import migrations

from groupbuy.catalog import trigram


def create_indexes(apps, schema_editor):
    try:
        trigram.indexes_create(schema_editor.connection)
    except trigram.TrigramUnavailable as unavailable:
        print(f"\n  WARNING: {unavailable}", file=sys.stderr)


def drop_indexes(apps, schema_editor):
    trigram.indexes_drop(schema_editor.connection)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("catalog", "0014_branch_pinyin_search_keys"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
