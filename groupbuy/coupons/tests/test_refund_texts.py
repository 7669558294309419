"""What a refunded coupon reads: on its page, in the list, on "My money"."""

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from groupbuy.coupons.services import coupon_refund_unused, coupon_revoke
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station
from groupbuy.escrow.models import PaymentIntent

# one_database: what pages say of a coupon (as conftest.py's page modules); the
# refunds and revocations behind them have their own tests on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _english(order):
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    return order.shopper


def test_the_symbol_links_name_data_matrix_as_written(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(_english(order))
    page = client.get(f"/coupons/{coupon_for(order).public_id}/").content.decode()
    assert ">Data Matrix</a>" in page
    assert "DATAMATRIX" not in page
    assert ">QR code</a>" in page and ">PDF417</a>" in page
    # and the picture download says what it does, not its file type
    assert 'id="coupon-png">Save picture</a>' in page


def test_the_symbol_links_are_translated(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    client.force_login(order.shopper)
    with translation.override("zh-hans"):
        expected = [
            pgettext("coupon code format", "QR code"),
            pgettext("coupon code format", "PDF417"),
            pgettext("coupon code format", "Data Matrix"),
            gettext("Save picture"),
        ]
    order.shopper.preferred_language = "zh-hans"
    order.shopper.save(update_fields=["preferred_language"])
    page = client.get(f"/coupons/{coupon_for(order).public_id}/").content.decode()
    formats = page.split('id="coupon-formats">', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r">([^<]+)</a>", formats)
    assert links[:4] == expected


def test_a_refunded_coupon_says_refunded_and_when_not_revoked_and_valid_until(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    shopper = _english(order)
    refund = coupon_refund_unused(actor=shopper, coupon=coupon)
    client.force_login(shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    day = timezone.localtime(refund.refunded_at).strftime("%Y-%m-%d")
    amount = f"¥{refund.amount_fen / 100:,.2f}"
    status = re.search(r'id="coupon-status">([^<]*)<', page).group(1)
    assert status == f"Refunded {amount} on {day}"
    assert "Valid until" not in page and "Revoked" not in page
    listing = client.get("/coupons/").content.decode()
    assert f"Refunded {amount} on {day}" in listing and "Revoked" not in listing


def test_a_coupon_revoked_for_another_reason_still_reads_revoked(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    coupon = coupon_for(order)
    coupon_revoke(actor=None, coupon=coupon, reason="order cancelled")
    client.force_login(_english(order))
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    assert re.search(r'id="coupon-status">Revoked<', page)
    assert "Refunded" not in page


def test_my_money_names_a_returned_team_coupon_by_its_deal_not_its_order_id(client):
    # a team's order is a deal order paid by its member's intent (teams.member),
    # whose purpose names no earning: the returned coupon read the bare "ord_…"
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    PaymentIntent.objects.filter(reference=order.public_id).update(
        purpose="teams.member", description=f"1 × {order.deal.title}"
    )
    shopper = _english(order)
    coupon_refund_unused(actor=shopper, coupon=coupon_for(order))
    client.force_login(shopper)
    page = client.get("/money/").content.decode()
    descriptions = re.findall(r'<span class="muted small">([^<]*)</span>', page)
    returned = [d for d in descriptions if order.public_id in d]
    assert returned, descriptions
    assert all(order.deal.title in d for d in returned), returned
