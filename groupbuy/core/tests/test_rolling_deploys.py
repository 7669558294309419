"""A column added to a table that already has rows must let the release before
it keep inserting: during a rolling deploy the old code (which names only the
columns it knows) runs against the migrated database (docs/deployment.md)."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField, CreateModel
from django.db.models import NOT_PROVIDED

# The last migration of each app before this rule: the columns they added
# shipped long enough ago that no code without them still runs. Fields added
# after are checked (deals 0012, sharing 0003-0005 and payments 0006 are, and
# have their db_default); an app not listed is checked from its first
# migration.
CHECKED_AFTER = {
    "accounts": 7,
    "catalog": 8,
    "core": 2,
    "coupons": 10,
    "deals": 11,
    "demands": 4,
    "escrow": 6,
    "notify": 4,
    "ops": 6,
    "payments": 5,
    "pooling": 10,
    "sharing": 2,
    "snap": 6,
    "teams": 4,
}
LOCAL_APPS = ("groupbuy.",)
EMPTY_CONTAINER_FACTORIES = (list, dict)


def _constant_insert_default(field):
    """What Django writes into ``field`` when the code does not set it, if that
    is a constant the database could write as well; None otherwise.

    An explicit non-callable ``default`` ("" / False / 0 / a choice), the
    empty list or mapping a JSON column's ``default=list`` / ``dict`` makes,
    or the "" Django gives a NOT NULL text field without one. Other callable
    defaults (``timezone.now``, a new public id) are left out: their value is
    made per row, which a constant db_default cannot be.
    """
    if field.default in EMPTY_CONTAINER_FACTORIES:
        return field.default()
    if field.default is not NOT_PROVIDED:
        return None if callable(field.default) else field.default
    if field.empty_strings_allowed and not field.null and not field.is_relation:
        return ""
    return None


def _database_default_value(field):
    """The constant ``field``'s db_default writes: a JSON column's is written
    ``Value([], JSONField())``, other columns' as the plain value."""
    if field.db_default is NOT_PROVIDED:
        return NOT_PROVIDED
    return getattr(field.db_default, "value", field.db_default)


def _added_columns_after_cutoff():
    """Yield (migration, model name, field name) for each AddField to a table
    made by an earlier migration, in a migration numbered after its app's
    cutoff (squashes in place of their chains, as on a new database)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in loader.graph.nodes.items():
        module = apps.get_app_config(app_label).module.__name__
        if not module.startswith(LOCAL_APPS):
            continue
        if int(name[:4]) <= CHECKED_AFTER.get(app_label, 0):
            continue
        created_here = {
            operation.name_lower
            for operation in migration.operations
            if isinstance(operation, CreateModel)
        }
        for operation in migration.operations:
            if (
                isinstance(operation, AddField)
                and operation.model_name_lower not in created_here
            ):
                yield f"{app_label}.{name}", app_label, operation


def test_every_column_added_to_an_existing_table_has_a_database_default():
    """Rule: a NOT NULL column added by AddField to an existing table, whose
    value when the code leaves it out is a constant (an explicit non-callable
    default, or a text field's ""), has ``db_default`` equal to it.

    Nullable columns need none (the database writes NULL); callable defaults
    cannot have a constant one; a column without any default (a required
    foreign key) is a different change, made in two releases. Tables created
    in the same migration have no old code inserting into them.
    """
    missing = []
    for migration, app_label, operation in _added_columns_after_cutoff():
        try:
            model = apps.get_model(app_label, operation.model_name)
            field = model._meta.get_field(operation.name)
        except (LookupError, FieldDoesNotExist):
            continue  # removed or renamed since: its own migration says so
        value = _constant_insert_default(field)
        if field.null or value is None:
            continue
        if _database_default_value(field) != value:
            missing.append(f"{migration}: {model.__name__}.{field.name} ({value!r})")
    assert missing == []


def test_the_rule_checks_the_columns_that_lacked_a_database_default():
    # given the fields that were added NOT NULL with only a Python default
    checked = {
        (app_label, operation.model_name_lower, operation.name)
        for _migration, app_label, operation in _added_columns_after_cutoff()
    }
    # then the rule looks at them (a cutoff moved past them would hide them)
    assert checked >= {
        ("deals", "deal", "stopped_by"),
        ("deals", "deal", "stop_reason"),
        ("catalog", "branch", "opening_hours"),
        ("payments", "payout", "idempotency_key"),
        ("sharing", "participant", "contact_name"),
        ("sharing", "participant", "is_name_shown"),
        ("sharing", "share", "idempotency_key"),
    }
