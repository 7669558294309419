"""The deals admin names a person with no display name by their masked number
(``person_label``), never by ``str(user)``, their full number; a search by the
full number still finds their orders."""

import pytest
from django.test import Client

from groupbuy.accounts.tests.helpers import (
    UNNAMED_MASKED,
    UNNAMED_NUMBER,
    admin_page,
    assert_masked_only,
    make_user,
    support_client,
)
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import join_and_pay, make_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def support() -> Client:
    return support_client()


def test_the_order_list_names_an_unnamed_shopper_by_the_masked_number(support):
    # given an order paid by a person with no name
    order = join_and_pay(make_deal(), shopper=make_user(UNNAMED_NUMBER))
    url = "/admin/deals/dealorder/"
    # when support opens the list and the order, then searches by the number
    html = admin_page(support, url)
    detail = admin_page(support, f"{url}{order.pk}/change/")
    found = admin_page(support, url, q=UNNAMED_NUMBER)
    # then both show the masked number only, and the search finds the order
    assert_masked_only(html, detail)
    assert f"{url}{order.pk}/change/" in found


def test_a_deals_page_names_its_unnamed_creator_by_the_masked_number(support):
    # given a deal made by a person with no name
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(created_by=make_user(UNNAMED_NUMBER))
    # when support opens the deal
    detail = admin_page(support, f"/admin/deals/deal/{deal.pk}/change/")
    # then it names its creator by the masked number only
    assert UNNAMED_MASKED in detail
    assert UNNAMED_NUMBER not in detail
