"""An operator answering a shopper refunds their order from the order's page."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_user

pytestmark = pytest.mark.django_db


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def test_the_operators_order_page_refunds_a_paid_order_and_comes_back(client):
    # given a paid order of an open group buy
    order = join_and_pay(make_deal())
    paid_fen = order.amount_fen
    page_url = f"/operator/orders/{order.public_id}/"
    client.force_login(_operator())
    # when the operator opens the order and refunds it with a reason
    page = client.get(page_url).content.decode()
    form = page.split('id="operator-order-refund"', 1)[1].split("</form>", 1)[0]
    action = form.split('action="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    response = client.post(
        action, {"reason": "Paid twice", "next": page_url}, follow=True
    )
    # then it is refunded, said so on the order's page, and audited
    order.refresh_from_db()
    assert order.status == DealOrder.Status.REFUNDED
    assert order.refunded_fen == paid_fen
    assert response.redirect_chain[-1][0] == page_url
    assert f"Order {order.public_id} was refunded" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="deals.order.refund_requested", object_id=order.public_id
    ).exists()


def test_no_refund_form_once_the_order_is_not_paid(client):
    order = join_and_pay(make_deal())
    client.force_login(_operator())
    order.status = DealOrder.Status.CANCELLED
    order.save(update_fields=["status"])
    page = client.get(f"/operator/orders/{order.public_id}/").content.decode()
    assert 'id="operator-order-refund"' not in page


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_only_operators_and_the_shop_refund_through_it(client, who):
    # given another shop's staff or a shopper (the order's shop's owner may
    # refund from its console; here, another shop's)
    order = join_and_pay(make_deal())
    actor = make_user()
    if who != "shopper":
        other = make_deal().merchant
        merchant_membership_add(actor=None, user=actor, merchant=other, role=who)
    client.force_login(actor)
    deal = order.deal
    # when
    page = client.get(f"/operator/orders/{order.public_id}/")
    refund = client.post(
        f"/merchant/{deal.merchant.public_id}/deals/{deal.public_id}/orders/"
        f"{order.public_id}/refund/?next=/operator/orders/{order.public_id}/",
        {"reason": "x"},
    )
    # then
    assert page.status_code == 403
    assert refund.status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


def test_a_payments_page_links_to_the_order_it_paid(client):
    # given a shopper who says they paid: the operator finds the payment first
    order = join_and_pay(make_deal())
    client.force_login(_operator())
    # when
    page = client.get(f"/operator/payments/{order.payment_intent.public_id}/")
    # then its order is one click away
    assert (
        f'<a href="/operator/orders/{order.public_id}/" id="payment-order">'
        f"{order.public_id}</a>"
    ) in page.content.decode()
