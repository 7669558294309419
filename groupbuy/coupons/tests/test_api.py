"""The coupons API: shoppers, merchants' staff, and everyone else."""

import base64

import pytest
from django.utils import translation
from django.utils.translation import gettext
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from groupbuy.accounts.services import api_token_create
from groupbuy.coupons import batchfile, codec
from groupbuy.coupons.models import MerchantKey, Redemption
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_branch,
    make_station,
    make_user,
)

pytestmark = pytest.mark.django_db


def auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def post(client, url, data, user):
    return client.post(url, data, content_type="application/json", headers=auth(user))


def test_shoppers_see_only_their_own_coupons(client):
    station = make_station()
    mine, theirs = confirmed_orders(station.merchant, quantities=(1, 1))
    response = client.get("/api/coupons/mine", headers=auth(mine.shopper))
    assert response.status_code == 200
    body = response.json()["items"]
    assert [c["coupon_id"] for c in body] == [coupon_for(mine).public_id]
    assert body[0]["code"] == coupon_for(mine).code
    other = client.get(
        f"/api/coupons/{coupon_for(theirs).public_id}", headers=auth(mine.shopper)
    )
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"
    assert client.get("/api/coupons/mine").status_code == 401


def test_redeem_via_api_then_the_second_time_is_refused(client):
    station = make_station()
    branch = make_branch(station.merchant)
    (order,) = confirmed_orders(station.merchant, quantities=(2,))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    code = coupon_for(order).code
    first = post(
        client,
        url,
        {"code": code, "branch_id": branch.public_id, "quantity": 1},
        station.owner,
    )
    assert first.status_code == 200
    assert (first.json()["quantity"], first.json()["remaining_quantity"]) == (1, 1)
    assert post(client, url, {"code": code}, station.owner).status_code == 200
    again = post(client, url, {"code": code}, station.owner)
    assert again.status_code == 409
    assert again.json()["code"] == "already_redeemed"
    assert set(again.json()) == {"code", "message", "fields"}


def test_a_redemption_sent_again_with_its_idempotency_key_redeems_once(client):
    # given a coupon of 3 units
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(3, 1))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    request = {
        "code": coupon_for(one).code,
        "quantity": 1,
        "idempotency_key": "3f1c9a1e-5b7d-4c1a-9e2f-0a6b8d4c2e11",
    }
    # when a till sends the same redemption twice (its first answer was lost)
    first = post(client, url, request, station.owner)
    again = post(client, url, request, station.owner)
    # then the second answer is the first redemption, and 1 unit is taken
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["remaining_quantity"] == 2
    assert Redemption.objects.count() == 1
    assert coupon_for(one).remaining_quantity == 2
    # and the key is refused for another coupon, and when malformed
    reused = post(client, url, {**request, "code": coupon_for(two).code}, station.owner)
    assert (reused.status_code, reused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    bad = post(client, url, {**request, "idempotency_key": "short"}, station.owner)
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["idempotency_key"])
    # (saying what a key is, in the owner's Chinese: "幂等键由 16 到 36 个…")
    assert "16" in bad.json()["fields"]["idempotency_key"][0]
    assert Redemption.objects.count() == 1
    # and the same key at another merchant is that merchant's own
    other = make_station(name="Other shop")
    (theirs,) = confirmed_orders(other.merchant, quantities=(1,))
    elsewhere = post(
        client,
        f"/api/coupons/merchants/{other.merchant.public_id}/redeem",
        {**request, "code": coupon_for(theirs).code},
        other.owner,
    )
    assert elsewhere.status_code == 200
    assert elsewhere.json()["redemption_id"] != first.json()["redemption_id"]


def test_other_merchants_and_shoppers_cannot_redeem_or_read(client):
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    code = coupon_for(order).code
    mine = f"/api/coupons/merchants/{station.merchant.public_id}"
    for user in (other.owner, order.shopper):
        assert post(client, f"{mine}/redeem", {"code": code}, user).status_code == 403
        for path in ("/sync", "/redemptions", "/conflicts"):
            assert client.get(mine + path, headers=auth(user)).status_code == 403
        assert post(client, f"{mine}/batches", {}, user).status_code == 403
        assert post(client, f"{mine}/keys/generate", {}, user).status_code == 403
    # the other merchant on its own endpoint: the coupon is not theirs
    refused = post(
        client,
        f"/api/coupons/merchants/{other.merchant.public_id}/redeem",
        {"code": code},
        other.owner,
    )
    assert (refused.status_code, refused.json()["code"]) == (400, "wrong_merchant")
    # nor can they read the shopper's coupon
    response = client.get(
        f"/api/coupons/{coupon_for(order).public_id}", headers=auth(other.owner)
    )
    assert response.status_code == 404
    assert Redemption.objects.count() == 0


