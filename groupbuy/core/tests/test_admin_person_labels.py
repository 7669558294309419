"""The audit log's admin names a person with no display name by their masked
number (``person_label``), never by ``str(user)``, their full number; a search
by the full number still finds what they did."""

import pytest
from django.test import Client

from groupbuy.accounts.tests.helpers import (
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
)
from groupbuy.core.audit import audit_log

pytestmark = pytest.mark.django_db


def test_the_audit_log_names_an_unnamed_actor_by_the_masked_number():
    # given something done by a person with no name
    person = make_user(UNNAMED_NUMBER)
    entry = audit_log(actor=person, action="test.thing.done", obj=person)
    support = Client()
    support.force_login(make_user("+8613700137001", is_staff=True, is_superuser=True))
    url = "/admin/core/auditentry/"
    # when support opens the list and the entry, then searches by the number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{entry.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then both show the masked number only, and the search finds the entry
    assert_masked_only(html, detail)
    assert f"{url}{entry.pk}/change/" in found
