"""Operators revoke an order's coupon from the order's page in the operator
console and over the operator API, saying why, as the admin's action did."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.coupons.models import Coupon, Revocation
from groupbuy.coupons.services import coupon_revoke_by_operator
from groupbuy.coupons.services.issuing import coupon_revoke
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import post
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_user(is_staff=True, preferred_language="en")


def test_an_operator_revokes_a_coupon_once_with_the_reason_kept(operator):
    # given a shopper's unused coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    # when an operator revokes it, and the same request comes again
    first = coupon_revoke_by_operator(
        actor=operator, coupon=coupon, reason="Sold by mistake"
    )
    again = coupon_revoke_by_operator(actor=operator, coupon=coupon, reason="again")
    # then it is revoked once: stations learn it, the audit keeps the reason
    assert first.status == again.status == Coupon.Status.REVOKED
    assert Revocation.objects.get(coupon=coupon).reason == "operator"
    audits = AuditEntry.objects.filter(action="coupons.coupon.revoked")
    assert [entry.data["note"] for entry in audits] == ["Sold by mistake"]


def test_the_shopper_is_told_once_that_an_operator_revoked_their_coupon(
    client, operator
):
    # given a shopper who hears of important news by SMS, with an unused coupon
    # of Fresh Mart, and another shopper whose coupon goes with their refund
    station = make_station(name="Fresh Mart")
    order, other = confirmed_orders(station.merchant, quantities=(2, 1))
    shopper = order.shopper
    shopper.preferred_language, shopper.contact_channel = "en", "sms"
    shopper.save(update_fields=["preferred_language", "contact_channel"])
    coupon = coupon_for(order)
    # when an operator revokes it, the same request comes again, and the
    # other coupon is revoked with its order's refund
    coupon_revoke_by_operator(
        actor=operator, coupon=coupon, reason="Bought with a stolen card"
    )
    coupon_revoke_by_operator(actor=operator, coupon=coupon, reason="again")
    coupon_revoke(actor=None, coupon=coupon_for(other), reason="order_refunded")
    # then the shopper is told once, in the inbox and by SMS: which coupon, that
    # it can no longer be used, whom to ask about money (none is promised), and
    # not the operator's words, which are for the audit
    (told,) = Notification.objects.filter(kind="coupons.revoked")
    assert told.recipient == shopper
    assert told.title == f"Coupon revoked: {order.deal.title}"
    assert told.body == (
        "The platform revoked your coupon from Fresh Mart: it can no longer be "
        "used. If you think you are owed money for it, contact the shop or the "
        "platform."
    )
    channels = told.deliveries.values_list("channel", flat=True)
    assert sorted(channels) == ["in_app", "sms"]
    assert told.url.endswith(f"/orders/{order.public_id}/")
    assert told.data == {"coupon_id": coupon.public_id, "order_id": order.public_id}
    # and the order page it opens, and the coupon's own page, say it is revoked
    client.force_login(shopper)
    order_page = client.get(f"/orders/{order.public_id}/").text
    assert 'id="order-coupon" data-status="revoked"' in order_page
    coupon_page = client.get(f"/coupons/{coupon.public_id}/").text
    assert 'id="coupon-status">Revoked<' in coupon_page
    assert 'id="coupon-qr"' not in coupon_page


def test_a_coupon_is_not_revoked_without_a_reason_or_once_used_up(operator):
    # given an unused coupon and one used up
    station = make_station()
    unused, used = (coupon_for(o) for o in confirmed_orders(station.merchant))
    Coupon.objects.filter(pk=used.pk).update(status=Coupon.Status.REDEEMED)
    # when an operator revokes the first with no reason, the second with one
    with pytest.raises(DomainError) as no_reason:
        coupon_revoke_by_operator(actor=operator, coupon=unused, reason="  ")
    with pytest.raises(DomainError) as used_up:
        coupon_revoke_by_operator(actor=operator, coupon=used, reason="Fraud")
    # then both are refused, saying why, and neither is revoked
    assert (no_reason.value.code, list(no_reason.value.fields)) == (
        "invalid",
        ["reason"],
    )
    assert (used_up.value.code, used_up.value.status) == ("not_revocable", 409)
    assert not Revocation.objects.exists()


def test_an_operator_revokes_a_coupon_over_the_api(client, operator):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    url = f"/api/operator/coupons/{coupon.public_id}/revoke"
    # when the operator revokes it without a reason, then with one
    refused = post(client, url, {"reason": ""}, operator)
    revoked = post(client, url, {"reason": "Shop closed for good"}, operator)
    # then the first is a 400 on the reason, the second revokes it
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    assert revoked.status_code == 200
    assert revoked.json()["coupon_id"] == coupon.public_id
    assert revoked.json()["status"] == "revoked"
    missing = post(
        client,
        "/api/operator/coupons/cpn_nosuchcoupon/revoke",
        {"reason": "x"},
        operator,
    )
    assert missing.status_code == 404


def test_the_operators_order_page_revokes_its_coupon(client, operator):
    # given a shopper's unused coupon and its order's page in the console
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    client.force_login(operator)
    order_page = client.get(f"/operator/orders/{order.public_id}/")
    revoke_url = f"/operator/coupons/{coupon.public_id}/revoke/"
    assert revoke_url in order_page.text
    # when the operator opens the confirmation and sends it with no reason
    confirm = client.get(revoke_url)
    without_reason = client.post(revoke_url, {"reason": ""})
    # then nothing is revoked until they say why
    assert confirm.status_code == 200
    assert "stations refuse it" in confirm.text
    assert "The shopper is told it was revoked, not why." in confirm.text
    assert without_reason.status_code == 400
    assert coupon_for(order).status == Coupon.Status.VALID
    # when they say why, then it is revoked and the order's page says so
    done = client.post(revoke_url, {"reason": "Bought with a stolen card"})
    assert done.status_code == 302
    assert done.url == f"/operator/orders/{order.public_id}/"
    assert coupon_for(order).status == Coupon.Status.REVOKED
    after = client.get(done.url)
    assert revoke_url not in after.text
    assert 'id="operator-order-coupon"' in after.text


def test_only_operators_revoke_coupons(client):
    # given a coupon of the shop, its own shopper, the shop's owner and cashier
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    url = f"/operator/coupons/{coupon.public_id}/revoke/"
    api_url = f"/api/operator/coupons/{coupon.public_id}/revoke"
    for person in (order.shopper, station.owner, cashier):
        client.force_login(person)
        # when they open the page, send its form and call the API
        statuses = [
            client.get(url).status_code,
            client.post(url, {"reason": "mine"}).status_code,
            post(client, api_url, {"reason": "mine"}, person).status_code,
        ]
        # then each is refused and the coupon stays valid
        assert statuses == [403, 403, 403]
    assert coupon_for(order).status == Coupon.Status.VALID


def test_the_admin_action_revokes_through_the_same_service(client):
    # given an unused coupon and one used up, and an operator in the admin
    station = make_station()
    unused, used = (coupon_for(o) for o in confirmed_orders(station.merchant))
    Coupon.objects.filter(pk=used.pk).update(status=Coupon.Status.REDEEMED)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    # when they revoke both with the admin's action
    response = client.post(
        "/admin/coupons/coupon/",
        {"action": "revoke", "_selected_action": [unused.pk, used.pk]},
    )
    # then the unused one is revoked with the admin's reason; the other is not
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="coupons.coupon.revoked")
    assert (entry.object_id, entry.data["note"]) == (
        unused.public_id,
        "Revoked in the Django admin",
    )
    assert coupon_for(used.order).status == Coupon.Status.REDEEMED
