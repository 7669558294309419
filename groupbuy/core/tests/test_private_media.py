"""Private media answer whoever signs in, by session or by API token.

Any kind an app registers is served the same way; the snap photos' own rules
are in groupbuy/snap/tests/test_private_photos.py.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from groupbuy.accounts.models import ApiToken
from groupbuy.accounts.services import api_token_create, api_token_revoke
from groupbuy.catalog.tests.factories import make_user
from groupbuy.core import private_media

pytestmark = pytest.mark.django_db

KIND = "test-notes"


@pytest.fixture
def owner():
    return make_user()


@pytest.fixture
def note_url(settings, tmp_path, owner):
    """A private file of a kind only its owner may see (as an app registers)."""
    settings.GROUPBUY_PRIVATE_MEDIA_ROOT = tmp_path / "private"
    name = private_media.private_storage().save(
        f"{KIND}/{owner.public_id}.txt", ContentFile(b"for the owner only")
    )
    private_media.register(
        KIND,
        lambda user, name: name == f"{KIND}/{getattr(user, 'public_id', None)}.txt",
    )
    yield f"/private-media/{name}"
    private_media._permissions.pop(KIND)


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_the_owner_gets_the_file_with_an_api_token(owner, note_url):
    # when
    response = Client().get(note_url, headers=bearer(owner))
    # then
    assert response.status_code == 200
    assert b"".join(response) == b"for the owner only"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert "Authorization" in response["Vary"]


def test_the_owner_still_gets_the_file_with_the_web_session(owner, note_url):
    # given
    client = Client()
    client.force_login(owner)
    # when / then
    assert client.get(note_url).status_code == 200


def test_another_persons_token_gets_404(note_url):
    assert Client().get(note_url, headers=bearer(make_user())).status_code == 404


def test_a_revoked_token_gets_404(owner, note_url):
    # given
    token, secret = api_token_create(actor=owner)
    api_token_revoke(actor=owner, token_id=token.public_id)
    # when
    response = Client().get(note_url, headers={"Authorization": f"Bearer {secret}"})
    # then
    assert response.status_code == 404


def test_an_expired_token_gets_404(owner, note_url):
    # given
    token, secret = api_token_create(actor=owner)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    # when
    response = Client().get(note_url, headers={"Authorization": f"Bearer {secret}"})
    # then
    assert response.status_code == 404


def test_a_made_up_token_or_none_gets_404(note_url):
    made_up = {"Authorization": "Bearer gbt_not-a-token"}
    assert Client().get(note_url, headers=made_up).status_code == 404
    assert Client().get(note_url).status_code == 404
