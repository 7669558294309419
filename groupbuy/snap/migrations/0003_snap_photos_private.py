"""Snap photos become private media: move the stored files out of MEDIA_ROOT.

Before, they were served to anyone at /media/snaps/…; after, they are kept in
the private storage and served only to their taker and operators.
"""

from django.db import migrations, models

import groupbuy.core.private_media
import groupbuy.snap.models


def move_photos_to_private_storage(apps, schema_editor):
    from django.core.files.storage import storages

    public, private = storages["default"], storages["private"]
    Snap = apps.get_model("snap", "Snap")
    for name in Snap.objects.exclude(photo="").values_list("photo", flat=True):
        if not public.exists(name) or private.exists(name):
            continue
        with public.open(name, "rb") as source:
            private.save(name, source)
        public.delete(name)


def move_photos_back(apps, schema_editor):
    from django.core.files.storage import storages

    public, private = storages["default"], storages["private"]
    Snap = apps.get_model("snap", "Snap")
    for name in Snap.objects.exclude(photo="").values_list("photo", flat=True):
        if not private.exists(name) or public.exists(name):
            continue
        with private.open(name, "rb") as source:
            public.save(name, source)
        private.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("snap", "0002_demandsignal_fulfilled_deal"),
    ]

    operations = [
        migrations.AlterField(
            model_name="snap",
            name="photo",
            field=models.FileField(
                blank=True,
                storage=groupbuy.core.private_media.private_storage,
                upload_to=groupbuy.snap.models.snap_photo_path,
                verbose_name="photo",
            ),
        ),
        migrations.RunPython(move_photos_to_private_storage, move_photos_back),
    ]
