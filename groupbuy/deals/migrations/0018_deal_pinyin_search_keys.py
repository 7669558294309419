from django.db import migrations, models

from groupbuy.catalog.pinyin import name_keys


def fill_search_keys(apps, schema_editor):
    """Give every deal its title's pinyin keys, as Deal.save() now does."""
    Deal = apps.get_model("deals", "Deal")
    deals = Deal.objects.only("pk", "title").order_by("pk")
    batch = []
    for deal in deals.iterator(chunk_size=500):
        deal.search_pinyin, deal.search_initials = name_keys(deal.title)
        batch.append(deal)
        if len(batch) == 500:
            Deal.objects.bulk_update(batch, ["search_pinyin", "search_initials"])
            batch = []
    Deal.objects.bulk_update(batch, ["search_pinyin", "search_initials"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0014_branch_pinyin_search_keys"),
        ("deals", "0017_order_unit_refund"),
    ]

    operations = [
        migrations.AddField(
            model_name="deal",
            name="search_pinyin",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=1400,
                verbose_name="pinyin",
            ),
        ),
        migrations.AddField(
            model_name="deal",
            name="search_initials",
            field=models.CharField(
                blank=True,
                db_default="",
                db_index=True,
                editable=False,
                max_length=200,
                verbose_name="pinyin initials",
            ),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
