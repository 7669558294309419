"""The settlement statement's PDF and CSV from the API, as its page gives them,
for the shop's owners only."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import auth

pytestmark = pytest.mark.django_db


def _shop_with_a_redemption():
    station = make_station(owner=make_user(preferred_language="en"))
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=2,
    )
    return station, coupon_for(order)


def test_an_owner_downloads_the_statement_as_pdf_and_csv(client):
    # given a shop with a coupon redeemed this month
    station, coupon = _shop_with_a_redemption()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/statement"
    # when its owner asks the API for the statement's files
    pdf = client.get(f"{url}.pdf", headers=auth(station.owner))
    csv = client.get(f"{url}.csv", headers=auth(station.owner))
    # then they are the page's PDF and CSV, named after the shop and the period
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert coupon.serial in csv.content.decode()
    assert csv.content.decode().splitlines()[1].startswith("Redemption,")
    assert (
        f'filename="statement-{station.merchant.public_id}-'
        in (pdf["Content-Disposition"])
    )
    assert csv["Content-Disposition"].endswith('.csv"')


def test_a_statement_file_of_days_that_cannot_be_read_is_a_400(client):
    # given a shop's owner
    station, _ = _shop_with_a_redemption()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/statement.pdf"
    # when they ask for a PDF of a day that does not exist, or a reversed period
    bad_day = client.get(f"{url}?start=2026-11-31", headers=auth(station.owner))
    reversed_days = client.get(
        f"{url}?start=2026-11-30&end=2026-11-01", headers=auth(station.owner)
    )
    # then each is a 400 saying which day, never a file
    assert bad_day.status_code == 400
    assert bad_day.json()["code"] == "invalid_date"
    assert list(bad_day.json()["fields"]) == ["start"]
    assert reversed_days.status_code == 400
    assert reversed_days.json()["fields"] == {
        "end": ["The end date is before the start date."]
    }


@pytest.mark.parametrize("extension", ["pdf", "csv"])
def test_cashiers_other_shops_and_shoppers_get_no_statement_file(client, extension):
    # given a shop with its cashier, another shop's owner and a shopper
    station, _ = _shop_with_a_redemption()
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    other_owner = make_station(name="Other Mart").owner
    shopper = make_user()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/statement.{extension}"
    # when each asks for the shop's statement file
    answers = {
        who: client.get(url, headers=auth(user))
        for who, user in (
            ("cashier", cashier),
            ("other shop", other_owner),
            ("shopper", shopper),
        )
    }
    # then none gets it
    assert {who: answer.status_code for who, answer in answers.items()} == {
        "cashier": 403,
        "other shop": 403,
        "shopper": 403,
    }
    assert all(b"%PDF" not in answer.content for answer in answers.values())
