"""A migration must not lock a large table while the old release still writes.

``groupbuy migrate`` runs before the new web machines start, while the old
ones keep taking joins and payments (docs/deployment.md, "Rolling deploys").
On PostgreSQL a plain ``CREATE INDEX`` stops every write to its table until the
index is built, which on the orders, the ledger or the outbox takes minutes:
every join, payment and notification waits, then times out. So an index on a
large table is built with ``groupbuy.core.migration_operations.
AddIndexConcurrently`` in a migration with ``atomic = False``.
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib.postgres import operations as postgres
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import (
    AddConstraint,
    AddField,
    AddIndex,
    AlterField,
    AlterIndexTogether,
    AlterUniqueTogether,
    CreateModel,
    RunSQL,
)

from groupbuy.core.migration_operations import AddIndexConcurrently

# Tables that grow with every shopper, order, payment and message: an index
# built on them under a lock stops the site. Add a model here when it grows so.
LARGE_TABLES = {
    "accounts.user",
    "accounts.phoneverification",
    "core.auditentry",
    "coupons.coupon",
    "coupons.redemption",
    "deals.dealorder",
    "escrow.ledgerentry",
    "escrow.ledgertransaction",
    "escrow.paymentintent",
    "escrow.providerevent",
    "escrow.refund",
    "notify.delivery",
    "notify.invitation",
    "notify.notification",
    "pooling.cartreport",
    "pooling.chatmessage",
    "sharing.contactentry",
    "sharing.message",
    "sharing.participant",
    "sharing.share",
    "snap.snap",
    "teams.teammember",
}
# The last migration of each app when the rule came (2026-12-06): applied
# everywhere, so not rewritten. Every later one is checked.
CHECKED_AFTER = {
    "accounts": 12,
    "catalog": 12,
    "core": 2,
    "coupons": 16,
    "deals": 17,
    "demands": 6,
    "escrow": 6,
    "notify": 4,
    "ops": 10,
    "payments": 7,
    "pooling": 10,
    "sharing": 7,
    "snap": 6,
    "teams": 4,
}
PLAIN_CREATE_INDEX = re.compile(
    r"\bCREATE\s+(UNIQUE\s+)?INDEX\b(?!\s+CONCURRENTLY)", re.IGNORECASE
)
USE_INSTEAD = (
    "build it with groupbuy.core.migration_operations.AddIndexConcurrently "
    "in a migration with atomic = False"
)


def _is_indexed(field) -> bool:
    return bool(field is not None and (field.db_index or field.unique))


def _field_before(state, app_label, model_name, name):
    model_state = state.models.get((app_label, model_name))
    return model_state.fields.get(name) if model_state else None


def _lock_problem(operation, app_label, state, is_atomic) -> str:
    """Why ``operation`` would lock its large table, or ""."""
    if isinstance(operation, postgres.AddIndexConcurrently):
        if not isinstance(operation, AddIndexConcurrently):
            return "Django's AddIndexConcurrently fails on SQLite: use groupbuy's"
        return "needs atomic = False" if is_atomic else ""
    if isinstance(operation, AddIndex | AddConstraint):
        if isinstance(getattr(operation, "constraint", None), models.CheckConstraint):
            return ""
        return f"{type(operation).__name__} builds an index under a lock: {USE_INSTEAD}"
    if isinstance(operation, AddField | AlterField):
        before = _field_before(
            state, app_label, operation.model_name_lower, operation.name
        )
        if _is_indexed(operation.field) and not _is_indexed(before):
            return (
                f"{operation.name} gets an index under a lock: declare it "
                f"db_index=False here, then {USE_INSTEAD}"
            )
        return ""
    if isinstance(operation, AlterUniqueTogether | AlterIndexTogether):
        return f"{type(operation).__name__} builds an index under a lock: {USE_INSTEAD}"
    if isinstance(operation, RunSQL):
        statements = (
            operation.sql
            if isinstance(operation.sql, list | tuple)
            else [operation.sql]
        )
        if any(PLAIN_CREATE_INDEX.search(str(sql)) for sql in statements):
            return f"CREATE INDEX without CONCURRENTLY: {USE_INSTEAD}"
    return ""


def _model_of(operation) -> str:
    return getattr(operation, "model_name_lower", "") or getattr(
        operation, "name_lower", ""
    )


def migration_locks(app_label: str, migration, state) -> list[str]:
    """Return what ``migration`` (of ``app_label``, from ``state``, the project
    before it) would lock of the large tables, one line each."""
    problems = []
    created_here = set()
    state = state.clone()
    for operation in migration.operations:
        if isinstance(operation, CreateModel):
            created_here.add(operation.name_lower)
        model = _model_of(operation)
        if isinstance(operation, RunSQL) or (
            f"{app_label}.{model}" in LARGE_TABLES and model not in created_here
        ):
            problem = _lock_problem(operation, app_label, state, migration.atomic)
            if problem:
                problems.append(f"{app_label}.{migration.name}: {problem}")
        operation.state_forwards(app_label, state)
    return problems


def _checked_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in sorted(loader.graph.nodes.items()):
        if not apps.get_app_config(app_label).module.__name__.startswith("groupbuy."):
            continue
        if int(name[:4]) <= CHECKED_AFTER.get(app_label, 0):
            continue
        yield loader, app_label, name, migration


def test_no_new_migration_locks_a_large_table_to_build_an_index():
    problems = []
    for loader, app_label, name, migration in _checked_migrations():
        before = loader.project_state((app_label, name), at_end=False)
        problems += migration_locks(app_label, migration, before)
    assert problems == []


def test_every_large_table_is_a_model():
    labels = {model._meta.label_lower for model in apps.get_models()}
    assert LARGE_TABLES - labels == set()


# --- The rule itself, on migrations made up for the purpose ----------------------


@pytest.fixture(scope="module")
def project_state():
    return MigrationLoader(None, ignore_no_migrations=True).project_state()


def made_up(*operations, atomic=True):
    class Migration(migrations.Migration):
        pass

    migration = Migration("0099_made_up", "deals")
    migration.operations = list(operations)
    migration.atomic = atomic
    return migration


def order_index(**options):
    return models.Index(fields=["quantity"], name="deals_order_made_up_idx", **options)


def test_a_plain_index_on_the_orders_is_refused(project_state):
    migration = made_up(AddIndex("dealorder", order_index()))
    assert migration_locks("deals", migration, project_state) == [
        f"deals.0099_made_up: AddIndex builds an index under a lock: {USE_INSTEAD}"
    ]


def test_a_concurrent_index_in_a_non_atomic_migration_passes(project_state):
    migration = made_up(AddIndexConcurrently("dealorder", order_index()), atomic=False)
    assert migration_locks("deals", migration, project_state) == []


def test_a_concurrent_index_in_an_atomic_migration_is_refused(project_state):
    migration = made_up(AddIndexConcurrently("dealorder", order_index()))
    assert migration_locks("deals", migration, project_state) == [
        "deals.0099_made_up: needs atomic = False"
    ]


def test_djangos_own_concurrent_index_is_refused_for_sqlites_sake(project_state):
    migration = made_up(
        postgres.AddIndexConcurrently("dealorder", order_index()), atomic=False
    )
    assert len(migration_locks("deals", migration, project_state)) == 1


def test_a_foreign_key_added_to_the_orders_needs_its_index_built_apart(
    project_state,
):
    # given: a new foreign key, which Django indexes by default
    field = models.ForeignKey("catalog.Branch", null=True, on_delete=models.SET_NULL)
    indexed = made_up(AddField("dealorder", "made_up_branch", field))
    # then: refused; and with db_index=False (the index built concurrently) passes
    assert len(migration_locks("deals", indexed, project_state)) == 1
    field = models.ForeignKey(
        "catalog.Branch", null=True, on_delete=models.SET_NULL, db_index=False
    )
    apart = made_up(AddField("dealorder", "made_up_branch", field))
    assert migration_locks("deals", apart, project_state) == []


def test_an_altered_field_that_keeps_its_index_passes(project_state):
    # given: the order's deal (already indexed) gets a new label only
    field = models.ForeignKey(
        "deals.Deal", on_delete=models.PROTECT, related_name="orders", verbose_name="x"
    )
    migration = made_up(AlterField("dealorder", "deal", field))
    assert migration_locks("deals", migration, project_state) == []


def test_small_and_new_tables_may_take_a_plain_index(project_state):
    tiers = made_up(
        AddIndex("dealtier", models.Index(fields=["deal"], name="tier_made_up_idx"))
    )
    assert migration_locks("deals", tiers, project_state) == []
    new = made_up(
        CreateModel("dealorder2", [("id", models.AutoField(primary_key=True))]),
        AddIndex("dealorder2", models.Index(fields=["id"], name="new_made_up_idx")),
    )
    assert migration_locks("deals", new, project_state) == []


def test_raw_sql_must_build_its_index_concurrently(project_state):
    plain = made_up(RunSQL("CREATE INDEX x ON deals_dealorder (created_at)"))
    concurrent = made_up(
        RunSQL("CREATE INDEX CONCURRENTLY x ON deals_dealorder (created_at)"),
        atomic=False,
    )
    assert len(migration_locks("deals", plain, project_state)) == 1
    assert migration_locks("deals", concurrent, project_state) == []


@pytest.mark.django_db(transaction=True)
def test_the_concurrent_operation_builds_and_drops_the_index(project_state):
    # given: the orders table, and the operation a new migration would use
    operation = AddIndexConcurrently("dealorder", order_index())
    after = project_state.clone()
    operation.state_forwards("deals", after)
    # when: applied as a non-atomic migration applies it (SQLite here, CREATE
    # INDEX CONCURRENTLY on the PostgreSQL suite)
    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("deals", editor, project_state, after)
    # then
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "deals_dealorder")
    assert found["deals_order_made_up_idx"]["index"] is True
    # and it is undone the same way
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards("deals", editor, after, project_state)
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "deals_dealorder")
    assert "deals_order_made_up_idx" not in found
