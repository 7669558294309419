"""The online scan path stays cheap: cached keys, few queries, no drawing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons import codec, pdfs, symbols
from groupbuy.coupons.models import PlatformKey
from groupbuy.coupons.services import coupon_redeem_online, platform_key_rotate
from groupbuy.coupons.services import keys as key_service
from groupbuy.coupons.services.keys import platform as platform_keys
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db


def redeem_counting_queries(station, coupon) -> list[str]:
    code = coupon.code
    with CaptureQueriesContext(connection) as queries:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=code, quantity=1
        )
    return [query["sql"] for query in queries.captured_queries]


def coupons_queries(sql: list[str]) -> list[str]:
    """The queries the coupons app makes itself (escrow's settlement aside)."""
    return [
        q
        for q in sql
        if "escrow_" not in q
        and "core_auditentry" not in q
        and not q.startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_a_scan_makes_a_fixed_small_number_of_queries_however_many_keys():
    # given a merchant with coupons, the platform keys already read once
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(2, 2))
    redeem_counting_queries(station, coupon_for(one))  # accounts made, keys read
    before = redeem_counting_queries(station, coupon_for(one))
    # when the keys are rotated twice more and another coupon is scanned
    operator = make_user(is_staff=True)
    platform_key_rotate(actor=operator)
    platform_key_rotate(actor=operator)
    redeem_counting_queries(station, coupon_for(two))  # reads the new keys once
    again = redeem_counting_queries(station, coupon_for(two))
    # then a scan is: staff check, the shop's open branches (naming none, it
    # is at the only one), coupon (with order, deal, shopper), take the units,
    # lock the branch, record the redemption, read the coupon back; no key
    # lookup
    assert len(coupons_queries(again)) == 7, coupons_queries(again)
    assert len(again) == len(before)
    assert not [q for q in again if "coupons_platformkey" in q]
    assert not [q for q in again if q.startswith('SELECT "deals_')]


def test_platform_keys_are_read_once_per_process_until_they_change():
    # given the keys were read
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon_for(order).code,
        quantity=1,
    )
    with CaptureQueriesContext(connection) as queries:
        key_service.platform_keys_cached()
    assert queries.captured_queries == []
    # when an operator revokes a retired key, the next read sees it at once
    operator = make_user(is_staff=True)
    platform_key_rotate(actor=operator)
    old = PlatformKey.objects.get(pk=coupon_for(order).platform_key_id)
    key_service.platform_key_revoke(actor=operator, key=old)
    assert old.key_id not in [row[0] for row in key_service.platform_keys_cached()]
    with pytest.raises(Exception) as refused:
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon_for(order).code,
            quantity=1,
        )
    assert refused.value.code == codec.CodeError.UNKNOWN_KEY


def test_a_key_made_by_another_process_is_found_on_first_use(monkeypatch):
    # given this process holds the keys and misses the change stamp
    station = make_station()
    (before,) = confirmed_orders(station.merchant, quantities=(1,))
    key_service.platform_keys_cached()
    monkeypatch.setattr(platform_keys, "platform_keys_changed_on_commit", lambda: None)
    platform_key_rotate(actor=None)  # as if in another process
    monkeypatch.undo()
    (after,) = confirmed_orders(station.merchant, quantities=(1,))
    # when a coupon signed by the new key is scanned, it verifies
    redemption = coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=coupon_for(after).code
    )
    assert redemption.coupon == coupon_for(after)
    assert coupon_for(before).platform_key != coupon_for(after).platform_key


def test_scanning_draws_no_code_and_no_pdf(client, monkeypatch):
    # given drawing anything fails loudly
    def never(*args, **kwargs):
        raise AssertionError("drawn on the scan path")

    for module, name in [
        (symbols, "png"),
        (symbols, "svg"),
        (symbols, "qr"),
        (pdfs, "coupon_pdf"),
        (pdfs, "statement_pdf"),
    ]:
        monkeypatch.setattr(module, name, never)
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    merchant_id = station.merchant.public_id
    # when the till redeems through the API and through the console
    _token, secret = api_token_create(actor=station.owner)
    api = client.post(
        f"/api/coupons/merchants/{merchant_id}/redeem",
        {"code": coupon_for(one).code},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    client.force_login(station.owner)
    page = client.post(
        f"/coupons/merchant/{merchant_id}/redeem/", {"code": coupon_for(two).code}
    )
    # then both redeem
    assert api.status_code == 200, api.content
    assert page.status_code == 302
    assert coupon_for(one).status == coupon_for(two).status == "redeemed"
