"""Operators rotate and revoke the platform's coupon signing keys from the
operator console and the operator API, not only from the Django admin."""

import pytest

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.coupons.models import Coupon, PlatformKey
from groupbuy.coupons.services import keys, platform_key_revoke, platform_key_rotate
from groupbuy.coupons.services.keys import platform as platform_keys
from groupbuy.coupons.tests.factories import (
    confirmed_orders,
    coupon_for,
    make_station,
    make_user,
)
from groupbuy.coupons.tests.test_api import auth, post

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return make_user(is_staff=True, preferred_language="en")


def _retired_key_with_coupons(operator, *, quantities=(1, 2)):
    """A key that signed the coupons of ``quantities`` orders, then retired."""
    station = make_station()
    orders = confirmed_orders(station.merchant, quantities=quantities)
    old = coupon_for(orders[0]).platform_key
    platform_key_rotate(actor=operator)
    old.refresh_from_db()
    return station, orders, old


def test_the_active_key_and_a_revoked_key_cannot_be_revoked(operator):
    # given a retired key, revoked once, and the active key
    _station, _orders, old = _retired_key_with_coupons(operator)
    platform_key_revoke(actor=operator, key=old)
    active = PlatformKey.objects.get(state=PlatformKey.State.ACTIVE)
    # when each is revoked (again)
    with pytest.raises(DomainError) as active_refusal:
        platform_key_revoke(actor=operator, key=active)
    with pytest.raises(DomainError) as again:
        platform_key_revoke(actor=operator, key=old)
    # then both are refused with a 409 saying why, and nothing changed
    assert (active_refusal.value.code, active_refusal.value.status) == (
        "active_key",
        409,
    )
    assert (again.value.code, again.value.status) == ("already_revoked", 409)
    assert AuditEntry.objects.filter(action="coupons.platform_key.revoked").count() == 1
    old.refresh_from_db()
    assert old.state == PlatformKey.State.REVOKED and old.revoked_at is not None


def test_a_rotation_naming_a_key_that_is_no_longer_active_changes_nothing(operator):
    # given the key an operator saw active, rotated meanwhile (a form sent twice)
    seen = platform_key_rotate(actor=operator)
    newer = platform_key_rotate(actor=operator, current_key_id=seen.public_id)
    # when it is rotated again naming the key seen
    with pytest.raises(DomainError) as refusal:
        platform_key_rotate(actor=operator, current_key_id=seen.public_id)
    # then it is refused and the newer key still signs
    assert (refusal.value.code, refusal.value.status) == ("already_rotated", 409)
    assert PlatformKey.objects.get(state=PlatformKey.State.ACTIVE) == newer


def test_the_key_list_counts_the_unredeemed_coupons_each_key_still_verifies(
    client, operator
):
    # given a retired key that signed two coupons, one used up, and a revoked key
    _station, (used, _kept), old = _retired_key_with_coupons(operator)
    Coupon.objects.filter(order=used).update(status=Coupon.Status.REDEEMED)
    newest = platform_key_rotate(actor=operator)
    gone = PlatformKey.objects.get(state=PlatformKey.State.RETIRED, pk__gt=old.pk)
    platform_key_revoke(actor=operator, key=gone)
    # when the operator lists the keys
    response = client.get("/api/operator/coupon-keys", headers=auth(operator))
    # then each is named by an opaque id with its state, dates and count
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    rows = {row["key_id"]: row for row in body["items"]}
    assert [row["key_id"] for row in body["items"]] == [
        newest.public_id,
        gone.public_id,
        old.public_id,
    ]
    assert rows[old.public_id]["state"] == "retired"
    assert rows[old.public_id]["unredeemed_coupons"] == 1
    assert rows[old.public_id]["retired_at"] is not None
    assert rows[gone.public_id]["state"] == "revoked"
    assert rows[gone.public_id]["revoked_at"] is not None
    assert rows[newest.public_id]["unredeemed_coupons"] == 0
    assert old.public_id.startswith("pkey_")


