"""The operator dashboard counts the shop applications waiting for an answer
(ops' part "operator.figures") and links to that queue; no one else sees it."""

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.ops.shop_applications import (
    shop_application_decline,
    shop_application_withdraw,
)
from groupbuy.ops.tests.factories import (
    make_operator,
    make_person,
    make_shop_application,
)

pytestmark = pytest.mark.django_db
FIGURE = 'id="operator-shop-applications-pending"'


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_counts_the_pending_applications_and_links_to_them():
    # given two applications waiting, one withdrawn and one declined
    operator = make_operator()
    make_shop_application()
    make_shop_application()
    withdrawn = make_shop_application()
    shop_application_withdraw(actor=withdrawn.applicant, application=withdrawn)
    declined = make_shop_application()
    shop_application_decline(actor=operator, application=declined, reason="No")
    # when the operator opens the dashboard
    response = signed_in(operator).get("/operator/")
    # then it counts the two waiting, linking to the queue of pending ones
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{FIGURE}>2</div>" in html
    assert (
        '<a href="/operator/shop-applications/?status=pending" '
        'id="operator-shop-applications-link">Shop applications waiting</a>'
    ) in html


def test_the_dashboard_counts_none_waiting_as_zero():
    html = signed_in(make_operator()).get("/operator/").content.decode()
    assert f"{FIGURE}>0</div>" in html


@pytest.mark.parametrize("who", ["shopper", "merchant"])
def test_shoppers_and_merchants_get_no_dashboard_and_no_count(who):
    # given an application waiting, and a shopper or a merchant's owner
    make_shop_application()
    if who == "shopper":
        person = make_person()
    else:
        person = make_merchant_member(role="owner").user
    # when they open the operator dashboard
    response = signed_in(person).get("/operator/")
    # then they are refused, and nothing counts the applications
    assert response.status_code == 403
    assert FIGURE not in response.content.decode()


def test_a_visitor_is_sent_to_sign_in():
    make_shop_application()
    response = Client().get("/operator/")
    assert response.status_code == 302
    assert response.url.startswith("/login/")
