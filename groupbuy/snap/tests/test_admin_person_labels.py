"""The snap admin names a person with no display name by their masked number
(``person_label``), never by ``str(user)``, their full number; a search by the
full number still finds their snaps."""

import pytest
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.tests.helpers import (
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.catalog.models import Product
from groupbuy.snap.models import DemandRequest, DemandSignal, Snap

pytestmark = pytest.mark.django_db


@pytest.fixture
def support() -> Client:
    return support_client()


def test_the_snap_list_names_an_unnamed_person_by_the_masked_number(support):
    # given a snap by a person with no name, labelled by an operator with none
    unnamed = make_user(UNNAMED_NUMBER)
    snap = Snap.objects.create(
        user=unnamed,
        status=Snap.Status.LABELLED,
        labelled_by=make_user("+8613700137002", is_staff=True),
    )
    url = "/admin/snap/snap/"
    # when support opens the list and the snap, then searches by the number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{snap.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then both show the masked numbers only, and the search finds the snap
    assert_masked_only(html, detail)
    assert "+86137****7002" in detail
    assert "+8613700137002" not in detail
    assert f"{url}{snap.pk}/change/" in found


def test_a_demand_signals_page_names_an_unnamed_requester_by_the_masked_number(
    support,
):
    # given a product asked for by a person with no name
    signal = DemandSignal.objects.create(
        product=Product.objects.create(name_zh="茉莉花茶", name_en="Jasmine tea")
    )
    now = timezone.now()
    DemandRequest.objects.create(
        signal=signal,
        user=make_user(UNNAMED_NUMBER),
        first_snapped_at=now,
        last_snapped_at=now,
    )
    # when support opens the signal (its requests listed under it)
    detail = admin_page(support, f"/admin/snap/demandsignal/{signal.pk}/change/")
    # then it names the requester by the masked number only
    assert UNNAMED_MASKED in detail
    assert UNNAMED_NUMBER not in detail
