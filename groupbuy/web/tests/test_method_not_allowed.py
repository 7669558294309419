"""Opening a POST-only action's address in the browser gives a page, not a blank
405; the API keeps its JSON."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/inbox/read-all/", "/account/data/erasure/cancel/"])
def test_opening_an_action_in_the_browser_shows_a_page_in_english(shopper_client, path):
    # when
    response = shopper_client.get(path, HTTP_REFERER="http://testserver/inbox/")
    # then
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'id="error-405"' in page
    assert "This action is done with the page's button." in page
    assert 'href="/inbox/" id="error-405-back"' in page
    assert 'id="error-405-home"' in page


def test_the_page_speaks_chinese_to_a_chinese_visitor(db):
    # given a visitor whose browser asks for Chinese, coming from another site
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    # when
    response = visitor.get("/logout/", HTTP_REFERER="https://elsewhere.example/")
    # then
    assert response.status_code == 405
    page = response.content.decode()
    assert 'lang="zh-Hans"' in page
    assert 'id="error-405"' in page
    assert "error-405-back" not in page


def test_the_api_keeps_its_json_405(shopper_client):
    response = shopper_client.get("/api/auth/token")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