def test_a_bad_code_is_the_services_400_and_an_empty_one_the_schemas_422(client):
    station = make_station()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    response = post(client, url, {"code": "GB1:%%%"}, station.owner)
    assert (response.status_code, response.json()["code"]) == (400, "malformed")
    response = post(client, url, {"code": ""}, station.owner)
    assert (response.status_code, response.json()["code"]) == (422, "invalid")


def test_owners_register_station_keys_and_cashiers_cannot(client):
    station = make_station()
    cashier = make_user()
    from groupbuy.accounts.services import merchant_membership_add

    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    keys = {
        "public_key": base64.b64encode(
            bytes(PrivateKey.generate().public_key)
        ).decode(),
        "signing_public_key": base64.b64encode(
            bytes(SigningKey.generate().verify_key)
        ).decode(),
    }
    keys["replace_current"] = True
    assert post(client, url, keys, cashier).status_code == 403
    response = post(client, url, keys, station.owner)
    assert response.status_code == 201
    active = MerchantKey.objects.get(merchant=station.merchant, is_active=True)
    assert response.json()["key_id"] == active.public_id
    bad = post(client, url, {**keys, "public_key": "AAAA"}, station.owner)
    assert bad.status_code == 422


def _station_keys() -> dict:
    sealing, signing = PrivateKey.generate(), SigningKey.generate()
    return {
        "public_key": base64.b64encode(bytes(sealing.public_key)).decode(),
        "signing_public_key": base64.b64encode(bytes(signing.verify_key)).decode(),
    }


# one_database: the schema refuses the key before any service or query runs.
@pytest.mark.one_database
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("public_key", "x", "The public key must be Base64 text."),
        ("signing_public_key", "not base64!", "The public key must be Base64 text."),
        (
            "public_key",
            "AAAA",
            "The public key must be 32 bytes long (44 characters of Base64).",
        ),
    ],
)
def test_a_malformed_station_key_is_a_422_on_its_field(client, field, value, message):
    # given (the API speaks a token user's saved language)
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    keys_before = list(MerchantKey.objects.values_list("pk", "is_active"))
    # when
    response = post(client, url, {**_station_keys(), field: value}, station.owner)
    # then it says what is wrong in a sentence, under the field (it said "not Base64")
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["fields"]) == ("invalid", {field: [message]})
    assert body["message"] == f"{field}: {message}"
    assert list(MerchantKey.objects.values_list("pk", "is_active")) == keys_before


@pytest.mark.one_database  # the schema's refusal, in the request's language
def test_a_malformed_station_key_is_told_in_the_requests_language(client):
    # given
    station = make_station()
    url = f"/api/coupons/merchants/{station.merchant.public_id}/keys"
    with translation.override("zh-hans"):
        in_chinese = gettext("The public key must be Base64 text.")
    # when
    response = client.post(
        url,
        {**_station_keys(), "public_key": "x"},
        content_type="application/json",
        headers={**auth(station.owner), "Accept-Language": "zh-hans"},
    )
    # then
    assert response.status_code == 422
    assert response.json()["fields"] == {"public_key": [in_chinese]}


def test_sync_lists_keys_and_revocations_after_the_cursor(client):
    from groupbuy.coupons.services import coupon_revoke_for_order

    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    coupon_revoke_for_order(actor=None, order=one, reason="order_refunded")
    url = f"/api/coupons/merchants/{station.merchant.public_id}/sync"
    first = client.get(url, headers=auth(station.owner)).json()
    assert [r["serial"] for r in first["revocations"]] == [coupon_for(one).serial]
    assert first["platform_keys"][0]["key_id"] == coupon_for(one).platform_key.key_id
    coupon_revoke_for_order(actor=None, order=two, reason="order_cancelled")
    cursor = first["revocations_cursor"]
    later = client.get(f"{url}?revocations_after={cursor}", headers=auth(station.owner))
    assert [r["serial"] for r in later.json()["revocations"]] == [
        coupon_for(two).serial
    ]


