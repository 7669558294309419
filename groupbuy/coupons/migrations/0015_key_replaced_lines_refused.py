"""Batches count their key_replaced lines as refused, not as conflicts.

A line a station signed after its key was replaced redeems nothing: the batch
refused it (it is kept as a ``key_replaced`` conflict row only for people to
settle). Until this change it was counted among the batch's ``conflicts``;
each such batch now moves those lines to ``rejected``.

Never moves them twice: a batch is corrected only while its ``conflicts``
still count its key_replaced lines on top of its other conflict rows (a
batch's counters follow its rows: ``offline_claims``).
"""

from django.db import migrations
from django.db.models import Count, F, Q

KEY_REPLACED = "key_replaced"


def count_key_replaced_lines_refused(apps, schema_editor):
    RedemptionBatch = apps.get_model("coupons", "RedemptionBatch")
    batches = RedemptionBatch.objects.annotate(
        refused_lines=Count(
            "redemptionconflict", filter=Q(redemptionconflict__reason=KEY_REPLACED)
        ),
        other_lines=Count(
            "redemptionconflict", filter=~Q(redemptionconflict__reason=KEY_REPLACED)
        ),
    ).filter(
        refused_lines__gt=0,
        conflicts__gte=F("refused_lines") + F("other_lines"),
    )
    for batch in batches:
        RedemptionBatch.objects.filter(pk=batch.pk).update(
            conflicts=F("conflicts") - batch.refused_lines,
            rejected=F("rejected") + batch.refused_lines,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("coupons", "0014_conflict_key_replaced"),
    ]

    operations = [
        migrations.RunPython(
            count_key_replaced_lines_refused, migrations.RunPython.noop
        ),
    ]
