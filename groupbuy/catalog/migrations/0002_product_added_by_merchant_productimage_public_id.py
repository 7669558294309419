import django.db.models.deletion
from django.db import migrations, models

import groupbuy.core.ids


def fill_image_public_ids(apps, schema_editor):
    ProductImage = apps.get_model("catalog", "ProductImage")
    for image in ProductImage.objects.filter(public_id="").only("pk"):
        image.public_id = groupbuy.core.ids.new_public_id("img")
        image.save(update_fields=["public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="added_by_merchant",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="added_products",
                to="catalog.merchant",
                verbose_name="added by merchant",
            ),
        ),
        # Three steps so existing images each get their own id before the column
        # becomes unique.
        migrations.AddField(
            model_name="productimage",
            name="public_id",
            field=models.CharField(blank=True, default="", editable=False, max_length=40),
            preserve_default=False,
        ),
        migrations.RunPython(fill_image_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="productimage",
            name="public_id",
            field=groupbuy.core.ids.PublicIdField(prefix="img"),
        ),
    ]
