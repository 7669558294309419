from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def date_the_failed_deliveries(apps, schema_editor):
    """Give the deliveries failed before this release a time to be listed by:
    their notification's (when the failure moment was not kept, the earliest
    it can have been)."""
    Delivery = apps.get_model("notify", "Delivery")
    Notification = apps.get_model("notify", "Notification")
    Delivery.objects.filter(status="failed", failed_at__isnull=True).update(
        failed_at=Subquery(
            Notification.objects.filter(pk=OuterRef("notification_id")).values(
                "created_at"
            )[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0004_notification_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="failed at"),
        ),
        migrations.RunPython(date_the_failed_deliveries, migrations.RunPython.noop),
    ]
