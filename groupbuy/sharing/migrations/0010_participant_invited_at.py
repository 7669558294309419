from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0009_message_removed_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="invited_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="invited at"
            ),
        ),
    ]
