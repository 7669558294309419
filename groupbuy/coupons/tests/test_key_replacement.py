"""Replacing the shop's coupon key: codes shoppers already hold keep working
online, a station set up with the old key says so at sync and refuses until it
is set up again, and the console asks before replacing."""

import json

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons.errors import CouponError
from groupbuy.coupons.models import EarlierCode, MerchantKey, Redemption
from groupbuy.coupons.services import coupon_redeem_online, merchant_key_generate
from groupbuy.coupons.station import cli, core, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    texts.use_language("en")
    yield
    texts.use_language("en")


def _api(client, user):
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_a_code_shoppers_held_before_the_key_was_replaced_still_redeems(client):
    # given a 2-unit coupon whose code the shopper screenshotted, then the
    # owner generating a key file (the console's one-click button)
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    screenshot = coupon_for(order).code
    headers = _api(client, station.owner)
    base = f"/api/coupons/merchants/{station.merchant.public_id}"
    replaced = client.post(
        f"{base}/keys/generate",
        {"replace_current": True},
        content_type="application/json",
        headers=headers,
    )
    assert replaced.status_code == 200
    current = coupon_for(order).code
    assert current != screenshot
    # when the till redeems the screenshot's code, one unit
    answer = client.post(
        f"{base}/redeem",
        {"code": screenshot, "quantity": 1},
        content_type="application/json",
        headers=headers,
    )
    # then it is the coupon (until 2026-12-06: 422 not_for_this_merchant,
    # "altered, re-encrypted or another shop's"), and the units are shared
    # with the code the shopper's app shows now
    assert answer.status_code == 200, answer.json()
    assert answer.json()["quantity"] == 1
    coupon_redeem_online(actor=station.owner, merchant=station.merchant, code=current)
    with pytest.raises(CouponError) as again:
        coupon_redeem_online(
            actor=station.owner, merchant=station.merchant, code=screenshot
        )
    assert again.value.code == "already_redeemed"
    assert sum(r.quantity for r in Redemption.objects.all()) == 2
    assert EarlierCode.objects.get().coupon == coupon_for(order)


def test_an_earlier_code_sent_again_with_its_key_answers_the_same_redemption():
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    screenshot = coupon_for(order).code
    merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    redeem = dict(
        actor=station.owner,
        merchant=station.merchant,
        code=screenshot,
        quantity=1,
        idempotency_key="till-form-0123456789",
    )
    first = coupon_redeem_online(**redeem)
    assert coupon_redeem_online(**redeem) == first
    assert Redemption.objects.count() == 1


def test_another_shops_code_is_still_refused_after_a_key_change():
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(other.merchant, quantities=(1,))
    code = coupon_for(order).code
    merchant_key_generate(
        actor=other.owner, merchant=other.merchant, replace_current=True
    )
    with pytest.raises(CouponError) as refused:
        coupon_redeem_online(actor=station.owner, merchant=station.merchant, code=code)
    assert refused.value.code == "wrong_merchant"


def _station(tmp_path, station) -> Ledger:
    """A station registered with ``station``'s keys (as `init` then `register`)."""
    import base64

    ledger = Ledger(tmp_path / "till-A")
    ledger.set(
        merchant_id=station.merchant.public_id,
        sealing_private_key=base64.b64encode(bytes(station.sealing)).decode(),
        signing_private_key=base64.b64encode(bytes(station.signing)).decode(),
        registered=1,
        merchant_key_id=MerchantKey.objects.get(is_active=True).public_id,
    )
    return ledger


def _sync(client, ledger, user) -> None:
    answer = client.get(
        f"/api/coupons/merchants/{ledger.get('merchant_id')}/sync",
        headers=_api(client, user),
    )
    assert answer.status_code == 200
    core.apply_sync(ledger, answer.json())


