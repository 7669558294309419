"""Migration operations for tables too big to lock during a rolling deploy.

``CREATE INDEX`` holds a lock on PostgreSQL that stops every write to the table
until the index is built: minutes on the orders, the ledger or the outbox,
while the old release's servers keep taking joins and payments
(docs/deployment.md, "Rolling deploys"). ``CREATE INDEX CONCURRENTLY`` builds
it while writes go on, but cannot run in a transaction, so the migration that
uses it sets ``atomic = False``. Django's own operation then fails on SQLite,
the one-machine database, whose schema editor knows no concurrent build (and
needs none: one process, and the table lock is SQLite's only lock anyway), so
these fall back to the plain operation there.
``core/tests/test_migration_locks.py`` asks for them on the large tables.
"""

from __future__ import annotations

from django.contrib.postgres import operations as postgres
from django.db.migrations.operations import AddIndex, RemoveIndex


def _is_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrently(postgres.AddIndexConcurrently):
    """``CREATE INDEX CONCURRENTLY`` on PostgreSQL, a plain index elsewhere.

    If the build fails on PostgreSQL (a duplicate for a unique index, a
    cancelled statement), it leaves an INVALID index behind: drop it
    (``DROP INDEX CONCURRENTLY <name>``) and migrate again.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class RemoveIndexConcurrently(postgres.RemoveIndexConcurrently):
    """``DROP INDEX CONCURRENTLY`` on PostgreSQL, a plain drop elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _is_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            RemoveIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )
