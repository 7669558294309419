"""The data migration blanking display names that look like phone numbers,
saved before such names were refused."""

import importlib

import pytest
from django.apps import apps

from groupbuy.accounts.models import User
from groupbuy.accounts.services.users import display_name_or_error
from groupbuy.accounts.tests.helpers import make_user

migration = importlib.import_module(
    "groupbuy.accounts.migrations.0010_clear_phone_like_display_names"
)


@pytest.mark.django_db
def test_names_that_pass_for_a_number_are_blanked_and_others_kept():
    # given names saved before the rule, some passing for a phone number
    names = {
        "13800000001": "",
        "+86 138-0000-0001": "",
        "王 (138) 0000 0001": "",
        "Mei": "Mei",
        "Room 101": "Room 101",
        "陈 2026": "陈 2026",
        "": "",
    }
    people = {
        name: make_user(f"+861380013{number:04d}") for number, name in enumerate(names)
    }
    for name, person in people.items():
        User.objects.filter(pk=person.pk).update(display_name=name)

    # when the migration runs
    migration.blank_phone_like_names(apps, None)

    # then exactly the names the sign-up rule would refuse are blank
    kept = {
        name: User.objects.get(pk=person.pk).display_name
        for name, person in people.items()
    }
    assert kept == names
    for name, expected in names.items():
        refused = expected == "" and name != ""
        try:
            display_name_or_error(name)
        except Exception:
            assert refused, name
        else:
            assert not refused, name
