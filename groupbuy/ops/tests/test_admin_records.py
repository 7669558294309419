"""The admin lists erasure requests, the platform's daily figures and owner
invitations, read-only, naming people by ``person_label`` and showing an
invited number masked (a search by the full number still finds it)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.tests.helpers import (
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.ops.models import ErasureRequest, PlatformDailyStats
from groupbuy.ops.onboarding import merchant_onboard

pytestmark = pytest.mark.django_db

INVITED = "+8613900139091"
INVITED_MASKED = "+86139****9091"


def test_erasure_requests_are_listed_by_masked_number_and_read_only():
    # given a request by a person with no name
    person = make_user(UNNAMED_NUMBER)
    request = ErasureRequest.objects.create(
        user=person, due_at=timezone.now() + timedelta(days=7)
    )
    support = support_client()
    url = "/admin/ops/erasurerequest/"
    # when support opens the list, the request, and searches by the number
    listing = admin_page(support, url)
    detail = admin_page(support, f"{url}{request.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then the person is named by the masked number, and the search finds it
    assert_masked_only(listing, detail)
    assert request.public_id in found
    # and nothing can be added, changed or deleted here
    assert support.get(f"{url}add/").status_code == 403
    assert support.get(f"{url}{request.pk}/delete/").status_code == 403
    assert 'name="_save"' not in detail


def test_owner_invitations_show_the_invited_number_masked():
    # given a merchant an operator with no name made for a number not signed up
    operator = make_user(UNNAMED_NUMBER, is_staff=True)
    _merchant, invitation = merchant_onboard(
        actor=operator, name="鲜果小铺", owner_phone=INVITED
    )
    support = support_client()
    url = "/admin/ops/merchantownerinvitation/"
    # when support opens the list and the invitation, and searches the number
    listing = admin_page(support, url)
    detail = admin_page(support, f"{url}{invitation.pk}/change/")
    found = admin_page(support, url, q=INVITED)
    # then both numbers are masked, and the search finds the invitation
    assert_masked_only(listing, detail)
    assert_masked_only(listing, detail, masked=INVITED_MASKED, number=INVITED)
    assert invitation.public_id in found
    assert support.get(f"{url}add/").status_code == 403


def test_daily_figures_are_listed_in_yuan():
    # given a day's figures
    PlatformDailyStats.objects.create(
        day=date(2026, 12, 1), deals_opened=3, gmv_fen=12_345, refunded_fen=500
    )
    # when support opens the list
    listing = admin_page(support_client(), "/admin/ops/platformdailystats/")
    # then money is in yuan
    assert "¥123.45" in listing
    assert "¥5.00" in listing


@pytest.mark.parametrize(
    "url",
    [
        "/admin/ops/erasurerequest/",
        "/admin/ops/merchantownerinvitation/",
        "/admin/ops/platformdailystats/",
    ],
)
def test_only_support_open_the_lists(url):
    # given a visitor, a shopper and an operator without admin rights
    shopper = Client()
    shopper.force_login(make_user("+8613800138093"))
    operator = Client()
    operator.force_login(make_user("+8613800138094", is_staff=True))
    # when each opens the list
    answers = [Client().get(url), shopper.get(url), operator.get(url)]
    # then the visitor and the shopper are sent to sign in, the operator refused
    assert [answer.status_code for answer in answers] == [302, 302, 403]
