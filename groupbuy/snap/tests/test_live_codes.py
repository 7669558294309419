"""Codes read from the live camera in the browser: looked up like a snap of them,
with no photo; only product barcodes with a valid check digit and our deal links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_product, make_user
from groupbuy.snap.models import DemandRequest, Snap
from groupbuy.snap.tests.helpers import make_open_deal

pytestmark = pytest.mark.django_db


def post_code(client: Client, text: str, code_format: str = "ean_13"):
    return client.post(
        "/api/snap/codes",
        {"format": code_format, "text": text},
        content_type="application/json",
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_live_read_barcode_answers_its_deals_without_a_photo():
    # given a product with an open deal
    product = make_product(name_en="Oolong tea")
    deal = make_open_deal(product, deadline_in=timedelta(days=1))
    # when the camera reads its barcode
    response = post_code(Client(), product.gtin)
    # then the answer is the product and its deal, sure enough not to ask
    answer = response.json()
    assert response.status_code == 200, answer
    assert answer["product"]["id"] == product.public_id
    assert [d["id"] for d in answer["deals"]] == [deal.public_id]
    assert answer["status"] == "recognised" and answer["alternatives"] == []
    snap = Snap.objects.get(public_id=answer["id"])
    assert (snap.method, bool(snap.photo)) == ("barcode", False)
    assert snap.result["candidates"][0]["detail"]["attempt"] == "live"


def test_a_signed_in_live_read_counts_as_demand_when_no_deal_is_open():
    product = make_product()
    shopper = make_user()
    answer = post_code(signed_in(shopper), product.gtin).json()
    assert answer["demand"]["counted"] is True
    assert DemandRequest.objects.get(user=shopper).signal.product == product


def test_a_qr_code_of_a_deal_link_opens_that_deal():
    deal = make_open_deal(make_product(), deadline_in=timedelta(days=1))
    text = f"https://shop.example.com/deals/{deal.public_id}/"
    answer = post_code(Client(), text, "qr_code").json()
    assert [d["id"] for d in answer["deals"]] == [deal.public_id]


@pytest.mark.parametrize(
    ("text", "code_format", "code"),
    [
        ("6901234567893", "ean_13", "unknown_code"),  # check digit wrong
        ("https://example.com/", "qr_code", "unknown_code"),
        ("", "ean_13", "unknown_code"),
        ("6901234567892", "aztec", "unsupported_format"),
    ],
)
def test_what_is_not_a_product_code_is_a_clear_422_and_stores_nothing(
    text, code_format, code
):
    response = post_code(Client(), text, code_format)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert not Snap.objects.exists()


def test_the_snap_page_answers_a_live_read_with_the_result_fragment(client):
    product = make_product(name_en="Oolong tea")
    deal = make_open_deal(product, deadline_in=timedelta(days=1))
    response = client.post(
        "/snap/code/",
        {"format": "ean_13", "text": product.gtin},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert deal.public_id in html and "<html" not in html
