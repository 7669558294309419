"""The admin pages for deals, orders and the escrow ledger render, and the
operator actions go through the services."""

import pytest
from django.test import Client

from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for_operator():
    operator = make_user(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    return client


def test_every_deals_and_escrow_admin_page_renders(admin_client_for_operator):
    deal = make_deal()
    order = join_and_pay(deal)
    intent = order.payment_intent
    pages = [
        "/admin/deals/deal/",
        f"/admin/deals/deal/{deal.pk}/change/",
        "/admin/deals/dealorder/",
        f"/admin/deals/dealorder/{order.pk}/change/",
        "/admin/escrow/ledgeraccount/",
        "/admin/escrow/ledgertransaction/",
        "/admin/escrow/paymentintent/",
        f"/admin/escrow/paymentintent/{intent.pk}/change/",
        "/admin/escrow/refund/",
        "/admin/escrow/providerevent/",
    ]
    for page in pages:
        assert admin_client_for_operator.get(page).status_code == 200, page


def test_admin_stop_action_refunds_through_the_service(admin_client_for_operator):
    deal = make_deal()
    order = join_and_pay(deal)
    response = admin_client_for_operator.post(
        "/admin/deals/deal/",
        {"action": "stop_and_refund", "_selected_action": [deal.pk]},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    order.refresh_from_db()
    # a failed deal ends settled, with no final price
    assert (deal.state, deal.final_price_fen, order.status) == (
        Deal.State.SETTLED,
        None,
        "refunded",
    )


def test_admin_refund_action_returns_what_is_held(admin_client_for_operator):
    order = join_and_pay(make_deal())
    intent = order.payment_intent
    admin_client_for_operator.post(
        "/admin/escrow/paymentintent/",
        {"action": "refund_what_is_held", "_selected_action": [intent.pk]},
    )
    intent.refresh_from_db()
    assert intent.refunded_fen == intent.amount_fen
