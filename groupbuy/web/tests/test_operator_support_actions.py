"""The operator's payment and person pages: refund what a payment still holds,
clear a person's sign-in lockout."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.escrow.models import Refund


@pytest.fixture
def paid_order(shopper):
    return join_and_pay(make_deal(), shopper=shopper)


def _payment_page(order):
    return reverse("web:operator_payment", args=[order.payment_intent.public_id])


def test_the_payment_page_asks_then_refunds_what_is_held_and_says_it(
    operator_client, paid_order
):
    # when the operator opens the page
    page = operator_client.get(_payment_page(paid_order)).content.decode()
    # then the button asks to confirm, naming the amount
    assert 'id="payment-refund-held"' in page
    assert "Refund ¥99.00 to the payer" in page
    # when they confirm
    done = operator_client.post(
        reverse(
            "web:operator_payment_refund_held",
            args=[paid_order.payment_intent.public_id],
        ),
        follow=True,
    )
    # then the page says what was refunded, lists it, and offers it no more
    html = done.content.decode()
    assert "Refunded ¥99.00 to the payer." in html
    refund = Refund.objects.get()
    assert refund.public_id in html
    assert 'id="payment-refund-held"' not in html


def test_refunding_again_says_nothing_is_held(operator_client, paid_order):
    url = reverse(
        "web:operator_payment_refund_held", args=[paid_order.payment_intent.public_id]
    )
    operator_client.post(url)
    again = operator_client.post(url, follow=True)
    assert "This payment holds no money to refund." in again.content.decode()
    assert Refund.objects.count() == 1


@pytest.mark.parametrize("who", ["payer", "owner"])
def test_only_an_operator_refunds_from_the_page(shopper_client, paid_order, who):
    client = shopper_client
    if who == "owner":
        client = Client()
        client.force_login(make_merchant_member(merchant=paid_order.deal.merchant).user)
    url = reverse(
        "web:operator_payment_refund_held", args=[paid_order.payment_intent.public_id]
    )
    assert client.post(url).status_code == 403
    assert not Refund.objects.exists()


@pytest.fixture
def locked_out(shopper, settings):
    settings.AXES_FAILURE_LIMIT = 3
    AccessAttempt.objects.create(
        username=shopper.phone,
        ip_address="203.0.113.9",
        user_agent="test",
        failures_since_start=3,
        attempt_time=timezone.now(),
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    return shopper


def test_the_person_page_shows_a_lockout_and_clears_it(operator_client, locked_out):
    url = reverse("web:operator_person", args=[locked_out.public_id])
    # when the operator opens the page
    page = operator_client.get(url).content.decode()
    # then it says signing in is locked, after how many failures
    assert "Signing in locked until" in page
    assert "3 failed sign-ins" in page
    # when they clear it
    done = operator_client.post(
        reverse("web:operator_person_lockout_clear", args=[locked_out.public_id]),
        follow=True,
    )
    # then the page says so and shows no lockout
    html = done.content.decode()
    assert "The lockout is cleared: they may sign in again now." in html
    assert "Signing in locked until" not in html
    assert 'id="person-lockout-clear"' not in html
    assert not AccessAttempt.objects.exists()


def test_a_person_with_no_failures_shows_no_lockout(operator_client, shopper):
    page = operator_client.get(
        reverse("web:operator_person", args=[shopper.public_id])
    ).content.decode()
    assert 'id="person-lockout"' not in page


@pytest.mark.parametrize("who", ["self", "owner"])
def test_only_an_operator_clears_a_lockout_from_the_page(
    shopper_client, locked_out, who
):
    client = shopper_client
    if who == "owner":
        client = Client()
        client.force_login(make_merchant_member().user)
    url = reverse("web:operator_person_lockout_clear", args=[locked_out.public_id])
    assert client.post(url).status_code == 403
    assert AccessAttempt.objects.exists()
