from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_branch_english_name_and_hours"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                fields=["name_zh", "id"], name="catalog_product_name_zh"
            ),
        ),
    ]
