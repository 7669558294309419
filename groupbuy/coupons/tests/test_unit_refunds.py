"""Refunding some of a coupon's unused units, by its shopper or its shop: the
coupon keeps the rest for the till, and no till (online or, after its next
sync, offline) takes the units refunded."""

import json
from collections import Counter

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import CouponRefund
from groupbuy.coupons.services import (
    coupon_redeem_online,
    coupon_refund_by_merchant,
    coupon_refund_unused,
    coupons_expire_due,
    merchant_key_generate,
)
from groupbuy.coupons.station import cli, core, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    assert_ledger_balanced,
    balance_of,
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.deals.tests.racing import race
from groupbuy.escrow.models import Refund
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
REASON = "Two boxes arrived damaged"
KEY = "refund-key-0000000001"


def _refused(code: str, call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as refusal:
        call(**kwargs)
    assert refusal.value.code == code, refusal.value.message
    return refusal.value


def _redeem(station, coupon, quantity):
    return coupon_redeem_online(
        actor=station.owner,
        merchant=station.merchant,
        code=coupon.code,
        quantity=quantity,
    )


def test_a_shopper_refunds_one_of_three_unused_units_and_keeps_the_rest(
    django_capture_on_commit_callbacks,
):
    # given a 5-unit coupon, 2 used at the till
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(5,))
    coupon = coupon_for(order)
    _redeem(station, coupon, 2)
    price = order.final_unit_price_fen
    pending = balance_of("merchant_pending", merchant=station.merchant)
    # when its shopper refunds 1 unit, twice with the same key (a double tap)
    with django_capture_on_commit_callbacks(execute=True):
        refund = coupon_refund_unused(
            actor=order.shopper, coupon=coupon, units=1, idempotency_key=KEY
        )
        again = coupon_refund_unused(
            actor=order.shopper, coupon=coupon, units=1, idempotency_key=KEY
        )
    # then 1 unit's price goes back once, and the coupon stays valid for 2
    assert again == refund
    assert (refund.quantity, refund.amount_fen, refund.outcome) == (
        1,
        price,
        "refunded",
    )
    assert Refund.objects.get().amount_fen == price
    assert balance_of("merchant_pending", merchant=station.merchant) == pending - price
    coupon = coupon_for(order)
    assert (coupon.status, coupon.refunded_quantity, coupon.remaining_quantity) == (
        "valid",
        1,
        2,
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == ("confirmed", price)
    assert_ledger_balanced()
    assert_shoppers_money_adds_up(order.shopper)
    # and the till takes the 2 units left, not a third
    _refused("not_enough_left", _redeem, station=station, coupon=coupon, quantity=3)
    _redeem(station, coupon, 2)
    assert coupon_for(order).status == "redeemed"


def test_the_same_key_for_other_units_is_refused_and_more_than_left_changes_nothing():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_refund_unused(
        actor=order.shopper, coupon=coupon, units=1, idempotency_key=KEY
    )
    _refused(
        "idempotency_key_reused",
        coupon_refund_unused,
        actor=order.shopper,
        coupon=coupon,
        units=2,
        idempotency_key=KEY,
    )
    refusal = _refused(
        "more_than_left",
        coupon_refund_unused,
        actor=order.shopper,
        coupon=coupon,
        units=3,
    )
    assert refusal.status == 409 and "2 unused units left" in refusal.message
    _refused(
        "invalid", coupon_refund_unused, actor=order.shopper, coupon=coupon, units=0
    )
    assert CouponRefund.objects.count() == 1
    assert coupon_for(order).refunded_quantity == 1
    assert Refund.objects.count() == 1


def test_refunding_the_last_units_one_at_a_time_revokes_the_coupon_and_the_order():
    # given a 2-unit coupon of a deal that paid the shop when it closed
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(2,), settlement_mode="on_close"
    )
    coupon = coupon_for(order)
    payable = balance_of("merchant_payable", merchant=station.merchant)
    # when its units are refunded one at a time
    first = coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    assert coupon_for(order).status == "valid"
    second = coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    # then each is taken back under its own key, and the coupon is revoked
    assert [r.escrow_key for r in (first, second)] == [
        f"coupons.refund_unused:{coupon.serial}",
        f"coupons.refund_unused:{coupon.serial}:2",
    ]
    assert {first.outcome, second.outcome} == {"taken_back"}
    assert balance_of("merchant_payable", merchant=station.merchant) < payable
    coupon = coupon_for(order)
    assert (coupon.status, coupon.remaining_quantity) == ("revoked", 0)
    assert coupon.refund == second
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (
        "refunded",
        2 * order.final_unit_price_fen,
    )
    # and asking for "all that is left" again answers the last refund
    assert coupon_refund_unused(actor=order.shopper, coupon=coupon) == second
    assert_ledger_balanced()


