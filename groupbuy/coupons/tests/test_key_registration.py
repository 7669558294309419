"""Registering or generating the shop's coupon key: a key that exists is
replaced only when the request says so, and a key once replaced (it may have
leaked) is never the shop's key again."""

import base64
import json

import pytest

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.coupons.models import MerchantKey
from groupbuy.coupons.station import cli, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_merchant,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db


def _english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def _post(client, url, data, user):
    _token, secret = api_token_create(actor=user)
    return client.post(
        url,
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _keys(station) -> dict:
    return {
        "public_key": base64.b64encode(bytes(station.sealing.public_key)).decode(),
        "signing_public_key": base64.b64encode(
            bytes(station.signing.verify_key)
        ).decode(),
        "device_name": "till 2",
    }


def _active(merchant) -> MerchantKey:
    return MerchantKey.objects.get(merchant=merchant, is_active=True)


def test_registering_over_an_existing_key_needs_replace_current(client):
    # given a shop with a key and a valid coupon sealed to it
    station = make_station()
    _english(station.owner)
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    code, key = coupon_for(order).code, _active(station.merchant)
    newcomer = make_station(name="Elsewhere")  # only for a fresh pair of keys
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    # when another station registers without saying it replaces the key
    refused = _post(client, url, _keys(newcomer), station.owner)
    # then nothing is replaced and the answer says how to replace it
    assert refused.status_code == 409
    assert refused.json()["code"] == "key_exists"
    assert "replace_current" in refused.json()["message"]
    assert _active(station.merchant) == key
    assert coupon_for(order).code == code
    # and with replace_current it is registered
    done = _post(
        client, url, {**_keys(newcomer), "replace_current": True}, station.owner
    )
    assert done.status_code == 201
    assert _active(station.merchant).public_id == done.json()["key_id"] != key.public_id


def test_generating_over_an_existing_key_needs_replace_current(client):
    station = make_station()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys/generate"
    key = _active(station.merchant)
    for body in ({}, {"replace_current": False}):
        refused = _post(client, url, body, station.owner)
        assert (refused.status_code, refused.json()["code"]) == (409, "key_exists")
    assert _active(station.merchant) == key
    done = _post(client, url, {"replace_current": True}, station.owner)
    assert done.status_code == 200
    assert json.loads(done.content)["key_id"] == _active(station.merchant).public_id
    # a shop without a key gets one without confirming anything
    owner = make_user()
    merchant = make_merchant(owner=owner, name="New shop")
    first = _post(
        client, f"/api/coupons/merchants/{merchant.public_id}/keys/generate", {}, owner
    )
    assert first.status_code == 200


def test_the_key_file_is_what_the_document_says(client):
    # given the answer the API document declares for a generated key file
    from groupbuy.coupons.schemas import KeyFileOut

    owner = make_user()
    merchant = make_merchant(owner=owner, name="Documented shop")
    url = f"/api/coupons/merchants/{merchant.public_id}/keys/generate"
    # when the owner generates one
    answer = _post(client, url, {}, owner)
    # then it is a JSON attachment with exactly the documented fields
    assert answer["Content-Type"] == "application/json"
    assert answer["Content-Disposition"].startswith("attachment;")
    key_file = json.loads(answer.content)
    assert set(key_file) == set(KeyFileOut.model_fields)
    assert KeyFileOut.model_validate(key_file).key_id == key_file["key_id"]


def test_a_replaced_key_is_never_registered_again(client):
    # given a shop whose station key was replaced by a generated key file
    station = make_station()
    _english(station.owner)
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    generate = f"/api/coupons/merchants/{station.merchant.public_id}/keys/generate"
    _post(client, generate, {"replace_current": True}, station.owner)
    current, code = _active(station.merchant), coupon_for(order).code
    # when the old station registers its key again, even replacing
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    refused = _post(
        client, url, {**_keys(station), "replace_current": True}, station.owner
    )
    # then it is refused, and the key file's holders keep the shop's key
    assert refused.status_code == 409
    assert refused.json()["code"] == "key_replaced"
    assert refused.json()["message"].startswith(
        "This key was replaced and cannot be registered again"
    )
    assert _active(station.merchant) == current
    assert coupon_for(order).code == code


def test_registering_the_current_key_again_changes_nothing(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    key, code = _active(station.merchant), coupon_for(order).code
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    again = _post(client, url, _keys(station), station.owner)
    assert (again.status_code, again.json()["key_id"]) == (201, key.public_id)
    assert MerchantKey.objects.filter(merchant=station.merchant).count() == 1
    assert coupon_for(order).code == code


def test_only_the_shops_owners_register_or_generate_even_confirming(client):
    station, other = make_station(), make_station(name="Other shop")
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    base = f"/api/coupons/merchants/{station.merchant.public_id}"
    newcomer = make_station(name="Elsewhere")
    for user in (cashier, other.owner, order.shopper):
        keys = {**_keys(newcomer), "replace_current": True}
        assert _post(client, f"{base}/keys", keys, user).status_code == 403
        generate = {"replace_current": True}
        assert _post(client, f"{base}/keys/generate", generate, user).status_code == 403
    assert MerchantKey.objects.filter(merchant=station.merchant).count() == 1


def test_the_station_says_why_its_old_key_cannot_be_registered(
    client, tmp_path, monkeypatch, capsys
):
    # given a station whose key the owner replaced with a key file
    texts.use_language("en")
    station = make_station()
    _english(station.owner)
    ledger = Ledger(tmp_path / "till-A")
    ledger.set(
        merchant_id=station.merchant.public_id,
        sealing_private_key=base64.b64encode(bytes(station.sealing)).decode(),
        signing_private_key=base64.b64encode(bytes(station.signing)).decode(),
        device="till-A",
        registered=0,
    )
    generate = f"/api/coupons/merchants/{station.merchant.public_id}/keys/generate"
    _post(client, generate, {"replace_current": True}, station.owner)
    current = _active(station.merchant)
    _token, secret = api_token_create(actor=station.owner)

    def call(ledger, method, path, **kwargs):
        response = client.post(
            f"/api/coupons/merchants/{ledger.get('merchant_id')}{path}",
            kwargs["json"],
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        if response.status_code >= 400:
            raise cli.Refused(response.status_code, response.json())
        return response.json()

    monkeypatch.setattr(cli, "_call", call)
    # when its owner runs `register --replace-current` on it
    args = cli.parser().parse_args(["register", "--replace-current"])
    # then it is refused, saying to set it up with new keys or the key file
    assert cli.cmd_register(ledger, args) == 1
    out = capsys.readouterr().out
    assert "This key was replaced and cannot be registered again" in out
    assert "init --force" in out
    assert _active(station.merchant) == current
    assert ledger.get("registered") == "0"
