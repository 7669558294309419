"""Operators name a platform signing key by an opaque number (``pkey_…``) on
their pages and in their API, and see when a key was revoked.

Keys made before get their number here; a key revoked before gets the moment
it stopped verifying (revoking set ``verifies_until`` to that moment).
"""

from django.db import migrations, models
from django.db.models import F

import groupbuy.core.ids


def number_earlier_keys(apps, schema_editor):
    PlatformKey = apps.get_model("coupons", "PlatformKey")
    for key in PlatformKey.objects.filter(public_id__isnull=True).only("pk"):
        key.public_id = groupbuy.core.ids.new_public_id("pkey")
        key.save(update_fields=["public_id"])
    PlatformKey.objects.filter(state="revoked", revoked_at__isnull=True).update(
        revoked_at=F("verifies_until")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coupons", "0017_partial_unit_refunds"),
    ]

    operations = [
        migrations.AddField(
            model_name="platformkey",
            name="public_id",
            field=groupbuy.core.ids.PublicIdField(
                null=True, prefix="pkey", verbose_name="number"
            ),
        ),
        migrations.AddField(
            model_name="platformkey",
            name="revoked_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="revoked at"
            ),
        ),
        migrations.RunPython(number_earlier_keys, migrations.RunPython.noop),
    ]
