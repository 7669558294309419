"""Refusals that quote what was sent quote it without its control characters.

A GTIN sent with a line break and an escape sequence came back verbatim in the
message ("“123\\n\\x1b[2J…” does not"), into logs and terminals that show it."""

import pytest

from groupbuy.core.echo import echoed


def test_control_and_reordering_characters_are_shown_as_one_mark_per_run():
    assert echoed("12\n3\x1b[2J\u202eabc\u200b\u200bd") == "12�3�[2J�abc�d"


def test_a_long_value_is_cut_to_forty_characters():
    quoted = echoed("1" * 1000)
    assert quoted == "1" * 39 + "…"
    assert echoed("1" * 40) == "1" * 40


def test_a_value_that_is_not_text_is_quoted_as_text():
    assert echoed(12345) == "12345"


@pytest.mark.django_db
def test_a_bad_gtin_is_quoted_without_its_control_characters(client):
    # when a GTIN with an escape sequence and a line break is looked up
    response = client.get(
        "/api/catalog/products/gtin/12%1B%5B31m345%0A",
        headers={"Accept-Language": "en"},
    )
    # then
    assert response.status_code == 400
    message = "A GTIN has 8, 12, 13 or 14 digits; “12�[31m345�” does not."
    assert response.json() == {
        "code": "invalid_gtin",
        "message": message,
        "fields": {"code": [message]},
    }


@pytest.mark.django_db
def test_a_bad_phone_number_is_quoted_without_its_control_characters(client):
    # when
    response = client.post(
        "/api/auth/signup",
        {"phone": "138\r\n0013\u202e8000999", "password": "a long password"},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "“138�0013�8000999”" in body["message"]
    assert not any(ord(char) < 32 for char in str(body))