def test_operators_rotate_and_revoke_over_the_api(client, operator):
    # given a retired key that signed a coupon still unused
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    active = PlatformKey.objects.get(state=PlatformKey.State.ACTIVE)
    # when the operator rotates, then revokes the key retired first
    rotated = post(
        client,
        "/api/operator/coupon-keys/rotate",
        {"current_key_id": active.public_id},
        operator,
    )
    revoked = post(
        client, f"/api/operator/coupon-keys/{old.public_id}/revoke", {}, operator
    )
    # then the new key signs, the old one verifies nothing
    assert rotated.status_code == 201
    assert rotated.json()["state"] == "active"
    assert rotated.json()["key_id"] != active.public_id
    assert revoked.status_code == 200
    assert revoked.json()["state"] == "revoked"
    assert revoked.json()["unredeemed_coupons"] == 0
    # and a second revocation, the active key's, or an unknown id, is a clear 4xx
    again = post(
        client, f"/api/operator/coupon-keys/{old.public_id}/revoke", {}, operator
    )
    new_id = rotated.json()["key_id"]
    of_active = post(client, f"/api/operator/coupon-keys/{new_id}/revoke", {}, operator)
    unknown = post(
        client, "/api/operator/coupon-keys/pkey_nosuchkey/revoke", {}, operator
    )
    assert (again.status_code, again.json()["code"]) == (409, "already_revoked")
    assert (of_active.status_code, of_active.json()["code"]) == (409, "active_key")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")


def test_operators_rotate_and_revoke_from_the_console(client, operator):
    # given a retired key that signed one coupon still unused
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    active = PlatformKey.objects.get(state=PlatformKey.State.ACTIVE)
    client.force_login(operator)
    # when the operator opens the keys page and the two confirmations
    listing = client.get("/operator/coupon-keys/")
    confirm_rotation = client.get("/operator/coupon-keys/rotate/")
    confirm_revocation = client.get(f"/operator/coupon-keys/{old.public_id}/revoke/")
    # then each says what happens, the revocation with the coupons it stops
    assert listing.status_code == 200
    assert f"revoke-{old.public_id}" in listing.text
    assert f"revoke-{active.public_id}" not in listing.text
    assert "keep verifying until they expire" in confirm_rotation.text
    assert "1 unredeemed coupon signed with it stops verifying" in (
        confirm_revocation.text
    )
    # when they confirm both
    rotated = client.post(
        "/operator/coupon-keys/rotate/", {"current_key_id": active.public_id}
    )
    revoked = client.post(f"/operator/coupon-keys/{old.public_id}/revoke/")
    # then the keys changed and the keys page says so
    assert rotated.status_code == revoked.status_code == 302
    active.refresh_from_db()
    old.refresh_from_db()
    assert (active.state, old.state) == ("retired", "revoked")
    # and the same form sent twice rotates nothing more
    twice = client.post(
        "/operator/coupon-keys/rotate/", {"current_key_id": active.public_id}
    )
    assert twice.status_code == 302
    assert PlatformKey.objects.count() == 3


def test_the_operator_menu_links_to_the_keys_page(client, operator):
    client.force_login(operator)
    page = client.get("/operator/")
    assert 'id="operator-nav-coupon-keys"' in page.text
    assert 'href="/operator/coupon-keys/"' in page.text


