from django.db import migrations, models

from groupbuy.catalog.pinyin import name_keys


def fill_search_keys(apps, schema_editor):
    """Give every shop its pinyin keys, as Merchant.save() now does."""
    Merchant = apps.get_model("catalog", "Merchant")
    merchants = list(Merchant.objects.only("pk", "name").order_by("pk"))
    for merchant in merchants:
        merchant.search_pinyin, merchant.search_initials = name_keys(merchant.name)
    Merchant.objects.bulk_update(
        merchants, ["search_pinyin", "search_initials"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_product_pinyin_search_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="merchant",
            name="search_pinyin",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=1000,
                verbose_name="pinyin",
            ),
        ),
        migrations.AddField(
            model_name="merchant",
            name="search_initials",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=130,
                verbose_name="pinyin initials",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