def test_an_expiry_after_a_refund_of_some_units_settles_only_the_rest(settings):
    from datetime import timedelta

    from django.utils import timezone

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    coupons_expire_due(now=coupon.expires_at + timedelta(minutes=1))
    coupon = coupon_for(order)
    assert (coupon.status, coupon.expiry.quantity) == ("expired", 2)
    order.refresh_from_db()
    # every unit went back (1 refunded, 2 expired under "refund the shopper")
    assert (order.status, order.refunded_fen) == (
        "refunded",
        3 * order.final_unit_price_fen,
    )
    assert timezone.now() < coupon.expires_at
    assert_ledger_balanced()


def test_the_shop_refunds_some_units_with_a_reason_and_the_shopper_is_told():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(5,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    refund = coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON, units=2
    )
    assert (refund.quantity, refund.refunded_by, refund.reason) == (
        2,
        station.owner,
        REASON,
    )
    assert coupon_for(order).remaining_quantity == 3
    told = Notification.objects.get(kind="coupons.refunded_by_merchant")
    assert "keeps 3 units for the till" in told.body
    assert REASON in told.body
    assert "no longer works" not in told.body
    # a second refund of the shop tells the shopper again
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON, units=3
    )
    assert Notification.objects.filter(kind="coupons.refunded_by_merchant").count() == 2
    assert coupon_for(order).status == "revoked"


def test_only_the_shopper_and_the_shops_owners_refund_some_units():
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    cashier = make_merchant_member(merchant=station.merchant, role="cashier").user
    for outsider in (make_user(), other.owner, station.owner, cashier):
        _refused(
            "not_found",
            coupon_refund_unused,
            actor=outsider,
            coupon=coupon,
            units=1,
        )
    for outsider in (make_user(), other.owner, cashier, order.shopper):
        _refused(
            "forbidden",
            coupon_refund_by_merchant,
            actor=outsider,
            coupon=coupon,
            reason=REASON,
            units=1,
        )
    assert not CouponRefund.objects.exists()
    assert coupon_for(order).refunded_quantity == 0


def _call(client, user, path, body, **headers):
    _token, secret = api_token_create(actor=user)
    return client.post(
        path,
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}", **headers},
    )


def test_the_api_refunds_some_units_for_the_shopper_and_refuses_outsiders(client):
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    path = f"/api/coupons/{coupon.public_id}/refund-units"
    for outsider in (make_user(), other.owner, station.owner):
        answer = _call(client, outsider, path, {"units": 1})
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    body = _call(
        client, order.shopper, path, {"units": 1}, **{"Idempotency-Key": KEY}
    ).json()
    price = order.final_unit_price_fen
    assert (body["status"], body["refunded_quantity"], body["remaining_quantity"]) == (
        "valid",
        1,
        2,
    )
    assert body["refund"] is None
    assert [(r["quantity"], r["amount_fen"]) for r in body["refunds"]] == [(1, price)]
    assert body["refundable_fen"] == 2 * price
    # the same key again answers the same, and more than left is a 409
    again = _call(client, order.shopper, path, {"units": 1}, **{"Idempotency-Key": KEY})
    assert again.json()["refunds"] == body["refunds"]
    too_many = _call(client, order.shopper, path, {"units": 3})
    assert (too_many.status_code, too_many.json()["code"]) == (409, "more_than_left")
    assert _call(client, order.shopper, path, {"units": 0}).status_code == 422
    assert Refund.objects.count() == 1


def test_the_api_refunds_some_units_for_the_shops_owners_only(client):
    station, other = make_station(), make_station(name="Other")
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    path = (
        f"/api/coupons/merchants/{station.merchant.public_id}/coupons/"
        f"{coupon.public_id}/refund-units"
    )
    cashier = make_merchant_member(merchant=station.merchant, role="cashier").user
    for outsider in (make_user(), other.owner, cashier, order.shopper):
        answer = _call(client, outsider, path, {"units": 1, "reason": REASON})
        assert answer.status_code == 403, outsider
    # another shop's owner under their own shop: no such coupon there
    own = path.replace(station.merchant.public_id, other.merchant.public_id)
    assert (
        _call(client, other.owner, own, {"units": 1, "reason": REASON}).status_code
        == 404
    )
    answer = _call(
        client,
        station.owner,
        path,
        {"units": 2, "reason": REASON, "idempotency_key": KEY},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["quantity"], body["units_left"], body["reason"]) == (2, 1, REASON)
    blank = _call(client, station.owner, path, {"units": 1, "reason": "   "})
    assert (blank.status_code, blank.json()["code"]) == (400, "invalid")
    assert CouponRefund.objects.count() == 1


