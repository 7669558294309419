"""The site's scripts and stylesheets go out gzipped to a browser that asks
(groupbuy/core/static_gzip.py); ranges do not (pages: test_page_gzip.py)."""

import gzip

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db

HTMX = "/static/web/vendor/htmx.min.js"
CSS = "/static/web/css/app.css"


def _on_disk(url: str) -> bytes:
    with open(finders.find(url.removeprefix("/static/")), "rb") as file:
        return file.read()


def _body(response) -> bytes:
    return (
        b"".join(response.streaming_content) if response.streaming else response.content
    )


@pytest.mark.parametrize("url", [HTMX, CSS])
def test_a_script_or_stylesheet_goes_out_gzipped_to_a_browser_that_asks(client, url):
    # when a browser that takes gzip asks for a script or the stylesheet
    response = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    # then it gets the file gzipped, a third of it or less, saying so
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = _body(response)
    assert gzip.decompress(body) == _on_disk(url)
    assert int(response["Content-Length"]) == len(body) < len(_on_disk(url)) / 2.5
    assert "Accept-Encoding" in response["Vary"]
    # and the file's type and caching are whitenoise's
    plain = client.get(url)
    for header in ("Content-Type", "ETag", "Last-Modified", "Cache-Control"):
        assert response[header] == plain[header]


def test_a_browser_that_does_not_ask_gets_the_file_as_it_is(client):
    response = client.get(HTMX)
    assert not response.has_header("Content-Encoding")
    assert _body(response) == _on_disk(HTMX)
    assert "Accept-Encoding" in response["Vary"]


def test_an_unchanged_file_is_not_sent_again(client):
    # given a browser holding the gzipped copy and its ETag
    first = client.get(HTMX, headers={"accept-encoding": "gzip"})
    # when it asks again with the ETag
    again = client.get(
        HTMX, headers={"accept-encoding": "gzip", "if-none-match": first["ETag"]}
    )
    # then nothing is sent: the copy it holds is current
    assert again.status_code == 304
    assert _body(again) == b""


def test_a_range_is_sent_as_it_is_on_disk(client):
    response = client.get(
        HTMX, headers={"accept-encoding": "gzip", "range": "bytes=0-99"}
    )
    assert response.status_code == 206
    assert not response.has_header("Content-Encoding")
    assert _body(response) == _on_disk(HTMX)[:100]


def test_the_translation_catalogue_goes_out_gzipped(client):
    # given the catalogue every page loads (a script the server writes)
    plain = client.get("/jsi18n/?lang=zh-hans")
    assert plain["Content-Type"].startswith("text/javascript")
    # when a browser that takes gzip asks for it
    response = client.get("/jsi18n/?lang=zh-hans", headers={"accept-encoding": "gzip"})
    # then it gets the same script gzipped
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content) / 2.5
    assert "Accept-Encoding" in response["Vary"]
