from django.db import migrations, models

from groupbuy.catalog.pinyin import name_keys


def fill_search_keys(apps, schema_editor):
    """Give every product its pinyin keys, as Product.save() now does: without
    them no existing product could be found by pinyin until it was edited."""
    Product = apps.get_model("catalog", "Product")
    products = Product.objects.only("pk", "name_zh", "brand").order_by("pk")
    batch = []
    for product in products.iterator(chunk_size=500):
        product.search_pinyin, product.search_initials = name_keys(
            product.name_zh, product.brand
        )
        batch.append(product)
        if len(batch) == 500:
            Product.objects.bulk_update(batch, ["search_pinyin", "search_initials"])
            batch = []
    Product.objects.bulk_update(batch, ["search_pinyin", "search_initials"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_product_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="search_pinyin",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=2400,
                verbose_name="pinyin",
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="search_initials",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=330,
                verbose_name="pinyin initials",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