def _batch(station, entries, *, merchant_id=None, signer=None) -> bytes:
    body = {
        "merchant_id": merchant_id or station.merchant.public_id,
        "device": "t1",
        "exported_at": 0,
        "redemptions": entries,
    }
    return batchfile.write(body, bytes(signer or station.signing))


def _entry(coupon, nonce="n1", quantity=None):
    return {
        "nonce": nonce,
        "serial": coupon.serial,
        "code": coupon.code,
        "quantity": quantity or coupon.quantity,
        "redeemed_at": int(coupon.issued_at.timestamp()) + 5,
        "branch": "",
        "cashier": "amy",
    }


def upload(client, station, data, user=None):
    return client.post(
        f"/api/coupons/merchants/{station.merchant.public_id}/batches",
        data,
        content_type="application/json",
        headers=auth(user or station.owner),
    )


def test_batches_are_verified_idempotent_and_keep_conflicts(client):
    station = make_station()
    one, two = confirmed_orders(station.merchant, quantities=(1, 1))
    data = _batch(station, [_entry(coupon_for(one)), _entry(coupon_for(two), "n2")])
    response = upload(client, station, data)
    assert response.json() | {"batch_id": "", "uploaded_at": ""} == {
        "batch_id": "",
        "accepted": 2,
        "conflicts": 0,
        "rejected": 0,
        "device": "t1",
        "already_imported": False,
        "uploaded_at": "",
    }
    # the same file again, and a new file repeating a nonce: nothing changes
    assert (
        upload(client, station, data).json()["batch_id"] == response.json()["batch_id"]
    )
    repeat = batchfile.write(
        {
            "merchant_id": station.merchant.public_id,
            "device": "t1 again",
            "exported_at": 1,
            "redemptions": [_entry(coupon_for(one))],
        },
        bytes(station.signing),
    )
    again = upload(client, station, repeat).json()
    assert (again["accepted"], again["conflicts"], again["rejected"]) == (0, 0, 0)
    assert Redemption.objects.count() == 2
    # a second device redeeming the same serial is a conflict
    later = upload(client, station, _batch(station, [_entry(coupon_for(one), "n9")]))
    assert (later.json()["accepted"], later.json()["conflicts"]) == (0, 1)
    conflicts = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/conflicts",
        headers=auth(station.owner),
    ).json()["items"]
    assert [c["serial"] for c in conflicts] == [coupon_for(one).serial]


def test_forged_or_foreign_batches_are_refused(client):
    station, other = make_station(), make_station(name="Other shop")
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    entry = _entry(coupon_for(order))
    forged = upload(
        client, station, _batch(station, [entry], signer=SigningKey.generate())
    )
    assert (forged.status_code, forged.json()["code"]) == (400, "bad_batch_signature")
    foreign = upload(client, station, _batch(other, [entry], merchant_id=None))
    assert foreign.json()["code"] == "bad_batch_signature"
    # the other merchant's own key, claiming this merchant: still refused
    claimed = _batch(other, [entry], merchant_id=station.merchant.public_id)
    assert upload(client, station, claimed).status_code == 400
    # signed by the other merchant for itself, uploaded there: coupon not theirs
    theirs = upload(client, other, _batch(other, [entry]), other.owner)
    assert theirs.json()["rejected"] == 1
    assert upload(client, station, b"not json").json()["code"] == "malformed_batch"
    assert Redemption.objects.count() == 0
    assert codec  # the format module stays importable without Django


def test_owners_switch_a_branch_to_offline_and_others_cannot(client):
    station, other = make_station(), make_station(name="Other shop")
    branch = make_branch(station.merchant)
    url = (
        f"/api/coupons/merchants/{station.merchant.public_id}/branches/"
        f"{branch.public_id}/offline"
    )
    assert post(client, url, {"offline_enabled": True}, other.owner).status_code == 403
    response = post(client, url, {"offline_enabled": True}, station.owner)
    assert response.json() == {
        "branch_id": branch.public_id,
        "name": branch.name,
        "offline_enabled": True,
    }
    sync = client.get(
        f"/api/coupons/merchants/{station.merchant.public_id}/sync",
        headers=auth(station.owner),
    ).json()
    assert sync["branches"][0]["offline_enabled"] is True


