"""The demands admin names a person with no display name by their masked
number (``person_label``), never by ``str(user)``, their full number; a search
by the full number still finds the demands they started."""

import pytest
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.tests.helpers import (
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    make_user,
)
from groupbuy.demands.tests.factories import join_and_pay, make_published

pytestmark = pytest.mark.django_db


def test_a_demands_page_names_unnamed_people_by_their_masked_numbers():
    # given a demand started by a person with no name, joined by another
    initiator = make_user(UNNAMED_NUMBER, phone_verified_at=timezone.now())
    demand = make_published(initiator=initiator)
    participation = join_and_pay(
        demand, make_user("+8613900139003", phone_verified_at=timezone.now())
    )
    support = Client()
    support.force_login(make_user("+8613700137001", is_staff=True, is_superuser=True))
    url = "/admin/demands/demand/"
    # when support opens the demand (its participations under it), then
    # searches the list by the initiator's full number
    detail = admin_page(support, f"{url}{demand.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then the page names both by masked numbers only, the search finds it,
    # and a participation's name masks its buyer's number too
    assert UNNAMED_MASKED in detail and "+86139****9003" in detail
    assert UNNAMED_NUMBER not in detail and "+8613900139003" not in detail
    assert f"{url}{demand.pk}/change/" in found
    assert str(participation).startswith("+86139****9003 × 3 · ")
