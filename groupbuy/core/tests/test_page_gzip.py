"""Pages and JSON answers go out gzipped to a browser that asks, with Django's
BREACH mitigation (groupbuy/core/static_gzip.py); downloads do not."""

import gzip
import re

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_user

pytestmark = pytest.mark.django_db

GZIP = {"accept-encoding": "gzip, deflate, br"}


def _english_user():
    user = make_user()
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def test_a_page_goes_out_gzipped_to_a_browser_that_asks(client):
    # given the page as a browser that takes no gzip gets it
    plain = client.get("/login/", headers={"accept-language": "en"})
    # when one that takes gzip asks
    packed = client.get("/login/", headers={**GZIP, "accept-language": "en"})
    # then it gets the page gzipped, far smaller
    assert packed["Content-Encoding"] == "gzip"
    page = gzip.decompress(packed.content).decode()
    assert "<form" in page and "</html>" in page
    assert len(packed.content) < len(plain.content) / 2
    # with Heal The Breach: a random file name in the gzip header (FNAME)
    assert packed.content[3] & 0x08
    # and a cache between keeps the two apart
    assert "Accept-Encoding" in packed["Vary"]


def test_a_browser_that_does_not_ask_gets_the_page_plain(client):
    response = client.get("/login/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"</html>" in response.content
    assert "Accept-Encoding" in response["Vary"]


def test_a_json_answer_goes_out_gzipped(client):
    plain = client.get("/api/openapi.json")
    packed = client.get("/api/openapi.json", headers=GZIP)
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content


def test_a_signed_in_pages_csrf_token_still_works_from_a_gzipped_page():
    # given a signed-in browser that checks CSRF as a real one does
    browser = Client(enforce_csrf_checks=True)
    user = _english_user()
    browser.force_login(user)
    # when it reads its profile page gzipped and sends the form back
    page = browser.get("/me/", headers=GZIP)
    assert page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content).decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    saved = browser.post(
        "/me/",
        {
            "csrfmiddlewaretoken": token,
            "display_name": "Mei",
            "email": "",
            "preferred_language": "en",
            "contact_channel": "sms",
        },
        headers=GZIP,
    )
    # then the token is accepted and the profile saved
    assert saved.status_code == 302, saved.content[:300]
    user.refresh_from_db()
    assert user.display_name == "Mei"


def test_a_streaming_download_is_not_gzipped(client):
    # given a person's data export (a ZIP streamed a piece at a time)
    user = _english_user()
    client.force_login(user)
    # when a browser that takes gzip downloads it
    response = client.get("/api/me/data/export", headers=GZIP)
    # then it is the ZIP as it is
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert not response.has_header("Content-Encoding")