def test_junk_never_answers_500(client):
    station = make_station()
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    base = f"/api/coupons/merchants/{station.merchant.public_id}"
    headers = auth(station.owner)
    assert client.get(
        f"{base}/sync?revocations_after={10**30}", headers=headers
    ).status_code in (200, 422)
    assert (
        client.get("/api/coupons/merchants/mer_nope/sync", headers=headers).status_code
        == 404
    )
    entries = [
        "junk",
        {"nonce": "a"},
        {**_entry(coupon_for(order), "b"), "quantity": 10**30},
        {**_entry(coupon_for(order), "c"), "redeemed_at": 10**30},
        {**_entry(coupon_for(order), "d"), "quantity": -1},
    ]
    response = upload(client, station, _batch(station, entries))
    assert response.json()["rejected"] == 5
    for bad, status in (
        ({"code": "x", "quantity": 0}, 422),
        ({"code": "x", "branch_id": "br_x"}, 400),
        ({"code": 5}, 422),
    ):
        assert post(client, f"{base}/redeem", bad, station.owner).status_code == status
    # as the statement page reads it: a 400 naming the day (a 422 until 2026-12-06)
    assert (
        client.get(f"{base}/statement?start=nope", headers=headers).status_code == 400
    )


def test_the_same_idempotency_key_with_another_quantity_is_refused(client):
    # given a 3-unit coupon, 1 unit redeemed under a till's key
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    three, two = confirmed_orders(station.merchant, quantities=(3, 2))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    request = {
        "code": coupon_for(three).code,
        "quantity": 1,
        "idempotency_key": "9d0f4c1e-5b7d-4c1a-9e2f-0a6b8d4c2e11",
    }
    first = post(client, url, request, station.owner)
    assert first.status_code == 200
    # when the same key comes with 2 units
    refused = post(client, url, {**request, "quantity": 2}, station.owner)
    # then it is refused as a key reused for another request, nothing taken
    assert refused.status_code == 409
    assert refused.json()["code"] == "idempotency_key_reused"
    assert refused.json()["message"] == (
        f"This request's key already redeemed 1 unit of coupon "
        f"{coupon_for(three).serial}; scan the coupon again to redeem more."
    )
    # while with none it is the same request (no quantity is one unit; until
    # 2026-12-06 it was all that is left, and refused here)
    unnamed = {"code": request["code"], "idempotency_key": request["idempotency_key"]}
    assert post(client, url, unnamed, station.owner).json() == first.json()
    assert coupon_for(three).remaining_quantity == 2
    assert Redemption.objects.count() == 1
    # and a key first sent without a quantity took one unit, and matches a
    # request naming one unit, not two
    keyed = {"code": coupon_for(two).code, "idempotency_key": "1" * 20}
    first = post(client, url, keyed, station.owner)
    assert first.json()["quantity"] == 1
    assert post(client, url, keyed, station.owner).json() == first.json()
    one = post(client, url, {**keyed, "quantity": 1}, station.owner)
    assert one.json() == first.json()
    explicit = post(client, url, {**keyed, "quantity": 2}, station.owner)
    assert (explicit.status_code, explicit.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    assert Redemption.objects.count() == 2


def test_a_coupon_that_cannot_be_redeemed_gives_no_code(client):
    # given coupons in every state a shopper can hold them in
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.coupons.models import Coupon
    from groupbuy.coupons.services import (
        coupon_redeem_online,
        coupon_refund_unused,
        coupon_revoke,
    )

    station = make_station()
    orders = confirmed_orders(station.merchant, quantities=(1, 1, 1, 1, 1, 1))
    valid, redeemed, revoked, refunded, expired, past_expiry = (
        coupon_for(order) for order in orders
    )
    coupon_redeem_online(
        actor=station.owner, merchant=station.merchant, code=redeemed.code
    )
    coupon_revoke(actor=None, coupon=revoked, reason="order_refunded")
    coupon_refund_unused(actor=refunded.shopper, coupon=refunded)
    Coupon.objects.filter(pk=expired.pk).update(status=Coupon.Status.EXPIRED)
    # valid in the database, but past its expiry: the till refuses it already
    Coupon.objects.filter(pk=past_expiry.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # when the shopper reads each one, and their list
    codes, listed, states = {}, {}, []
    for coupon in (valid, redeemed, revoked, refunded, expired, past_expiry):
        headers = auth(coupon.shopper)
        response = client.get(f"/api/coupons/{coupon.public_id}", headers=headers)
        assert response.status_code == 200
        codes[coupon.serial] = response.json()["code"]
        states.append(response.json())
        (item,) = client.get("/api/coupons/mine", headers=headers).json()["items"]
        listed[item["serial"]] = item["code"]
    # then only the valid coupon has its code, the others saying they cannot
    # be redeemed (the status says how)
    assert {item["code_state"] for item in states} == {"shown", "not_redeemable"}
    assert codes == {
        valid.serial: valid.code,
        redeemed.serial: None,
        revoked.serial: None,
        refunded.serial: None,
        expired.serial: None,
        past_expiry.serial: None,
    }
    assert listed == codes


def test_a_coupon_before_the_shop_set_up_its_till_says_why_it_has_no_code(client):
    # given a coupon of a shop with no coupon key yet, and one of a shop with one
    from groupbuy.coupons.tests.factories import make_merchant

    waiting = coupon_for(confirmed_orders(make_merchant(), quantities=(1,))[0])
    station = make_station()
    ready = coupon_for(confirmed_orders(station.merchant, quantities=(1,))[0])
    for coupon in (waiting, ready):
        coupon.shopper.preferred_language = "en"
        coupon.shopper.save(update_fields=["preferred_language"])
    # when each shopper reads their coupon and their list
    read = {}
    for coupon in (waiting, ready):
        headers = auth(coupon.shopper)
        detail = client.get(f"/api/coupons/{coupon.public_id}", headers=headers)
        (item,) = client.get("/api/coupons/mine", headers=headers).json()["items"]
        assert item == {key: detail.json()[key] for key in item}
        read[coupon] = detail.json()
    # then the waiting one has no code and says why, in words to show
    assert read[waiting]["status"] == "valid"
    assert read[waiting]["code"] is None
    assert read[waiting]["code_state"] == "awaiting_till"
    assert read[waiting]["code_note"] == (
        "Your coupon will appear here as soon as the merchant has set up its till."
    )
    # and the ready one shows its code with nothing to explain
    assert read[ready]["code"] == ready.code
    assert (read[ready]["code_state"], read[ready]["code_note"]) == ("shown", "")


def test_the_same_key_for_the_same_coupon_at_another_branch_says_so(client):
    # given a two-branch shop and a 3-unit coupon, one unit redeemed at the
    # first branch under a till's key
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    first_branch = make_branch(station.merchant)
    other_branch = make_branch(station.merchant, name="Riverside")
    (three,) = confirmed_orders(station.merchant, quantities=(3,))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    request = {
        "code": coupon_for(three).code,
        "quantity": 1,
        "branch_id": first_branch.public_id,
        "idempotency_key": "4b1c9a1e-5b7d-4c1a-9e2f-0a6b8d4c2e11",
    }
    assert post(client, url, request, station.owner).status_code == 200
    # when the same key comes for the same coupon at the other branch
    refused = post(
        client, url, {**request, "branch_id": other_branch.public_id}, station.owner
    )
    # then the refusal says it is the branch, not another coupon, nothing taken
    assert (refused.status_code, refused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    assert refused.json()["message"] == (
        f"This request's key already redeemed coupon {coupon_for(three).serial} "
        "at another branch; scan the coupon again to redeem it at this one."
    )
    assert coupon_for(three).remaining_quantity == 2


def test_a_redemption_keyed_before_the_deploy_answers_its_retry(client):
    # given a one-branch shop and two coupons, each redeemed under a till's key
    # before 2026-12-06, as redemptions were then recorded: a request naming
    # no branch at no branch, and no quantity asked kept
    station = make_station()
    station.owner.preferred_language = "en"
    station.owner.save(update_fields=["preferred_language"])
    branch = make_branch(station.merchant)
    three, four = confirmed_orders(station.merchant, quantities=(3, 4))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    one_unit = {
        "code": coupon_for(three).code,
        "quantity": 1,
        "idempotency_key": "7a0f4c1e-5b7d-4c1a-9e2f-0a6b8d4c2e11",
    }
    all_left = {"code": coupon_for(four).code, "idempotency_key": "8" * 20}
    answers = []
    for request, units in ((one_unit, 1), (all_left, 4)):
        response = post(client, url, {**request, "quantity": units}, station.owner)
        assert response.status_code == 200
        Redemption.objects.filter(public_id=response.json()["redemption_id"]).update(
            branch=None, quantity_asked=None
        )
        answers.append(response.json() | {"branch_id": None})
    # when the till retries the same request after the deploy (its answer was
    # lost): the same code, no branch, the same units
    retried = post(client, url, one_unit, station.owner)
    # then it is answered with the redemption it made, nothing more taken
    assert retried.status_code == 200
    assert retried.json() == answers[0]
    assert coupon_for(three).remaining_quantity == 2
    # and the same when it names the units the key took
    assert (
        post(client, url, {**all_left, "quantity": 4}, station.owner).json()
        == (answers[1])
    )
    # while a request that cannot be told to be the same is refused, as before:
    # "all that is left" then (4 units) against one unit now, and a branch named
    # now where the key's request named none
    for request in (all_left, {**one_unit, "branch_id": branch.public_id}):
        refused = post(client, url, request, station.owner)
        assert (refused.status_code, refused.json()["code"]) == (
            409,
            "idempotency_key_reused",
        )
    assert Redemption.objects.count() == 2


def test_a_redemption_keyed_in_the_idempotency_key_header_redeems_once(client):
    # given a coupon of 3 units
    station = make_station()
    three, two = confirmed_orders(station.merchant, quantities=(3, 1))
    url = f"/api/coupons/merchants/{station.merchant.public_id}/redeem"
    key = "5e1c9a1e-5b7d-4c1a-9e2f-0a6b8d4c2e11"
    request = {"code": coupon_for(three).code, "quantity": 1}
    headers = auth(station.owner) | {"Idempotency-Key": key}

    def send(body, extra=None):
        return client.post(
            url, body, content_type="application/json", headers=headers | (extra or {})
        )

    # when a till sends its key in the header, as for deals and shares, twice
    first, again = send(request), send(request)
    # then the second answer is the first redemption, one unit taken
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert coupon_for(three).remaining_quantity == 2
    # and the body's key is the same key when both agree
    assert send({**request, "idempotency_key": key}).json() == first.json()
    # while a header and a body that differ, or a malformed header, are refused
    # as the request is read (422 on idempotency_key), nothing taken
    for body, extra in (
        ({**request, "idempotency_key": "6" * 20}, None),
        (request, {"Idempotency-Key": "short"}),
    ):
        refused = send(body, extra)
        assert (refused.status_code, list(refused.json()["fields"])) == (
            422,
            ["idempotency_key"],
        )
    # and the header's key reused for another coupon is a 409
    reused = send({"code": coupon_for(two).code})
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Redemption.objects.count() == 1


@pytest.mark.one_database  # the API's schema document, made from the code
def test_the_openapi_schema_lists_the_idempotency_key_header_on_redeem(client):
    # when the API's schema is read
    paths = client.get("/api/openapi.json").json()["paths"]
    redeem = paths["/api/coupons/merchants/{merchant_id}/redeem"]["post"]
    # then redeeming documents the Idempotency-Key header it reads, optional,
    # with the key's shape
    (header,) = [p for p in redeem["parameters"] if p["in"] == "header"]
    assert header["name"] == "Idempotency-Key"
    assert header["required"] is False
    assert header["schema"]["pattern"] == r"^[A-Za-z0-9_-]{16,36}$"
    assert "idempotency_key" in header["description"]


@pytest.mark.parametrize(
    ("language", "shop", "product"),
    [("en", "Fresh Fruit", "Bananas"), ("zh-hans", "鲜果铺", "香蕉")],
)
def test_my_coupons_name_the_shop_and_product_in_my_language(
    client, language, shop, product
):
    # given a coupon from a shop and of a product that both have English names
    station = make_station()
    station.merchant.name, station.merchant.name_en = "鲜果铺", "Fresh Fruit"
    station.merchant.save(update_fields=["name", "name_en"])
    (order,) = confirmed_orders(station.merchant, quantities=(1,))
    order.deal.product.name_zh, order.deal.product.name_en = "香蕉", "Bananas"
    order.deal.product.save(update_fields=["name_zh", "name_en"])
    order.shopper.preferred_language = language
    order.shopper.save(update_fields=["preferred_language"])
    # when its holder lists their coupons and reads it, in the language
    headers = {**auth(order.shopper), "Accept-Language": language}
    listed = client.get("/api/coupons/mine", headers=headers).json()["items"]
    coupon_id = coupon_for(order).public_id
    alone = client.get(f"/api/coupons/{coupon_id}", headers=headers).json()
    # then both name the shop and the product as they read them
    for coupon in (*listed, alone):
        assert (coupon["merchant_name"], coupon["product_name"]) == (shop, product)
