"""Write every demand's search text again, now with its title's pinyin and
initials, and put the published ones' new text in SQLite's FTS table (on
PostgreSQL the GIN index follows the column)."""

from django.db import migrations

from groupbuy.demands.search import document_text


def rewrite_search_text(apps, schema_editor):
    Demand = apps.get_model("demands", "Demand")
    is_sqlite = schema_editor.connection.vendor == "sqlite"
    demands = Demand.objects.only("pk", "title", "description").order_by("pk")
    for demand in demands.iterator(chunk_size=500):
        text = document_text(title=demand.title, description=demand.description)
        Demand.objects.filter(pk=demand.pk).update(search_text=text)
        if is_sqlite:
            # Only the demands in the index (published ones) have a row to update.
            schema_editor.execute(
                "UPDATE demands_demand_fts SET body = %s WHERE rowid = %s",
                [text, demand.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("demands", "0004_verbose_names")]

    operations = [
        migrations.RunPython(
            rewrite_search_text, migrations.RunPython.noop, elidable=True
        )
    ]
