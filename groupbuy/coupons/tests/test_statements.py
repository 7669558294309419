"""Settlement statements list every redemption and conflict of the period."""

import csv
import io

import pytest
from django.test import override_settings

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for, make_station

pytestmark = pytest.mark.django_db


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=300)
def test_the_statement_totals_redemptions_less_the_fee(client):
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 2))
    for order in (one, two):
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=coupon_for(order).code
        )
    client.force_login(station.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    page = client.get(url)
    assert page.status_code == 200
    assert coupon_for(two).serial.encode() in page.content
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode()))
    )
    total = 3 * 9_900
    fee = 297 + 594  # 3 % of 99.00 and of 198.00
    assert rows[-1][:7] == ["total", "", "", "", "", str(total), str(fee)]
    assert len(rows) == 4  # header, two redemptions, total
    _token, secret = api_token_create(actor=station.owner)
    body = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert (body["redeemed_fen"], body["fee_fen"], body["net_fen"]) == (
        total,
        fee,
        total - fee,
    )


def test_other_merchants_cannot_read_the_statement(client):
    station, other = make_station(), make_station(name="Other shop")
    client.force_login(other.owner)
    url = f"/coupons/merchant/{station.merchant.public_id}/statement/"
    assert client.get(url).status_code == 403
    _token, secret = api_token_create(actor=other.owner)
    response = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 403
