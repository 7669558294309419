"""A draft demand's photos become private media: move the stored files of
demands not yet published out of MEDIA_ROOT.

Before, every demand's photos were served to anyone at /media/demands/…, a
draft's too (only its unguessable name hid it); after, a draft's are kept in
the private storage under ``demand-drafts/`` and served to its initiator and
operators only, and move to the public media when it is published
(``demands.photo_storage``). Safe to run again: a moved photo's row names its
new place.
"""

from django.db import migrations, models

import groupbuy.demands.models
import groupbuy.demands.photo_storage

# As demands.photo_storage names them on the day this was written.
DRAFT_PREFIX, PUBLIC_PREFIX = "demand-drafts", "demands"


def _move(apps, *, published: bool, source_prefix: str, target_prefix: str):
    from django.core.files.storage import storages

    source_storage, target_storage = (
        (storages["default"], storages["private"])
        if target_prefix == DRAFT_PREFIX
        else (storages["private"], storages["default"])
    )
    DemandPhoto = apps.get_model("demands", "DemandPhoto")
    photos = DemandPhoto.objects.filter(
        demand__published_at__isnull=not published,
        image__startswith=f"{source_prefix}/",
    )
    for pk, name in photos.values_list("pk", "image"):
        new_name = target_prefix + name.removeprefix(source_prefix)
        if not source_storage.exists(name):
            continue
        with source_storage.open(name, "rb") as source:
            new_name = target_storage.save(new_name, source)
        DemandPhoto.objects.filter(pk=pk).update(image=new_name)
        source_storage.delete(name)


def move_draft_photos_to_private_storage(apps, schema_editor):
    _move(apps, published=False, source_prefix=PUBLIC_PREFIX, target_prefix=DRAFT_PREFIX)


def move_draft_photos_back(apps, schema_editor):
    _move(apps, published=False, source_prefix=DRAFT_PREFIX, target_prefix=PUBLIC_PREFIX)


class Migration(migrations.Migration):
    dependencies = [
        ("demands", "0005_search_text_pinyin"),
    ]

    operations = [
        migrations.AlterField(
            model_name="demandphoto",
            name="image",
            field=models.ImageField(
                storage=groupbuy.demands.photo_storage.demand_photo_storage,
                upload_to=groupbuy.demands.models.demand_photo_path,
            ),
        ),
        migrations.RunPython(
            move_draft_photos_to_private_storage, move_draft_photos_back
        ),
    ]