@pytest.mark.parametrize("units", ["1", True, 1.0])
def test_units_that_are_not_a_json_integer_refund_nothing(client, units):
    # given a shopper's coupon and its shop's owner
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    mine = f"/api/coupons/{coupon.public_id}/refund-units"
    shops = (
        f"/api/coupons/merchants/{station.merchant.public_id}/coupons/"
        f"{coupon.public_id}/refund-units"
    )
    # when either sends units as lax parsing read a number
    answers = [
        _call(client, order.shopper, mine, {"units": units}),
        _call(client, station.owner, shops, {"units": units, "reason": REASON}),
    ]
    # then both are refused naming the field, and nothing is refunded
    for answer in answers:
        assert (answer.status_code, answer.json()["code"]) == (422, "invalid")
        assert list(answer.json()["fields"]) == ["units"]
    assert not CouponRefund.objects.exists()
    assert Refund.objects.count() == 0


def test_the_coupon_page_refunds_some_units_and_lists_them(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    order.shopper.preferred_language = "en"
    order.shopper.save(update_fields=["preferred_language"])
    coupon = coupon_for(order)
    client.force_login(order.shopper)
    detail = f"/coupons/{coupon.public_id}/"
    confirm = client.get(f"{detail}refund/").content.decode()
    assert "Refund only some units" in confirm
    form = {"units": "2", "idempotency_key": KEY}
    answer = client.post(f"{detail}refund/", form, follow=True)
    page = answer.content.decode()
    assert "the coupon still holds 1 unit for the till" in page
    assert "2 units refunded:" in page and 'id="coupon-refunds"' in page
    assert 'id="coupon-qr"' in page  # the code still works for the unit left
    # the form sent again refunds nothing more
    client.post(f"{detail}refund/", form)
    assert CouponRefund.objects.count() == 1
    # and a number that is not one says why, never a 500
    bad = client.post(f"{detail}refund/", {"units": "two"})
    assert bad.status_code == 400


def test_the_owners_order_list_refunds_some_units(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    orders = f"/merchant/{station.merchant.public_id}/orders/"
    action = (
        f"/coupons/merchant/{station.merchant.public_id}/coupons/"
        f"{coupon.public_id}/refund/"
    )
    assert (
        f'id="coupon-refund-units-{coupon.public_id}"'
        in client.get(orders).content.decode()
    )
    answer = client.post(
        action, {"reason": REASON, "units": "1", "next": orders}, follow=True
    )
    assert "whose coupon keeps 2 units for the till" in answer.content.decode()
    assert coupon_for(order).remaining_quantity == 2


@pytest.fixture
def english_station():
    texts.use_language("en")
    yield
    texts.use_language("en")


def test_an_offline_station_takes_no_refunded_unit_after_its_next_sync(
    client, tmp_path, english_station, capsys
):
    # given a station set up with the shop's key, and a 3-unit coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    _key, key_file = merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    ledger = Ledger(tmp_path / "station")
    ledger.set(merchant_id=station.merchant.public_id, registered=1)
    core.import_key_file(ledger, json.loads(key_file), station.merchant.public_id)
    _token, secret = api_token_create(actor=station.owner)

    def sync():
        answer = client.get(
            f"/api/coupons/merchants/{station.merchant.public_id}/sync",
            {"unit_refunds_after": ledger.get("unit_refunds_cursor", "0")},
            headers={"Authorization": f"Bearer {secret}"},
        )
        core.apply_sync(ledger, answer.json())
        return answer.json()

    sync()
    coupon = coupon_for(order)
    # when its shopper refunds 2 units and the station syncs
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=2)
    synced = sync()
    assert [(r["serial"], r["units"]) for r in synced["unit_refunds"]] == [
        (coupon.serial, 2)
    ]
    # then the station takes the one unit left, not two
    refused = core.redeem(ledger, coupon.code, quantity=2)
    assert (refused.accepted, refused.code) == (False, "not_enough_left")
    assert core.redeem(ledger, coupon.code, quantity=1).accepted
    assert not core.redeem(ledger, coupon.code, quantity=1).accepted
    # and a sync with nothing new keeps what it learnt, its status saying how
    # far it has read
    assert sync()["unit_refunds"] == []
    assert ledger.refunded_units(coupon.serial) == 2
    capsys.readouterr()
    cli.cmd_status(ledger, None)
    status = json.loads(capsys.readouterr().out)
    assert status["unit_refunds_cursor"] == synced["unit_refunds_cursor"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_refund_and_the_till_taking_the_same_last_unit_at_once(file_database):
    # given a 2-unit coupon, 1 used
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    coupon = coupon_for(order)
    _redeem(station, coupon, 1)
    # when the shopper refunds the last unit while the till takes it
    outcomes = race(
        [
            lambda: coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1),
            lambda: _redeem(station, coupon, 1),
        ]
    )
    # then one of them has it, never both
    assert outcomes in (
        Counter({"ok": 1, "not_refundable": 1}),
        Counter({"ok": 1, "revoked": 1}),
    ), outcomes
    coupon = coupon_for(order)
    assert coupon.redeemed_quantity + coupon.refunded_quantity == 2
    assert CouponRefund.objects.count() == coupon.refunded_quantity
    assert_ledger_balanced()


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_never_refund_more_than_is_left(file_database):
    # given a 3-unit coupon
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    # when the shopper and the shop each refund 2 units at once
    outcomes = race(
        [
            lambda: coupon_refund_unused(actor=order.shopper, coupon=coupon, units=2),
            lambda: coupon_refund_by_merchant(
                actor=station.owner, coupon=coupon, reason=REASON, units=2
            ),
        ]
    )
    # then one refunds 2 and the other is told only 1 is left
    assert outcomes == Counter({"ok": 1, "more_than_left": 1}), outcomes
    coupon = coupon_for(order)
    assert (coupon.refunded_quantity, coupon.status) == (2, "valid")
    assert Refund.objects.count() == 1
    assert_ledger_balanced()


def test_the_statement_and_its_csv_list_each_refund_of_some_units(client):
    import csv
    import io

    from groupbuy.core.money import format_fen_for_spreadsheet

    # given a 4-unit coupon of a deal that paid the shop at close, refunded
    # one unit by the shop and then two by its shopper
    station = make_station()
    (order,) = confirmed_orders(
        station.merchant, quantities=(4,), settlement_mode="on_close"
    )
    coupon = coupon_for(order)
    payable = balance_of("merchant_payable", merchant=station.merchant)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON, units=1
    )
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=2)
    taken = payable - balance_of("merchant_payable", merchant=station.merchant)
    price = order.final_unit_price_fen
    # when the owner reads this month's statement: API and CSV
    _token, secret = api_token_create(actor=station.owner)
    merchant_id = station.merchant.public_id
    body = client.get(
        f"/api/coupons/merchants/{merchant_id}/statement",
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    client.force_login(station.owner)
    url = f"/coupons/merchant/{merchant_id}/statement/?format=csv"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    # then each refund is its own line, and the take-backs add up to what the
    # shop's payable gave back (until 2026-12-06 a coupon had one refund)
    assert [(r["quantity"], r["amount_fen"]) for r in body["refunds"]] == [
        (1, price),
        (2, 2 * price),
    ]
    assert sum(r["taken_back_fen"] for r in body["refunds"]) == taken
    assert body["taken_back_fen"] == taken
    refunded = [row for row in rows if row[2] == coupon.serial]
    assert [row[4] for row in refunded] == ["1", "2"]
    assert rows[-1][5] == format_fen_for_spreadsheet(-taken)


def test_the_shoppers_data_export_lists_each_refund_of_their_coupon():
    from groupbuy.coupons.personal_data import CouponsPersonalData

    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(3,))
    coupon = coupon_for(order)
    coupon_refund_unused(actor=order.shopper, coupon=coupon, units=1)
    coupon_refund_by_merchant(
        actor=station.owner, coupon=coupon, reason=REASON, units=1
    )
    (exported,) = CouponsPersonalData().export(order.shopper).records["coupons"]
    assert exported["refunded_quantity"] == 2
    assert [(r["quantity"], r["reason"]) for r in exported["refunds"]] == [
        (1, ""),
        (1, REASON),
    ]
