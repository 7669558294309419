"""A coupon's money given back (the shopper's refund, the shop's, an expiry
under "refund the shopper") reaches its order: refunded_fen, status, and with
them the order pages, the order API, the shop's CSV and its Sales."""

from datetime import timedelta

import pytest
from django.test import Client

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponExpiry
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
    coupons_expire_due,
)
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
)
from groupbuy.coupons.tests.test_expiry_on_close import _pay_out

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(user)
    return client


def _csv_row(owner: Client, merchant, order) -> dict:
    answer = owner.get(f"/merchant/{merchant.public_id}/orders/export.csv")
    lines = b"".join(answer).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    (row,) = [row for row in rows if row["order"] == order.public_id]
    return row


def test_a_partly_used_coupons_refund_adds_to_the_order_which_stays_confirmed():
    # given a coupon of 3 units, 1 used at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    before = order.refunded_fen
    price = order.final_unit_price_fen
    # when its shopper refunds the 2 unused units, twice (a double tap)
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    # then the order counts them once and stays confirmed (one unit was used)
    order.refresh_from_db()
    assert order.refunded_fen == before + 2 * price
    assert (order.status, order.shown_status) == ("confirmed", "confirmed")
    assert order.payment_intent.refunded_fen == order.refunded_fen
    assert_ledger_balanced()


def test_a_whole_coupons_refund_reads_refunded_on_the_api_csv_and_sales():
    # given an order of 2 units whose coupon was never used
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    paid = order.amount_fen
    owner = _login(station.owner)
    sales_url = f"/api/deals/merchants/{station.merchant.public_id}/sales"
    sold = owner.get(sales_url).json()["total"]
    # when its shopper refunds it
    coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    # then the order is refunded, all it paid back
    order.refresh_from_db()
    assert order.refunded_fen == paid == order.payment_intent.refunded_fen
    assert (order.status, order.shown_status, order.cancel_reason) == (
        "refunded",
        "refunded",
        "",
    )
    # and its shopper's order API says so
    shopper = _login(order.shopper)
    answer = shopper.get(f"/api/deals/orders/{order.public_id}").json()
    assert (answer["refunded_fen"], answer["payment"]["refunded_fen"]) == (paid, paid)
    assert answer["shown_status"] == "refunded"
    page = shopper.get(f"/orders/{order.public_id}/").content.decode()
    assert "is refunded to you." in page
    # and so do the shop's CSV and its Sales: refunds up, net and fees down
    row = _csv_row(owner, station.merchant, order)
    assert (row["status"], row["refunded_yuan"]) == ("Refunded", f"{paid / 100:.2f}")
    total = owner.get(sales_url).json()["total"]
    assert total["refunds_fen"] == sold["refunds_fen"] + paid
    assert total["fees_fen"] == 0
    assert total["net_fen"] == 0 < sold["net_fen"]


def test_the_shops_refund_reaches_the_order_with_its_reason():
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon_for(order), reason="Kitchen closed."
    )
    order.refresh_from_db()
    assert order.refunded_fen == order.amount_fen
    assert (order.status, order.cancel_reason, order.refund_reason) == (
        "refunded",
        "merchant",
        "Kitchen closed.",
    )
    owner = _login(station.owner)
    answer = owner.get(
        f"/api/deals/merchants/{station.merchant.public_id}/orders"
    ).json()
    (item,) = answer["items"]
    assert (item["refunded_fen"], item["shown_status"]) == (
        order.amount_fen,
        "refunded",
    )


def test_a_refused_refund_leaves_the_order_as_it_was():
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    _pay_out(station.merchant, _payable(station.merchant), "payout-1")
    with pytest.raises(DomainError) as refusal:
        coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    assert refusal.value.code == "merchant_paid_out"
    before = order.refunded_fen
    order.refresh_from_db()
    assert (order.refunded_fen, order.status) == (before, "confirmed")


def _payable(merchant) -> int:
    return balance_of("merchant_payable", merchant=merchant)


