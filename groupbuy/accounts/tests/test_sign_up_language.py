"""The sign-up SMS is written in the language chosen on the sign-up form (API
or page), not in the browser's; a number that already has an account is told
in its holder's language."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from groupbuy.accounts.models import PhoneVerification
from groupbuy.accounts.tests.helpers import PASSWORD, make_user, sms_to

pytestmark = pytest.mark.django_db

PHONE = "+8613800138077"


def _sign_up_over_the_api(client, *, chosen: str, browser: str):
    return client.post(
        "/api/auth/signup",
        {"phone": PHONE, "password": PASSWORD, "preferred_language": chosen},
        content_type="application/json",
        headers={"Accept-Language": browser},
    )


def test_the_api_sign_up_code_is_in_the_language_chosen(client, committed):
    # when someone whose phone speaks Chinese signs up choosing English
    response = committed(_sign_up_over_the_api, client, chosen="en", browser="zh-hans")

    # then the code comes in English
    assert response.status_code == 202
    (text,) = sms_to(PHONE)
    assert "your sign-up code is" in text


def test_the_page_sign_up_code_is_in_the_language_chosen(client, committed):
    # when someone whose browser speaks English chooses Chinese on the page
    response = committed(
        client.post,
        reverse("web:signup"),
        {"phone": "13800138077", "password": PASSWORD, "preferred_language": "zh-hans"},
        headers={"Accept-Language": "en"},
    )

    # then the code comes in Chinese
    assert response.status_code == 302
    (text,) = sms_to(PHONE)
    assert "您的注册验证码是" in text


def test_a_new_code_keeps_the_language_chosen(client, committed):
    # given a sign-up in English
    first = committed(_sign_up_over_the_api, client, chosen="en", browser="zh-hans")
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))

    # when a new code is asked for from a Chinese phone
    again = committed(
        client.post,
        "/api/auth/signup/resend",
        {"verification_id": first.json()["verification_id"]},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )

    # then it too is in English
    assert again.status_code == 202
    assert all("your sign-up code is" in text for text in sms_to(PHONE))
    assert len(sms_to(PHONE)) == 2


def test_a_taken_number_is_told_in_its_holders_language(client, committed):
    # given the number's account reads Chinese
    make_user(PHONE, preferred_language="zh-hans")

    # when someone signs up with it choosing English
    committed(_sign_up_over_the_api, client, chosen="en", browser="en")

    # then its holder is told, in Chinese
    with translation.override("zh-hans"):
        told = translation.gettext(
            "%(site)s: someone tried to sign up with this number, which already "
            "has an account. Log in, or reset your password if you forgot it."
        ) % {"site": settings.GROUPBUY_SITE_NAME}
    assert sms_to(PHONE) == [told]
    assert "已" in told  # the translation exists
