"""Password rules are told in the reader's language.

Django 5.2's "too short" message has a msgid its zh_Hans catalog lacks, so a
Chinese sign-up was refused in English; ours comes from our own catalog.
"""

import pytest
from django.contrib.auth.password_validation import get_default_password_validators
from django.test import Client
from django.urls import reverse
from django.utils import translation

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.password_validation import MinimumLengthValidator
from groupbuy.accounts.services import user_sign_up

TOO_SHORT_IN_ENGLISH = "This password is too short: use at least 8 characters."


def _too_short_in_chinese() -> str:
    with translation.override("zh-hans"):
        return MinimumLengthValidator(min_length=8).get_error_message()


def test_every_configured_password_rule_has_a_chinese_message_and_help_text():
    # given the rules sign-up, password reset and password change apply
    validators = get_default_password_validators()
    # when each is read in English and in Chinese
    with translation.override("en"):
        english = [(v.get_error_message(), v.get_help_text()) for v in validators]
    with translation.override("zh-hans"):
        chinese = [(v.get_error_message(), v.get_help_text()) for v in validators]
    # then no message nor help text is left in English
    assert [
        (message_en == message_zh, help_en == help_zh)
        for (message_en, help_en), (message_zh, help_zh) in zip(
            english, chinese, strict=True
        )
    ] == [(False, False)] * len(validators)
    assert english[0][0] == TOO_SHORT_IN_ENGLISH


def test_the_minimum_length_message_names_the_length_in_either_language():
    validator = MinimumLengthValidator(min_length=1)
    with translation.override("en"):
        assert validator.get_error_message() == (
            "This password is too short: use at least 1 character."
        )
        assert validator.get_help_text() == "Use at least 1 character."
    assert _too_short_in_chinese() == "密码太短：请至少使用 8 个字符。"


@pytest.mark.django_db
def test_a_short_password_is_refused_in_chinese_on_the_api(client):
    # when
    response = client.post(
        "/api/auth/signup",
        {"phone": "+8613800000077", "password": "abc", "display_name": "x"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    # then
    assert response.status_code == 400
    messages = response.json()["fields"]["password"]
    assert _too_short_in_chinese() in messages
    assert TOO_SHORT_IN_ENGLISH not in messages
    assert PhoneVerification.objects.count() == 0


@pytest.mark.django_db
def test_a_short_password_is_refused_in_chinese_on_the_sign_up_page():
    # when
    response = Client(headers={"Accept-Language": "zh-hans"}).post(
        reverse("web:signup"),
        {"phone": "13800138001", "password": "abc", "preferred_language": "zh-hans"},
    )
    # then
    assert response.status_code == 200
    assert _too_short_in_chinese() in response.context["form"].errors["password"]
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_an_account_signed_up_with_no_password_has_none_to_sign_in_with():
    # given the demo's buyers, who never sign in
    # when one signs up with password=None
    user = user_sign_up(phone="+8613900000077", password=None, display_name="团友")
    # then no password signs in to the account (and none was hashed)
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not user.check_password("")
    assert not user.check_password("None")
