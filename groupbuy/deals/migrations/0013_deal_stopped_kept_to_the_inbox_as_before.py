"""The unpaid orders of a stopped deal are told under their own kind,
deals.order.deal_stopped, not deals.order.deal_closed. Whoever kept
deal_closed to the inbox kept those messages there too: they keep the new
kind to the inbox as well, until they choose otherwise."""

from django.db import migrations

CLOSED, STOPPED = "deals.order.deal_closed", "deals.order.deal_stopped"


def _users_keeping(apps, kind):
    User = apps.get_model("accounts", "User")
    # (a JSON list's contents cannot be queried on SQLite: read the lists)
    people = User.objects.exclude(inbox_only_kinds=[]).only("pk", "inbox_only_kinds")
    return [person for person in people.iterator() if kind in person.inbox_only_kinds]


def keep_stopped_where_closed_is_kept(apps, schema_editor):
    people = _users_keeping(apps, CLOSED)
    for person in people:
        if STOPPED not in person.inbox_only_kinds:
            person.inbox_only_kinds = [*person.inbox_only_kinds, STOPPED]
    apps.get_model("accounts", "User").objects.bulk_update(
        people, ["inbox_only_kinds"], batch_size=500
    )


def forget_stopped(apps, schema_editor):
    people = _users_keeping(apps, STOPPED)
    for person in people:
        person.inbox_only_kinds = [k for k in person.inbox_only_kinds if k != STOPPED]
    apps.get_model("accounts", "User").objects.bulk_update(
        people, ["inbox_only_kinds"], batch_size=500
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_inbox_only_kinds"),
        ("deals", "0012_deal_stopped_by_and_reason"),
    ]

    operations = [
        migrations.RunPython(keep_stopped_where_closed_is_kept, forget_stopped),
    ]
