"""Product photos in the merchant's order: existing photos are numbered as
shoppers saw them (the main one first, then as they were added)."""

from django.db import migrations, models


def number_photos(apps, schema_editor):
    ProductImage = apps.get_model("catalog", "ProductImage")
    photos = ProductImage.objects.order_by("product_id", "-is_primary", "id")
    numbered, product_id, position = [], None, 0
    for photo in photos.only("id", "product_id", "position").iterator():
        position = position + 1 if photo.product_id == product_id else 0
        product_id = photo.product_id
        if photo.position != position:
            photo.position = position
            numbered.append(photo)
    ProductImage.objects.bulk_update(numbered, ["position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0015_product_trigram_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="productimage",
            options={
                "ordering": ["-is_primary", "position", "id"],
                "verbose_name": "product image",
                "verbose_name_plural": "product images",
            },
        ),
        migrations.AddField(
            model_name="productimage",
            name="position",
            field=models.PositiveIntegerField(
                db_default=0, default=0, verbose_name="position"
            ),
        ),
        migrations.RunPython(number_photos, migrations.RunPython.noop),
    ]
