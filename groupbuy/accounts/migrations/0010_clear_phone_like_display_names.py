"""Blank the display names saved before 2026-12-05 that look like a phone
number (a run of 7 digits or more, however spaced): since then such a name is
refused, because others read the name where they would read a number and one
set to someone else's number passed its holder off as them. The person is
shown as everyone without a name is (the number masked) and may choose a name
again; there is nothing to restore."""

import re

from django.db import migrations

# As accounts.services.users._PHONE_LIKE on the day this was written (a
# migration must not follow later changes to the rule).
PHONE_LIKE = re.compile(r"\d(?:[\s\-.()/]*\d){6,}")


def blank_phone_like_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    people = User.objects.exclude(display_name="").filter(display_name__regex=r"\d")
    phone_like = [
        pk
        for pk, name in people.values_list("pk", "display_name").iterator()
        if PHONE_LIKE.search(name)
    ]
    for start in range(0, len(phone_like), 1000):
        User.objects.filter(pk__in=phone_like[start : start + 1000]).update(
            display_name=""
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_previous_phone")]

    operations = [
        migrations.RunPython(blank_phone_like_names, migrations.RunPython.noop),
    ]
