"""A coupon's redemption or revocation reaches its shopper's open pages
(ws/me/), once it commits: at the till, in a station's uploaded batch, and when
its order is refunded or an operator revokes it."""

import importlib

import pytest
from django.db import transaction

from groupbuy.core.errors import DomainError
from groupbuy.coupons.services import (
    batch_import,
    coupon_redeem_online,
    coupon_revoke,
    coupon_revoke_for_order,
)
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.coupons.tests.test_batches import batch_from
from groupbuy.realtime import user_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The coupon events that reach the channel layer: (group, event), as each
    is sent (the payments that set the coupons up send their own)."""
    events = []

    def send(group, event):
        if event["type"].startswith("coupons."):
            events.append((group, event))

    publishing = importlib.import_module("groupbuy.realtime.publish")
    monkeypatch.setattr(publishing, "_send", send)
    return events


def _state(coupon, status, redeemed):
    return {
        "type": "coupons.coupon.updated",
        "coupon_id": coupon.public_id,
        "status": status,
        "quantity": 3,
        "redeemed_quantity": redeemed,
        "remaining_quantity": 3 - redeemed,
    }


def test_a_redemption_at_the_till_reaches_the_shopper_once_it_commits(
    sent, django_capture_on_commit_callbacks
):
    # given a shopper's coupon for 3 units
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    shopper = user_group(order.shopper.public_id)
    for units, status, redeemed in ((2, "valid", 2), (1, "redeemed", 3)):
        # when the cashier redeems some of its units
        with django_capture_on_commit_callbacks(execute=True):
            coupon_redeem_online(
                actor=station.owner,
                merchant=station.merchant,
                code=coupon.code,
                quantity=units,
            )
            # (nothing before the redemption commits)
            assert sent == []
        # then the shopper's sockets hear what is left, and no code
        assert sent == [(shopper, _state(coupon, status, redeemed))]
        sent.clear()


def test_a_refused_or_rolled_back_redemption_tells_the_shopper_nothing(
    sent, django_capture_on_commit_callbacks
):
    # given a coupon for 3 units
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    code = coupon_for(order).code
    with django_capture_on_commit_callbacks(execute=True):
        # when a scan asks for more units than it has
        with pytest.raises(DomainError):
            coupon_redeem_online(
                actor=station.owner, merchant=station.merchant, code=code, quantity=4
            )
        # and a redemption's transaction rolls back
        with pytest.raises(RuntimeError), transaction.atomic():
            coupon_redeem_online(
                actor=station.owner, merchant=station.merchant, code=code, quantity=1
            )
            raise RuntimeError("the till's request failed")
    # then nothing was pushed, and the coupon is whole
    assert sent == []
    assert coupon_for(order).redeemed_quantity == 0


def test_an_uploaded_batch_pushes_each_coupon_it_redeemed_once_as_it_left_it(
    sent, django_capture_on_commit_callbacks
):
    # given two coupons of 3 units, and a station's batch with two claims on
    # the first and one on the second
    station = make_station()
    first, second = (
        coupon_for(order)
        for order in confirmed_orders(station.merchant, quantities=(3, 3))
    )
    data = batch_from(
        station,
        "till-a",
        (first, "a", 1, 10),
        (first, "b", 2, 20),
        (second, "c", 1, 30),
    )
    # when it is uploaded
    with django_capture_on_commit_callbacks(execute=True):
        batch_import(actor=station.owner, merchant=station.merchant, data=data)
    # then each shopper hears their coupon once, as the batch left it
    assert sorted(sent, key=lambda pushed: pushed[1]["coupon_id"]) == sorted(
        [
            (user_group(first.shopper.public_id), _state(first, "redeemed", 3)),
            (user_group(second.shopper.public_id), _state(second, "valid", 1)),
        ],
        key=lambda pushed: pushed[1]["coupon_id"],
    )
    # and uploading it again changes nothing and pushes nothing
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        batch_import(actor=station.owner, merchant=station.merchant, data=data)
    assert sent == []


def test_a_revocation_reaches_the_shopper_once_it_commits_and_only_once(
    sent, django_capture_on_commit_callbacks
):
    # given a shopper's coupon for 3 units, one of them redeemed at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    sent.clear()
    # when its order is refunded (the coupons app revokes the coupon)
    with django_capture_on_commit_callbacks(execute=True):
        coupon_revoke_for_order(actor=None, order=order, reason="order_refunded")
        # (nothing before the revocation commits)
        assert sent == []
    # then the shopper's sockets hear it revoked, with what was redeemed
    assert sent == [(user_group(order.shopper.public_id), _state(coupon, "revoked", 1))]
    # and revoking it again (an operator, a retried refund) pushes nothing
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coupon_revoke(actor=None, coupon=coupon, reason="operator")
    assert sent == []


def test_a_rolled_back_revocation_tells_the_shopper_nothing(
    sent, django_capture_on_commit_callbacks
):
    # given a valid coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    # when an operator's revocation rolls back
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        coupon_revoke(actor=None, coupon=coupon, reason="operator")
        raise RuntimeError("the admin's request failed")
    # then nothing was pushed, and the coupon is still valid
    assert sent == []
    assert coupon_for(order).status == "valid"
