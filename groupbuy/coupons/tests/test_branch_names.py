"""What the till, the console, the statement, the coupon and its API tell a
person name a branch in their language: its English name in English when it
has one, else its Chinese name. Stored words (the CSV export) stay as stored."""

import pytest
from django.utils import translation

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Branch
from groupbuy.coupons import pdfs
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.services import coupon_redeem_online
from groupbuy.coupons.services.redeeming.branches import redeeming_branch
from groupbuy.coupons.services.redeeming.refusals import (
    already_redeemed_message,
    branch_closed_refusal,
)
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)

# one_database: which of a branch's two stored names a reader sees is chosen in
# Python; the rows come through services whose own tests run on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

LANGUAGES = pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "East Gate", "东门店"), ("zh-hans", "东门店", "East Gate")],
)


def _east_gate(merchant) -> Branch:
    return Branch.objects.create(
        merchant=merchant,
        name="东门店",
        name_en="East Gate",
        address="1 Road",
        latitude=31.2,
        longitude=121.4,
    )


def _redeemed_at_east_gate():
    """A shop whose coupon was redeemed (one of two units) at East Gate."""
    station = make_station()
    east = _east_gate(station.merchant)
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, branch=east
    )
    return station, east, coupon


@LANGUAGES
def test_the_tills_refusals_name_the_branch_as_read(language, shown, hidden):
    # given East Gate and another branch of a shop
    station = make_station()
    east = _east_gate(station.merchant)
    west = Branch.objects.create(
        merchant=station.merchant, name="西门店", name_en="West Gate", address="2 Rd"
    )
    # when the till is refused there, read in the language
    with translation.override(language):
        closed = branch_closed_refusal(east).message
        with pytest.raises(CouponError) as elsewhere:
            redeeming_branch(limit=east, branch=west)
    # then each names East Gate as read
    for message in (closed, elsewhere.value.message):
        assert shown in message
        assert hidden not in message


@LANGUAGES
def test_a_used_coupon_says_where_as_read(language, shown, hidden):
    # given a coupon used up at East Gate
    station, east, coupon = _redeemed_at_east_gate()
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon.code, branch=east
    )
    # when someone is told it was used, in the language
    with translation.override(language):
        message = already_redeemed_message(coupon)
    # then
    assert shown in message
    assert hidden not in message


@LANGUAGES
def test_the_console_and_statement_name_the_branch_as_read(
    client, language, shown, hidden
):
    # given a redemption at East Gate
    station, _east, _coupon = _redeemed_at_east_gate()
    station.owner.preferred_language = language
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    base = f"/coupons/merchant/{station.merchant.public_id}"
    # when the owner reads the console and the statement in the language
    for url in (f"{base}/", f"{base}/statement/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        # then the branch is named as read
        assert page.status_code == 200
        content = page.content.decode()
        assert shown in content, url
        assert hidden not in content, url


@LANGUAGES
def test_the_printed_coupon_names_the_branch_as_read(
    monkeypatch, language, shown, hidden
):
    # given a coupon redeemable at East Gate
    station = make_station()
    east = _east_gate(station.merchant)
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    lines = []
    monkeypatch.setattr(pdfs, "_line", lambda pdf, text, **kw: lines.append(text))
    # when it is printed in the language
    with translation.override(language):
        pdfs.coupon_pdf(coupon_for(order), branches=[east])
    # then where to redeem names East Gate as read
    printed = "\n".join(lines)
    assert shown in printed
    assert hidden not in printed


@LANGUAGES
def test_the_coupon_api_names_where_it_was_used_as_read(
    client, language, shown, hidden
):
    # given a coupon half used at East Gate
    _station, _east, coupon = _redeemed_at_east_gate()
    shopper = coupon.order.shopper
    shopper.preferred_language = language
    shopper.save(update_fields=["preferred_language"])
    _token, secret = api_token_create(actor=shopper)
    # when its shopper reads it through the API in the language
    answer = client.get(
        f"/api/coupons/{coupon.public_id}",
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
    )
    # then where it was used is named as read
    assert answer.status_code == 200
    assert [r["branch_name"] for r in answer.json()["redemptions"]] == [shown]
