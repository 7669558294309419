from django.db import migrations, models

from groupbuy.catalog.pinyin import name_keys


def fill_search_keys(apps, schema_editor):
    """Give every branch its pinyin keys, as Branch.save() now does."""
    Branch = apps.get_model("catalog", "Branch")
    branches = list(Branch.objects.only("pk", "name").order_by("pk"))
    for branch in branches:
        branch.search_pinyin, branch.search_initials = name_keys(branch.name)
    Branch.objects.bulk_update(
        branches, ["search_pinyin", "search_initials"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0013_catalogue_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="branch",
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
            model_name="branch",
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
