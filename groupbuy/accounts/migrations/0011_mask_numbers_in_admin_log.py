"""Mask the phone numbers in the admin's log written before 2026-12-06.

Since 2026-12-05 new entries name a person by the masked number
(``accounts.admin.MaskedRowsMixin``), and the index's "Recent actions" masks
old ones as it shows them; but the rows still held the full numbers (their
``object_repr``, and ``change_message`` naming an inline row by ``str(user)``),
for anyone reading the table or a backup. Masking is for good: nothing restores
the numbers, and masked text holds no number to mask again, so running it twice
changes nothing.
"""

import re

from django.db import migrations
from django.db.models import Q

# As accounts.phones on the day this was written (a migration must not follow
# later changes to the rule).
PHONE_IN_TEXT = re.compile(r"(?<![\w+])(?:\+\d{8,15}|1[3-9]\d{9})(?!\w)")


def mask_phone(e164: str) -> str:
    if len(e164) < 8:
        return "****"
    return f"{e164[:-8]}****{e164[-4:]}"


def masked(text: str) -> str:
    return PHONE_IN_TEXT.sub(lambda match: mask_phone(match.group(0)), text or "")


def mask_numbers_in_admin_log(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    # Only the rows holding a run of eight digits can hold a number.
    digits = r"[0-9]{8}"
    rows = LogEntry.objects.filter(
        Q(object_repr__regex=digits) | Q(change_message__regex=digits)
    ).values_list("pk", "object_repr", "change_message")
    for pk, object_repr, change_message in rows.iterator():
        new_repr, new_message = masked(object_repr), masked(change_message)
        if (new_repr, new_message) != (object_repr, change_message):
            LogEntry.objects.filter(pk=pk).update(
                object_repr=new_repr, change_message=new_message
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_clear_phone_like_display_names"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.RunPython(mask_numbers_in_admin_log, migrations.RunPython.noop),
    ]
