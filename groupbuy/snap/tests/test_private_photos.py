"""Snap photos are private media: their taker and operators only."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.test import Client

from groupbuy.accounts.services import api_token_create, api_token_revoke
from groupbuy.catalog.tests.factories import make_operator, make_user
from groupbuy.ops.tests.test_storage_full import (  # noqa: F401 (a fixture)
    disk_fills_mid_write,
    files_under,
)
from groupbuy.snap.models import Snap
from groupbuy.snap.tests.helpers import blank_jpeg
from groupbuy.snap.tests.test_api import post_photo, signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_recogniser", "media_root"),
]


@pytest.fixture
def shopper():
    return make_user()


@pytest.fixture
def photo_url(shopper):
    response = post_photo(signed_in(shopper), blank_jpeg(seed=3))
    assert response.status_code == 200
    return Snap.objects.get(public_id=response.json()["id"]).photo.url


def test_the_photo_is_stored_outside_the_public_media(settings, photo_url):
    # given
    snap = Snap.objects.get()
    # then
    assert photo_url == f"/private-media/{snap.photo.name}"
    assert (settings.GROUPBUY_PRIVATE_MEDIA_ROOT / snap.photo.name).exists()
    assert not (settings.MEDIA_ROOT / snap.photo.name).exists()
    assert Client().get(f"/media/{snap.photo.name}").status_code == 404


def test_the_taker_gets_their_photo(shopper, photo_url):
    # when
    response = signed_in(shopper).get(photo_url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.is_async  # sent a block at a time under ASGI
    assert b"".join(response).startswith(b"\xff\xd8\xff")
    assert response["Cache-Control"] == "private, max-age=3600"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_taker_gets_the_photo_url_the_api_gave_with_their_token(shopper):
    # given a client of the API, signed in by token only (no session)
    _token, secret = api_token_create(actor=shopper)
    client = Client(headers=bearer(secret))
    assert post_photo(client, blank_jpeg(seed=5)).status_code == 200
    (mine,) = client.get("/api/snap").json()["items"]
    photo_url = mine["photo_url"]
    # when
    response = client.get(photo_url)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response).startswith(b"\xff\xd8\xff")


def test_another_shoppers_token_gets_404(photo_url):
    _token, secret = api_token_create(actor=make_user())
    assert Client().get(photo_url, headers=bearer(secret)).status_code == 404


def test_a_revoked_token_gets_404(shopper, photo_url):
    # given
    token, secret = api_token_create(actor=shopper)
    api_token_revoke(actor=shopper, token_id=token.public_id)
    # when / then
    assert Client().get(photo_url, headers=bearer(secret)).status_code == 404


def test_an_operator_gets_any_photo(photo_url):
    assert signed_in(make_operator()).get(photo_url).status_code == 200


def test_another_shopper_gets_404(photo_url):
    assert signed_in(make_user()).get(photo_url).status_code == 404


def test_an_anonymous_visitor_gets_404(photo_url):
    assert Client().get(photo_url).status_code == 404


def test_a_photo_snapped_anonymously_is_for_operators_only(shopper):
    # given
    snap_id = post_photo(Client(), blank_jpeg(seed=4)).json()["id"]
    url = Snap.objects.get(public_id=snap_id).photo.url
    # when / then
    assert Client().get(url).status_code == 404
    assert signed_in(shopper).get(url).status_code == 404
    assert signed_in(make_operator()).get(url).status_code == 200


def test_nginx_sends_the_file_when_configured(settings, shopper, photo_url):
    # given
    settings.GROUPBUY_PRIVATE_MEDIA_ACCEL = "x-accel-redirect"
    name = Snap.objects.get().photo.name
    # when
    response = signed_in(shopper).get(photo_url)
    denied = signed_in(make_user()).get(photo_url)
    # then
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private_media/{name}"
    assert response.content == b""
    assert denied.status_code == 404
    assert not denied.has_header("X-Accel-Redirect")


def test_x_sendfile_names_the_file_on_disk(settings, shopper, photo_url):
    # given
    settings.GROUPBUY_PRIVATE_MEDIA_ACCEL = "x-sendfile"
    name = Snap.objects.get().photo.name
    # when
    response = signed_in(shopper).get(photo_url)
    # then
    assert response["X-Sendfile"] == str(settings.GROUPBUY_PRIVATE_MEDIA_ROOT / name)


def test_paths_outside_a_registered_kind_are_404(shopper):
    client = signed_in(make_operator())
    assert client.get("/private-media/snaps/../../groupbuy.sqlite3").status_code == 404
    assert client.get("/private-media/other/file.jpg").status_code == 404


def test_a_deleted_photo_is_gone_for_its_taker_too(shopper, photo_url):
    # given
    snap = Snap.objects.get()
    storages["private"].delete(snap.photo.name)
    # when / then
    assert signed_in(shopper).get(photo_url).status_code == 404


@pytest.mark.usefixtures("disk_fills_mid_write")
def test_a_photo_the_disk_fills_under_leaves_no_partial_file(shopper, tmp_path):
    # given the disk filling half way through writing a snap's photo
    # when the shopper sends a photo
    response = post_photo(signed_in(shopper), blank_jpeg(seed=4))
    # then the answer is the 503 "try later", and no broken file is left behind
    assert response.status_code == 503
    assert response.json()["code"] == "storage_full"
    assert not Snap.objects.exists()
    assert files_under(tmp_path) == []
