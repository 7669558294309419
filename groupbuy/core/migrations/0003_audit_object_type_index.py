from django.db import migrations, models

from groupbuy.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built without locking the audit table on PostgreSQL, which cannot happen
    # inside a transaction (core/tests/test_migration_locks.py).
    atomic = False

    dependencies = [
        ("core", "0002_verbose_names"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="auditentry",
            index=models.Index(
                fields=["object_type", "id"], name="core_audit_type_id_idx"
            ),
        ),
    ]
