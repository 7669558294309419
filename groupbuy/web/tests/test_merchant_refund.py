"""The merchant console's refund button on a deal's orders."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import DealOrder
from groupbuy.deals.tests.factories import join_and_pay, make_deal
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _member(role=MerchantMembership.Role.OWNER, merchant=None):
    fields = {"merchant": merchant} if merchant is not None else {}
    membership = make_merchant_member(
        user=make_user(preferred_language="en"), role=role, **fields
    )
    client = Client()
    client.force_login(membership.user)
    return membership.merchant, client


def _urls(merchant, deal, order):
    ids = [merchant.public_id, deal.public_id]
    return (
        reverse("web:merchant_deal_detail", args=ids),
        reverse("web:merchant_order_refund", args=[*ids, order.public_id]),
    )


def test_owner_refunds_one_order_from_the_deal_page():
    # given a deal with two paid orders
    merchant, client = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal, quantity=2)
    other = join_and_pay(deal)
    detail_url, refund_url = _urls(merchant, deal, order)
    page = client.get(detail_url).content.decode()
    assert f'id="merchant-order-refund-{order.public_id}"' in page
    # when
    response = client.post(refund_url, {"reason": "Out of stock"}, follow=True)
    # then
    assert response.redirect_chain == [(detail_url, 302)]
    order.refresh_from_db()
    other.refresh_from_db()
    assert order.status == DealOrder.Status.REFUNDED
    assert order.refund_reason == "Out of stock"
    assert AuditEntry.objects.filter(
        action="deals.order.refund_requested", data__reason="Out of stock"
    ).exists()
    assert other.status == DealOrder.Status.PAID
    html = response.content.decode()
    assert f"Order {order.public_id} was refunded: ¥198.00." in html
    assert f'id="merchant-order-refund-{order.public_id}"' not in html
    assert f'id="merchant-order-refund-{other.public_id}"' in html
    assert "Out of stock" in html
    notice = Notification.objects.get(
        recipient=order.shopper, kind="deals.order.refunded"
    )
    # in the shopper's language (Chinese by default)
    assert notice.body == "¥198.00 已全额退还给您。商家说明：“Out of stock”"


def test_a_refund_without_a_reason_refunds_nothing():
    merchant, client = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    _detail_url, refund_url = _urls(merchant, deal, order)
    response = client.post(refund_url, {"reason": "  "}, follow=True)
    assert "Give the buyer a reason for the refund." in response.content.decode()
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


def test_refunding_twice_shows_the_reason_and_changes_nothing():
    merchant, client = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    _detail_url, refund_url = _urls(merchant, deal, order)
    client.post(refund_url, {"reason": "Damaged"})
    response = client.post(refund_url, {"reason": "Damaged"}, follow=True)
    assert "Only a paid order can be refunded." in response.content.decode()
    order.refresh_from_db()
    assert order.refunded_fen == order.amount_fen


def test_a_cashier_sees_no_refund_button_and_is_refused():
    # given
    owner_merchant, _owner_client = _member()
    merchant, cashier = _member(
        role=MerchantMembership.Role.CASHIER, merchant=owner_merchant
    )
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    detail_url, refund_url = _urls(merchant, deal, order)
    # when / then
    assert "merchant-order-refund-" not in cashier.get(detail_url).content.decode()
    assert cashier.post(refund_url, {"reason": "x"}).status_code == 403
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


def test_another_merchant_and_a_shopper_cannot_refund():
    merchant, _client = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    _detail_url, refund_url = _urls(merchant, deal, order)
    _other_merchant, other_owner = _member()
    shopper = Client()
    shopper.force_login(order.shopper)
    assert other_owner.post(refund_url, {"reason": "x"}).status_code in (403, 404)
    assert shopper.post(refund_url, {"reason": "x"}).status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID


@pytest.mark.parametrize("next_value", ["-1", "web:nothing", "https://evil.example/"])
def test_a_next_that_is_no_path_on_this_site_returns_to_the_deal_page(next_value):
    # redirect() took "-1" for a URL name and raised NoReverseMatch (a 500)
    merchant, client = _member()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    detail_url, refund_url = _urls(merchant, deal, order)
    response = client.post(refund_url, {"reason": "Out of stock", "next": next_value})
    assert (response.status_code, response["Location"]) == (302, detail_url)
