import json

from django.test import Client
from django.urls import reverse


def test_home_renders_for_visitor_with_login_links_and_no_console_links(db):
    response = Client().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="nav-login"' in html
    assert 'id="inbox-badge"' in html
    assert 'name="csrf-token"' in html
    assert "web/vendor/htmx.min.js" not in html  # nothing here is swapped by htmx
    assert 'id="nav-merchant"' not in html
    assert 'id="nav-operator"' not in html


def test_operator_sees_operator_link(operator_client):
    html = operator_client.get("/").content.decode()
    assert 'id="nav-operator"' in html
    assert 'id="nav-logout"' in html


def test_language_switch_changes_page_language(db):
    # given
    client = Client()
    assert '<html lang="en">' in client.get("/login/").content.decode()
    # when
    response = client.post("/language/", {"language": "zh-hans", "next": "/login/"})
    # then
    assert response.status_code == 302
    html = client.get("/login/").content.decode()
    assert '<html lang="zh-Hans">' in html  # BCP 47: the script capitalised
    assert "登录" in html


def test_the_switch_becomes_a_signed_in_persons_language_for_messages(
    shopper_client, shopper
):
    # given a shopper whose profile is in Chinese
    shopper.preferred_language = "zh-hans"
    shopper.save()
    # when they switch the site to English from the header
    response = shopper_client.post("/language/", {"language": "en", "next": "/"})
    # then the page and their SMS, e-mail and new notifications are in English
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert '<html lang="en">' in shopper_client.get("/").content.decode()
    shopper.refresh_from_db()
    assert shopper.preferred_language == "en"
    # and a language the site does not have changes nothing
    shopper_client.post("/language/", {"language": "fr", "next": "/"})
    shopper.refresh_from_db()
    assert shopper.preferred_language == "en"


def test_manifest_describes_installable_app(db):
    response = Client().get(reverse("web:manifest"))
    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert data["display"] == "standalone"
    assert data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_unknown_page_uses_friendly_404(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert 'id="error-404"' in response.content.decode()


def test_a_label_takes_the_colon_of_the_pages_language(shopper_client, shopper):
    # an ASCII colon after a translated label ("手机号: ") read as a typo
    shopper_client.cookies["django_language"] = "zh-hans"
    chinese = shopper_client.get("/me/").content.decode()
    shopper_client.cookies["django_language"] = "en"
    english = shopper_client.get("/me/").content.decode()
    assert "手机号：<span" in chinese
    assert "手机号: " not in chinese
    assert "Phone number: <span" in english
