from django.db import migrations, models

from groupbuy.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built without locking the deliveries table on PostgreSQL, which cannot
    # happen inside a transaction (core/tests/test_migration_locks.py).
    atomic = False

    dependencies = [
        ("notify", "0005_delivery_failed_at"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status", "failed")),
                fields=["-failed_at", "-id"],
                name="notify_failed_delivery_idx",
            ),
        ),
    ]