@pytest.mark.parametrize("settlement_mode", ["on_redemption", "on_close"])
def test_an_expiry_that_refunds_the_shopper_adds_to_the_order(
    settlement_mode, django_capture_on_commit_callbacks
):
    # given two orders: one used 1 of its 3 units, the other none of its 2
    station = make_station()
    used, unused = confirmed_orders(
        station.merchant, quantities=(3, 2), settlement_mode=settlement_mode
    )
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(used).code,
        quantity=1,
    )
    before = {o.pk: o.refunded_fen for o in (used, unused)}
    price = used.final_unit_price_fen
    # when their coupons expire under "refund the shopper" (the sweep twice)
    later = coupon_for(used).expires_at + timedelta(seconds=1)
    for _sweep in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            coupons_expire_due(now=later)
    assert set(CouponExpiry.objects.values_list("outcome", flat=True)) <= {
        "refunded",
        "taken_back",
    }
    # then each order counts what went back, once
    used.refresh_from_db()
    unused.refresh_from_db()
    assert used.refunded_fen == before[used.pk] + 2 * price
    assert used.status == "confirmed"
    assert unused.refunded_fen == before[unused.pk] + 2 * price == unused.amount_fen
    assert unused.status == "refunded"
    assert_ledger_balanced()


def test_an_expiry_paying_the_merchant_leaves_the_order_alone(
    django_capture_on_commit_callbacks,
):
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), expiry_rule="pay_merchant"
    )
    before = order.refunded_fen
    later = coupon_for(order).expires_at + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        coupons_expire_due(now=later)
    order.refresh_from_db()
    assert (order.refunded_fen, order.status) == (before, "confirmed")


def test_the_migration_corrects_orders_refunded_before_and_never_twice(
    django_capture_on_commit_callbacks,
):
    from importlib import import_module

    from django.apps import apps

    from groupbuy.deals.models import DealOrder

    migration = import_module(
        "groupbuy.coupons.migrations.0010_coupon_refunds_reach_their_orders"
    )
    # given a shop's whole refund, a shopper's partial one and an expiry, made
    # while refunds did not reach their orders (their orders put back so)
    station = make_station()
    by_shop, partial, expired = confirmed_orders(station.merchant, quantities=(2, 3, 1))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(partial).code,
        quantity=1,
    )
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon_for(by_shop), reason="Closed."
    )
    coupon_refund_unused(actor=partial.shopper, coupon=coupon_for(partial))
    later = coupon_for(expired).expires_at + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        coupons_expire_due(now=later)
    orders = (by_shop, partial, expired)
    for order in orders:
        DealOrder.objects.filter(pk=order.pk).update(
            refunded_fen=order.refunded_fen,
            status="confirmed",
            cancel_reason="",
            refund_reason="",
            cancelled_at=None,
        )
    price = partial.final_unit_price_fen
    expected = {
        by_shop.pk: (by_shop.refunded_fen + 2 * price, "refunded", "merchant"),
        partial.pk: (partial.refunded_fen + 2 * price, "confirmed", ""),
        expired.pk: (expired.refunded_fen + price, "refunded", ""),
    }
    # when the migration runs, twice
    for _run in range(2):
        migration.count_coupon_refunds_on_orders(apps, None)
    # then each order counts its coupon's refund once
    for order in orders:
        order.refresh_from_db()
        assert (order.refunded_fen, order.status, order.cancel_reason) == expected[
            order.pk
        ], order
    assert by_shop.refund_reason == "Closed."
    assert by_shop.refunded_fen == by_shop.payment_intent.refunded_fen


def test_a_team_places_refund_refunds_its_order_and_releases_the_place(
    django_capture_on_commit_callbacks,
):
    from groupbuy.teams.models import TeamMember
    from groupbuy.teams.services import team_open
    from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

    # given a team place bought alone, its coupon issued
    member = team_open(actor=make_user(), team_deal=make_team_deal(), solo=True)
    with django_capture_on_commit_callbacks(execute=True):
        pay(member)
    order = member.order
    order.refresh_from_db()
    assert order.status == "confirmed"
    before = order.refunded_fen
    # when its shopper refunds the coupon
    refund = coupon_refund_unused(actor=order.shopper, coupon=coupon_for(order))
    # then the order counts the refund and, its one unit refunded, is refunded,
    # the team app releasing the place (until 2026-12-06 both stayed
    # confirmed)
    order.refresh_from_db()
    member.refresh_from_db()
    assert order.refunded_fen == before + refund.amount_fen
    assert order.status == "refunded"
    assert member.status == TeamMember.Status.REFUNDED