def test_a_station_whose_key_was_replaced_says_so_and_refuses(client, tmp_path, capsys):
    # given station till-A, registered and synced, redeeming
    station = make_station()
    first, second = confirmed_orders(station.merchant, quantities=(1, 1))
    ledger = _station(tmp_path, station)
    _sync(client, ledger, station.owner)
    assert core.redeem(ledger, coupon_for(first).code).accepted
    # when the owner generates a key file and the station syncs
    key, key_file = merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    _sync(client, ledger, station.owner)
    outcome = core.redeem(ledger, coupon_for(second).code)
    # then it refuses every code saying why (until 2026-12-06 it refused new
    # codes as "altered, re-encrypted or another shop's"), and its status says
    # it is no longer the shop's registered key
    assert (outcome.accepted, outcome.code) == (False, "key_replaced")
    assert outcome.message == (
        "The shop's coupon key was replaced, so this station cannot check coupons "
        "any more: ask the shop's owner to set it up again with the current key."
    )
    assert cli.cmd_status(ledger, None) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["registered"], status["key_replaced_by"]) == (False, key.public_id)
    # when it is set up again with the new key file, it redeems again
    core.import_key_file(ledger, json.loads(key_file), station.merchant.public_id)
    _sync(client, ledger, station.owner)
    assert core.redeem(ledger, coupon_for(second).code).accepted


def test_a_station_set_up_before_it_kept_its_key_id_tells_by_the_public_key(
    client, tmp_path
):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    ledger = _station(tmp_path, station)
    ledger.set(merchant_key_id="")
    _sync(client, ledger, station.owner)
    assert not core.key_replaced(ledger)
    merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    _sync(client, ledger, station.owner)
    assert core.redeem(ledger, coupon_for(order).code).code == "key_replaced"


def test_the_sync_command_says_plainly_that_the_key_was_replaced(
    client, tmp_path, monkeypatch, capsys
):
    station = make_station()
    ledger = _station(tmp_path, station)
    merchant_key_generate(
        actor=station.owner, merchant=station.merchant, replace_current=True
    )
    headers = _api(client, station.owner)
    monkeypatch.setattr(
        cli,
        "_call",
        lambda ledger, method, path, **kw: client.get(
            f"/api/coupons/merchants/{ledger.get('merchant_id')}{path}",
            headers=headers,
        ).json(),
    )
    assert cli.cmd_sync(ledger, None) == 1
    assert "the shop's coupon key was replaced" in capsys.readouterr().out


def test_the_console_asks_before_replacing_the_key(client):
    # given the shop's owner on the console, the shop having a key
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    client.force_login(station.owner)
    base = f"/coupons/merchant/{station.merchant.public_id}"
    page = client.get(f"{base}/").content.decode()
    assert 'id="key-replace-warning"' in page
    assert 'name="confirm_replace" value="on" required' in page
    # when the button is sent without the box ticked
    refused = client.post(f"{base}/key-file/")
    # then nothing is replaced and the page says why
    assert refused.status_code == 400
    assert "The key was not replaced" in refused.content.decode()
    assert MerchantKey.objects.filter(merchant=station.merchant).count() == 1
    # and with it ticked, the key file is handed over
    answer = client.post(f"{base}/key-file/", {"confirm_replace": "on"})
    assert answer.status_code == 200
    assert json.loads(answer.content)["kind"] == "groupbuy-merchant-coupon-key"
    assert MerchantKey.objects.filter(merchant=station.merchant).count() == 2


def test_others_cannot_replace_the_key_even_confirming(client):
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    base = f"/coupons/merchant/{station.merchant.public_id}"
    for user in (other.owner, order.shopper):
        client.force_login(user)
        answer = client.post(f"{base}/key-file/", {"confirm_replace": "on"})
        assert answer.status_code == 403
    assert MerchantKey.objects.filter(merchant=station.merchant).count() == 1


def test_a_shop_without_a_key_is_told_what_that_means_and_replaces_nothing(client):
    # given the owner of a new shop, with no coupon key yet
    from groupbuy.coupons.tests.factories import make_merchant, make_user

    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    client.force_login(owner)
    # when they open the till
    page = client.get(f"/coupons/merchant/{merchant.public_id}/").content.decode()
    # then it says what a missing key does to buyers and how to make one here,
    # and its button replaces nothing, as there is nothing to replace
    assert "your buyers' coupons have no code" in page
    assert 'id="key-file-first"' in page
    assert "Generate the key file</button>" in page
    assert "replaces the current key" not in page
    assert 'id="key-replace-warning"' not in page
