from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("deals", "0006_order_pickup_branch")]

    operations = [
        migrations.AddField(
            model_name="dealorder",
            name="refund_reason",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="refund reason"
            ),
        ),
    ]
