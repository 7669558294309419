"""A coupon refunded in part says so wherever its shopper (and a till clerk
reading its printout) looks: the printable coupon, My coupons, the coupon's
page and the API a shopper's app reads. Nobody else sees its refunds."""

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.money import format_fen
from groupbuy.coupons import pdfs
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
)
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db
REASON = "Two boxes arrived damaged"


@pytest.fixture
def refunded_in_part():
    """A 5-unit coupon: 1 redeemed, 1 refunded by its shopper, 2 by the shop
    (with a reason); 1 left for the till. Its shopper reads English."""
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(5,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, quantity=1
    )
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON, units=2
    )
    return station, order, coupon_for(order)


def _pdf_lines(monkeypatch) -> list[str]:
    lines = []
    monkeypatch.setattr(pdfs, "_line", lambda pdf, text, **kw: lines.append(text))
    return lines


def test_the_printable_coupon_says_the_units_left_and_those_refunded(
    refunded_in_part, monkeypatch
):
    # given a 5-unit coupon with 1 unit left after 3 refunded and 1 redeemed
    _station, _order, coupon = refunded_in_part
    lines = _pdf_lines(monkeypatch)
    # when it is printed
    pdfs.coupon_pdf(coupon, branches=[])
    # then a till clerk reading the paper sees how many units it still holds,
    # not only the five it was issued for
    assert f"Serial {coupon.serial} · 5 units" in lines
    assert "Usable now: 1 of 5 units" in lines
    assert "3 units were refunded and cannot be redeemed." in lines


def test_an_untouched_coupon_says_nothing_of_refunds(client, monkeypatch):
    # given a coupon none of whose units was used or refunded
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    lines = _pdf_lines(monkeypatch)
    client.force_login(order.shopper)
    # when it is printed, and its page and My coupons are opened
    pdfs.coupon_pdf(coupon, branches=[])
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    listing = client.get("/coupons/").content.decode()
    # then none says anything of units left or refunded
    assert not any(line.startswith("Usable now") for line in lines)
    assert not any("refunded" in line for line in lines)
    assert 'id="coupon-refunds"' not in page and "Units refunded" not in page
    assert 'id="coupon-refunded-summary"' not in page
    assert "refunded" not in listing


def test_my_coupons_says_how_much_of_a_coupon_was_refunded(client, refunded_in_part):
    # given the coupon refunded in part
    _station, order, coupon = refunded_in_part
    back = format_fen(3 * coupon.unit_price_fen)
    client.force_login(order.shopper)
    # when its shopper opens My coupons
    page = client.get("/coupons/").content.decode()
    # then its row says what was refunded, the money back and the units left
    assert f"3 of 5 units refunded, {back} back" in page
    assert "1 left" in page


def test_the_coupon_page_lists_each_refund_and_who_made_it(client, refunded_in_part):
    # given the coupon refunded in part, once by its shopper, once by the shop
    _station, order, coupon = refunded_in_part
    price = coupon.unit_price_fen
    client.force_login(order.shopper)
    # when its shopper opens its page
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    # then it sums the refunds up and lists each: units, amount, who, why
    assert f"3 of 5 units refunded, {format_fen(3 * price)} back" in page
    refunds = page.split('id="coupon-refunds"', 1)[1].split("</ul>", 1)[0]
    assert f"1 unit refunded: {format_fen(price)}" in refunds
    assert "You refunded it" in refunds
    assert f"2 units refunded: {format_fen(2 * price)}" in refunds
    assert f"The shop refunded it: {REASON}" in refunds
    assert refunds.count("<time") == 2
    assert 'id="coupon-left"' in page and "1 left" in page


def test_a_coupon_refunded_to_its_last_unit_lists_every_refund(client):
    # given a 3-unit coupon refunded 1 unit, then the 2 left
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    coupon_refund_unused(actor=order.shopper, coupon=coupon)
    client.force_login(order.shopper)
    page = client.get(f"/coupons/{coupon.public_id}/").content.decode()
    # then both refunds are listed, and all 3 units said refunded
    refunds = page.split('id="coupon-refunds"', 1)[1].split("</ul>", 1)[0]
    assert refunds.count("<time") == 2
    back = format_fen(3 * coupon.unit_price_fen)
    assert f"3 of 3 units refunded, {back} back" in page


def _api(client, user, path):
    _token, secret = api_token_create(actor=user)
    return client.get(path, headers={"Authorization": f"Bearer {secret}"})


def test_the_api_gives_the_shopper_each_refund_and_who_made_it(
    client, refunded_in_part
):
    # given the coupon refunded in part
    _station, order, coupon = refunded_in_part
    price = coupon.unit_price_fen
    # when the shopper's app reads the coupon and the list of coupons
    detail = _api(client, order.shopper, f"/api/coupons/{coupon.public_id}").json()
    [listed] = _api(client, order.shopper, "/api/coupons/mine").json()["items"]
    # then both give the units refunded, the money back and each refund
    for answer in (detail, listed):
        assert (
            answer["quantity"],
            answer["refunded_quantity"],
            answer["refunded_fen"],
            answer["remaining_quantity"],
        ) == (5, 3, 3 * price, 1)
        assert [
            (r["quantity"], r["amount_fen"], r["refunded_by"], r["reason"])
            for r in answer["refunds"]
        ] == [(1, price, "shopper", ""), (2, 2 * price, "shop", REASON)]


def test_the_api_document_names_who_refunded_as_an_enum(client):
    document = client.get("/api/openapi.json").json()
    refund = document["components"]["schemas"]["CouponRefundOut"]
    assert refund["properties"]["refunded_by"]["enum"] == ["shopper", "shop"]
    assert refund["properties"]["outcome"]["enum"] == ["refunded", "taken_back"]
    assert "refunded_fen" in document["components"]["schemas"]["CouponOut"]["required"]


def test_nobody_else_sees_a_coupons_refunds(client, refunded_in_part):
    # given the coupon refunded in part, another shopper, the shop's own
    # cashier and another shop's owner and cashier
    station, _order, coupon = refunded_in_part
    other = make_station(name="Other shop")
    outsiders = [
        make_user(),
        make_merchant_member(merchant=station.merchant, role="cashier").user,
        other.owner,
        make_merchant_member(merchant=other.merchant, role="cashier").user,
    ]
    for outsider in outsiders:
        # when each asks for the coupon: its page, its printout, the API
        client.force_login(outsider)
        page = client.get(f"/coupons/{coupon.public_id}/")
        pdf = client.get(f"/coupons/{coupon.public_id}/coupon.pdf")
        listing = client.get("/coupons/").content.decode()
        answer = _api(client, outsider, f"/api/coupons/{coupon.public_id}")
        mine = _api(client, outsider, "/api/coupons/mine").json()
        # then none of them sees it or its refunds
        assert (page.status_code, pdf.status_code) == (404, 404)
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
        assert coupon.public_id not in listing and REASON not in listing
        assert mine["items"] == []
