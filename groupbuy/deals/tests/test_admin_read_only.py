"""Deals, orders and the ledger cannot be edited in the admin: only the
services (through the admin's actions) change them."""

import pytest
from django.test import Client

from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user
from groupbuy.escrow.models import LedgerTransaction, PaymentIntent

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client():
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def test_no_deal_order_or_ledger_row_can_be_edited_or_deleted(operator_client):
    # given
    deal = make_deal(stock=10)
    order = join_and_pay(deal)
    intent = order.payment_intent
    ledger = LedgerTransaction.objects.first()
    audits = AuditEntry.objects.count()
    # when
    answers = {
        url: operator_client.post(url, payload).status_code
        for url, payload in [
            (f"/admin/deals/deal/{deal.pk}/change/", {"stock": "1", "sold": "9"}),
            (f"/admin/deals/deal/{deal.pk}/delete/", {"post": "yes"}),
            ("/admin/deals/deal/add/", {"title": "x"}),
            (f"/admin/deals/dealorder/{order.pk}/change/", {"status": "paid"}),
            (f"/admin/deals/dealorder/{order.pk}/delete/", {"post": "yes"}),
            (f"/admin/escrow/paymentintent/{intent.pk}/change/", {"status": "x"}),
            (f"/admin/escrow/paymentintent/{intent.pk}/delete/", {"post": "yes"}),
            (f"/admin/escrow/ledgertransaction/{ledger.pk}/delete/", {"post": "yes"}),
        ]
    }
    # then
    assert set(answers.values()) == {403}, answers
    deal.refresh_from_db()
    assert (deal.stock, deal.sold) == (10, 1)
    assert DealOrder.objects.filter(pk=order.pk).exists()
    assert PaymentIntent.objects.filter(pk=intent.pk).exists()
    assert Deal.objects.count() == 1
    assert AuditEntry.objects.count() == audits
