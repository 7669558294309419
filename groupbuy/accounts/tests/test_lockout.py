"""Failed logins are limited per phone number and per client address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from groupbuy.accounts.tests.helpers import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PHONE = "+8613800138000"


def api_login(client, password, phone="13800138000", **extra):
    return client.post(
        "/api/auth/token",
        {"phone": phone, "password": password},
        content_type="application/json",
        **extra,
    )


def web_login(client, password, phone="138 0013 8000", **extra):
    return client.post(
        reverse("web:login"), {"phone": phone, "password": password}, **extra
    )


def test_after_ten_wrong_passwords_the_right_one_is_refused_with_json_429(client):
    # given
    make_user(PHONE)
    statuses = [api_login(client, "wrong").status_code for _ in range(9)]
    assert statuses == [401] * 9
    # when the tenth wrong password locks the number
    tenth = api_login(client, "wrong")
    # then it and the next try, with the right password, answer 429
    eleventh = api_login(client, PASSWORD)
    for response in (tenth, eleventh):
        assert response.status_code == 429
        body = response.json()
        assert body["code"] == "too_many_logins"
        assert body["message"].startswith("Too many failed logins. Try again in 15")
        assert body["fields"] == {}
        assert 899 <= int(response["Retry-After"]) <= 900
    assert "token" not in eleventh.json()


def test_the_lockout_ends_after_the_cool_off(client):
    make_user(PHONE)
    for _ in range(10):
        api_login(client, "wrong")
    assert api_login(client, PASSWORD).status_code == 429
    # when the cool-off has passed
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=15, seconds=1)
    )
    # then the right password works again
    assert api_login(client, PASSWORD).status_code == 200


def test_web_form_says_when_to_try_again_and_does_not_sign_in():
    make_user(PHONE)
    client = Client()
    for _ in range(10):
        web_login(client, "wrong")
    response = web_login(client, PASSWORD)
    assert response.status_code == 429
    (message,) = response.context["form"].non_field_errors()
    assert message.startswith("Too many failed logins. Try again in 15 minutes (after ")
    assert 899 <= int(response["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session


def test_failures_count_per_number_whatever_its_spelling():
    make_user(PHONE)
    client = Client()
    spellings = ["13800138000", "+86 138 0013 8000", "138-0013-8000"]
    for index in range(10):
        web_login(client, "wrong", phone=spellings[index % 3])
    # from another address
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert api_login(other, PASSWORD).status_code == 429


def test_failures_count_per_address_across_numbers():
    # given ten wrong passwords for ten different numbers from one address
    make_user(PHONE)
    client = Client(REMOTE_ADDR="203.0.113.5")
    for index in range(10):
        api_login(client, "wrong", phone=f"+8613900139{index:03d}")
    # then that address may not log in even the right account
    assert api_login(client, PASSWORD).status_code == 429
    # and another address still may
    assert api_login(Client(REMOTE_ADDR="203.0.113.6"), PASSWORD).status_code == 200


def test_spoofed_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_limit():
    make_user(PHONE)
    client = Client(REMOTE_ADDR="203.0.113.5")
    for index in range(10):
        api_login(
            client,
            "wrong",
            phone=f"+8613900139{index:03d}",
            HTTP_X_FORWARDED_FOR=f"10.9.9.{index}",
        )
    response = api_login(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200")
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.5"
    }


@override_settings(GROUPBUY_TRUSTED_PROXIES=["10.0.0.1"])
def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone():
    make_user(PHONE)
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for index in range(10):
        api_login(
            proxy,
            "wrong",
            phone=f"+8613900139{index:03d}",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    blocked = api_login(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    allowed = api_login(proxy, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert blocked.status_code == 429
    assert allowed.status_code == 200


def test_a_success_clears_earlier_failures():
    make_user(PHONE)
    client = Client()
    for _ in range(9):
        api_login(client, "wrong")
    assert api_login(client, PASSWORD).status_code == 200
    assert api_login(client, "wrong").status_code == 401
    assert api_login(client, PASSWORD).status_code == 200


def test_the_django_admin_login_is_limited_too():
    make_user(PHONE, is_staff=True)
    client = Client()
    for _ in range(10):
        client.post("/admin/login/", {"username": PHONE, "password": "wrong"})
    response = client.post("/admin/login/", {"username": PHONE, "password": PASSWORD})
    assert response.status_code == 429
    assert (
        "Too many failed logins. Try again in 15 minutes" in response.content.decode()
    )
    assert 899 <= int(response["Retry-After"]) <= 900
    assert "_auth_user_id" not in client.session


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_locked_out_web_login_under_asgi_says_when_to_come_back():
    # given the site served as it runs (ASGI: axes' middleware in async mode,
    # which hands the lockout answer the credentials where the response goes)
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    await sync_to_async(make_user)(PHONE)
    client = AsyncClient()
    for _ in range(10):
        await client.post(
            reverse("web:login"), {"phone": "138 0013 8000", "password": "wrong"}
        )
    # when the right password comes next
    response = await client.post(
        reverse("web:login"), {"phone": "138 0013 8000", "password": PASSWORD}
    )
    # then it is refused with when to try again, not a server error
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert 899 <= int(response["Retry-After"]) <= 900


def test_an_ipv6_client_cannot_dodge_the_address_limit_within_its_64():
    # given ten wrong passwords for ten numbers, each from another address of
    # one /64 (what one subscriber's line or phone is given to pick from)
    make_user(PHONE)
    for index in range(10):
        rotating = Client(REMOTE_ADDR=f"2001:db8:1:2::{index + 1:x}")
        api_login(rotating, "wrong", phone=f"+8613900139{index:03d}")
    # then a further address of that /64 is held back, the right password too
    same_line = Client(REMOTE_ADDR="2001:db8:1:2:abcd::9")
    assert api_login(same_line, PASSWORD).status_code == 429
    # and another /64 still may sign in
    other_line = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert api_login(other_line, PASSWORD).status_code == 200
