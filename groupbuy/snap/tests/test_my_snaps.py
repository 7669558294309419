"""My snaps: a shopper's own snaps, their photos and deleting one now."""

from __future__ import annotations

import pytest
from django.core.files.storage import storages
from django.test import Client

from groupbuy.catalog.tests.factories import (
    make_merchant_member,
    make_operator,
    make_user,
)
from groupbuy.core.audit import AuditEntry
from groupbuy.snap.models import Snap
from groupbuy.snap.tests.helpers import blank_jpeg
from groupbuy.snap.tests.test_api import post_photo, signed_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_recogniser", "media_root"),
]


@pytest.fixture
def shopper():
    return make_user(preferred_language="en")


@pytest.fixture
def snap(shopper) -> Snap:
    response = post_photo(signed_in(shopper), blank_jpeg(seed=5))
    assert response.status_code == 200
    return Snap.objects.get(public_id=response.json()["id"])


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_snaps_lists_my_own_with_their_photo_and_how_long_it_is_kept(shopper, snap):
    # given someone else's snap too
    post_photo(signed_in(make_user()), blank_jpeg(seed=6))
    # when the shopper opens their snaps
    html = _signed_in(shopper).get("/snap/mine/").content.decode()
    # then only theirs is listed, with its photo and when it goes
    assert html.count('class="row" id="snap-') == 1
    assert f'id="snap-{snap.public_id}"' in html
    assert snap.photo.url in html
    assert "Photo kept until" in html and "deleted 30 days after" in html
    assert f'action="/snap/mine/{snap.public_id}/photo/delete/"' in html


def test_the_shopper_deletes_a_photo_now_and_the_snap_stays(
    shopper, snap, django_capture_on_commit_callbacks
):
    client = _signed_in(shopper)
    name = snap.photo.name
    url = f"/snap/mine/{snap.public_id}/photo/delete/"
    # when they delete it, twice (a double tap)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
        assert "The photo is deleted" in response.content.decode()
    # then the file is gone, once, and the snap says when
    snap.refresh_from_db()
    assert not snap.photo and snap.photo_deleted_at is not None
    assert not storages["private"].exists(name)
    assert AuditEntry.objects.filter(action="snap.snap.photo_deleted").count() == 1
    html = client.get("/snap/mine/").content.decode()
    assert "Photo deleted on" in html
    assert f'action="{url}"' not in html


@pytest.mark.parametrize("who", ["another shopper", "a merchant's owner"])
def test_nobody_else_sees_or_deletes_my_photo(snap, who):
    other = make_user() if who == "another shopper" else make_merchant_member().user
    client = _signed_in(other)
    assert snap.public_id not in client.get("/snap/mine/").content.decode()
    assert client.post(f"/snap/mine/{snap.public_id}/photo/delete/").status_code == 404
    snap.refresh_from_db()
    assert snap.photo


def test_signed_out_visitors_are_asked_to_sign_in(snap):
    client = Client()
    assert client.get("/snap/mine/").status_code == 302
    assert client.post(f"/snap/mine/{snap.public_id}/photo/delete/").status_code == 302
    snap.refresh_from_db()
    assert snap.photo


def test_an_operator_may_delete_a_photo_here_too(snap):
    # (as through the API: operators handle photos shoppers ask them to remove)
    client = _signed_in(make_operator())
    assert client.post(f"/snap/mine/{snap.public_id}/photo/delete/").status_code == 302
    snap.refresh_from_db()
    assert not snap.photo


def test_a_snap_left_unconfirmed_says_so_to_its_shopper(shopper, snap):
    # given a snap whose likely product the shopper did not confirm
    Snap.objects.filter(pk=snap.pk).update(status=Snap.Status.UNCONFIRMED)
    # when they open their snaps
    html = _signed_in(shopper).get("/snap/mine/").content.decode()
    # then it speaks to them (it read "Waiting for the shopper to confirm",
    # the operators' words, on the shopper's own page)
    row = html[html.index(f'id="snap-{snap.public_id}"') :]
    assert '<span class="snap-status">You did not say which product it is</span>' in row
    assert "Waiting for the shopper" not in html