def test_only_operators_reach_the_keys_pages_and_api(client, operator):
    # given a retired key, and a shopper, a shop's owner and its cashier
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    station = make_station(name="Other shop")
    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=station.merchant, role="cashier"
    )
    revoke = f"/operator/coupon-keys/{old.public_id}/revoke/"
    for person in (make_user(), station.owner, cashier):
        client.force_login(person)
        # when they open the pages, send their forms and call the API
        pages = [
            client.get("/operator/coupon-keys/"),
            client.get("/operator/coupon-keys/rotate/"),
            client.post("/operator/coupon-keys/rotate/"),
            client.get(revoke),
            client.post(revoke),
        ]
        calls = [
            client.get("/api/operator/coupon-keys", headers=auth(person)),
            post(client, "/api/operator/coupon-keys/rotate", {}, person),
            post(
                client, f"/api/operator/coupon-keys/{old.public_id}/revoke", {}, person
            ),
        ]
        # then every one is refused
        assert [page.status_code for page in pages] == [403] * 5
        assert [call.status_code for call in calls] == [403] * 3
    # and no key changed
    assert PlatformKey.objects.count() == 2
    old.refresh_from_db()
    assert old.state == PlatformKey.State.RETIRED


def _made_by_the_release_before(*keys: PlatformKey) -> None:
    """As if the release before coupons 0018 had made ``keys`` during the
    rolling deploy: no number."""
    PlatformKey.objects.filter(pk__in=[key.pk for key in keys]).update(public_id=None)


def test_a_key_of_the_release_before_is_numbered_on_first_read_and_revocable(
    client, operator
):
    # given a retired key and the active one, made without a number
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    active = PlatformKey.objects.get(state=PlatformKey.State.ACTIVE)
    _made_by_the_release_before(old, active)
    client.force_login(operator)
    # when an operator opens the keys page, then the API's list
    listing = client.get("/operator/coupon-keys/")
    listed = client.get("/api/operator/coupon-keys", headers=auth(operator))
    # then both keys have a number, the same on both, and the retired one Revoke
    old.refresh_from_db()
    active.refresh_from_db()
    assert old.public_id.startswith("pkey_") and active.public_id.startswith("pkey_")
    assert f'href="/operator/coupon-keys/{old.public_id}/revoke/"' in listing.text
    assert listed.status_code == 200
    assert [row["key_id"] for row in listed.json()["items"]] == [
        active.public_id,
        old.public_id,
    ]
    numbered = AuditEntry.objects.filter(action="coupons.platform_key.numbered")
    assert sorted(numbered.values_list("object_id", flat=True)) == sorted(
        [old.public_id, active.public_id]
    )
    # and revoking it by that number works
    revoked = client.post(f"/operator/coupon-keys/{old.public_id}/revoke/")
    assert revoked.status_code == 302
    old.refresh_from_db()
    assert old.state == PlatformKey.State.REVOKED


def test_a_key_numbered_by_another_read_meanwhile_keeps_that_number(
    monkeypatch, operator
):
    # given a key without a number, which another operator's read numbers
    # between this read finding it and numbering it
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    _made_by_the_release_before(old)
    # (patched where platform_keys_number looks it up)
    new_number = platform_keys.new_public_id

    def numbered_meanwhile(prefix):
        PlatformKey.objects.filter(pk=old.pk).update(public_id="pkey_meanwhile")
        return new_number(prefix)

    monkeypatch.setattr(platform_keys, "new_public_id", numbered_meanwhile)
    # when this read numbers the keys
    numbered = keys.platform_keys_number()
    # then it numbered none and the key keeps the other read's number
    assert numbered == 0
    old.refresh_from_db()
    assert old.public_id == "pkey_meanwhile"
    assert not AuditEntry.objects.filter(action="coupons.platform_key.numbered")


def test_a_refused_reader_numbers_nothing(client, operator):
    # given a key without a number
    _station, _orders, old = _retired_key_with_coupons(operator, quantities=(1,))
    _made_by_the_release_before(old)
    # when a shopper opens the keys page and the API's list
    shopper = make_user()
    client.force_login(shopper)
    page = client.get("/operator/coupon-keys/")
    call = client.get("/api/operator/coupon-keys", headers=auth(shopper))
    # then both are refused and the key is as it was
    assert (page.status_code, call.status_code) == (403, 403)
    old.refresh_from_db()
    assert old.public_id is None
