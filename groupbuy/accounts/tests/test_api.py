from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.accounts.models import PhoneVerification, User
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, make_user, sms_to

pytestmark = pytest.mark.django_db


def post(client, path, payload, **headers):
    return client.post(path, payload, content_type="application/json", **headers)


def _sign_up(client, committed, phone="138 0013 8000", **extra):
    payload = {"phone": phone, "password": "long-enough-pw", "display_name": "Li"}
    return committed(post, client, "/api/auth/signup", {**payload, **extra})


def test_sign_up_texts_a_code_then_verify_returns_a_working_token(client, committed):
    # when
    response = _sign_up(client, committed)
    # then no account yet, a code was texted
    assert response.status_code == 202
    body = response.json()
    assert body["verification_id"].startswith("vrf_")
    assert body["demo_sms"] is None
    assert User.objects.count() == 0
    # when the code is entered
    response = post(
        client,
        "/api/auth/signup/verify",
        {
            "verification_id": body["verification_id"],
            "code": code_sent_to("+8613800138000"),
        },
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["phone"] == "+8613800138000"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["display_name"] == "Li"


def test_sign_up_verify_with_a_wrong_code_is_400_and_creates_nobody(client, committed):
    verification_id = _sign_up(client, committed).json()["verification_id"]
    code = code_sent_to("+8613800138000")
    response = post(
        client,
        "/api/auth/signup/verify",
        {"verification_id": verification_id, "code": str((int(code) + 1) % 10**6)},
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "code_wrong",
        "message": "This code is not right. 4 tries left.",
        "fields": {"code": ["This code is not right. 4 tries left."]},
    }
    assert User.objects.count() == 0


@override_settings(GROUPBUY_DEMO_MODE=True)
def test_in_demo_mode_the_answer_carries_the_sms(client, committed):
    body = _sign_up(client, committed).json()
    assert code_sent_to("+8613800138000") in body["demo_sms"]


def test_sign_up_answers_alike_for_a_taken_number(client, committed):
    # given
    make_user("+8613800138000")
    # when
    taken = _sign_up(client, committed).json()
    fresh = _sign_up(client, committed, phone="13800138009").json()
    # then the two answers differ only in their values
    assert taken.keys() == fresh.keys()
    assert taken["demo_sms"] is None
    assert len(sms_to("+8613800138000")) == 1


def test_second_sign_up_code_at_once_is_429_with_retry_after(client, committed):
    _sign_up(client, committed)
    response = _sign_up(client, committed)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_codes"
    assert 1 <= int(response["Retry-After"]) <= 61
    assert PhoneVerification.objects.count() == 1


def _as_if_minutes_ago(minutes=2):
    PhoneVerification.objects.update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_new_sign_up_code_over_the_api_signs_up_without_the_details_again(
    client, committed
):
    # given a sign-up asked for two minutes ago, its text lost
    first = _sign_up(client, committed).json()["verification_id"]
    _as_if_minutes_ago(2)
    # when a new code is asked for with only the request's id
    response = committed(
        post, client, "/api/auth/signup/resend", {"verification_id": first}
    )
    # then a second text went out, and its code makes the account described first
    assert response.status_code == 202
    second = response.json()["verification_id"]
    assert second != first
    assert len(sms_to("+8613800138000")) == 2
    created = post(
        client,
        "/api/auth/signup/verify",
        {"verification_id": second, "code": code_sent_to("+8613800138000")},
    )
    assert created.status_code == 201
    assert created.json()["user"]["display_name"] == "Li"


def test_a_new_sign_up_code_at_once_is_429_and_sends_nothing(client, committed):
    first = _sign_up(client, committed).json()["verification_id"]
    response = post(client, "/api/auth/signup/resend", {"verification_id": first})
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_codes"
    assert 1 <= int(response["Retry-After"]) <= 61
    assert len(sms_to("+8613800138000")) == 1


@pytest.mark.parametrize(
    "path", ["/api/auth/signup/resend", "/api/auth/password/reset/resend"]
)
def test_a_new_code_for_an_unknown_or_used_request_is_refused(client, committed, path):
    unknown = post(client, path, {"verification_id": "vrf_nothing_like_it"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    first = _sign_up(client, committed).json()["verification_id"]
    post(
        client,
        "/api/auth/signup/verify",
        {"verification_id": first, "code": code_sent_to("+8613800138000")},
    )
    _as_if_minutes_ago(2)
    used = post(client, path, {"verification_id": first})
    # a sign-up request is not a reset request: it is unknown there
    expected = (400, "code_used") if "signup" in path else (404, "not_found")
    assert (used.status_code, used.json()["code"]) == expected
    assert len(sms_to("+8613800138000")) == 1


def test_a_new_reset_code_over_the_api_goes_to_the_first_number(client, committed):
    make_user("+8613800138000")
    first = committed(
        post, client, "/api/auth/password/reset", {"phone": "13800138000"}
    ).json()["verification_id"]
    _as_if_minutes_ago(2)
    response = committed(
        post, client, "/api/auth/password/reset/resend", {"verification_id": first}
    )
    assert response.status_code == 202
    assert len(sms_to("+8613800138000")) == 2
    changed = post(
        client,
        "/api/auth/password/reset/verify",
        {
            "verification_id": response.json()["verification_id"],
            "code": code_sent_to("+8613800138000"),
            "new_password": "a-new-password-5",
        },
    )
    assert changed.status_code == 200


def test_a_new_reset_code_for_a_number_without_an_account_answers_alike(
    client, committed
):
    first = committed(
        post, client, "/api/auth/password/reset", {"phone": "13800138000"}
    ).json()["verification_id"]
    _as_if_minutes_ago(2)
    response = committed(
        post, client, "/api/auth/password/reset/resend", {"verification_id": first}
    )
    assert response.status_code == 202
    assert set(response.json()) == {"verification_id", "expires_at", "demo_sms"}
    assert sms_to("+8613800138000") == []


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+86 100 0000 0000"])
def test_sign_up_rejects_invalid_phone_without_sending_anything(client, phone):
    response = post(client, "/api/auth/signup", {"phone": phone, "password": "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "phone" in body["fields"]
    assert "phone number" in body["message"]
    assert PhoneVerification.objects.count() == 0


def test_sign_up_with_weak_password_is_refused_before_any_sms(client):
    response = post(
        client, "/api/auth/signup", {"phone": "13800138000", "password": "12345678"}
    )
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert PhoneVerification.objects.count() == 0


def test_password_reset_by_code_over_the_api(client, committed):
    # given
    make_user("+8613800138000")
    # when
    response = committed(
        post, client, "/api/auth/password/reset", {"phone": "13800138000"}
    )
    assert response.status_code == 202
    response = post(
        client,
        "/api/auth/password/reset/verify",
        {
            "verification_id": response.json()["verification_id"],
            "code": code_sent_to("+8613800138000"),
            "new_password": "a-new-password-5",
        },
    )
    # then
    assert response.status_code == 200
    token = post(
        client,
        "/api/auth/token",
        {"phone": "13800138000", "password": "a-new-password-5"},
    )
    assert token.status_code == 200


def test_password_reset_for_unknown_number_is_202_like_any_other(client, committed):
    response = committed(
        post, client, "/api/auth/password/reset", {"phone": "13800138000"}
    )
    assert response.status_code == 202
    assert set(response.json()) == {"verification_id", "expires_at", "demo_sms"}
    assert sms_to("+8613800138000") == []


def test_password_change_over_the_api_needs_the_code(client, committed):
    # given
    user = make_user("+8613800138000")
    client.force_login(user)
    # when
    sent = committed(post, client, "/api/me/password/code", {})
    assert sent.status_code == 202
    wrong = post(
        client,
        "/api/me/password",
        {
            "verification_id": sent.json()["verification_id"],
            "code": "abc",
            "new_password": "a-new-password-5",
        },
    )
    right = post(
        client,
        "/api/me/password",
        {
            "verification_id": sent.json()["verification_id"],
            "code": code_sent_to("+8613800138000"),
            "new_password": "a-new-password-5",
        },
    )
    # then
    assert wrong.status_code == 400
    assert right.status_code == 200
    user.refresh_from_db()
    assert user.check_password("a-new-password-5")
    # the browser that changed it stays signed in, as with the web form
    assert client.get("/api/me").status_code == 200


def test_password_change_code_needs_sign_in(client):
    assert post(client, "/api/me/password/code", {}).status_code == 401


def test_token_with_wrong_password_is_401(client):
    make_user("+8613800138000")
    response = post(
        client, "/api/auth/token", {"phone": "13800138000", "password": "wrong"}
    )
    assert response.status_code == 401
    assert response.json()["message"] == "Wrong phone number or password."


def test_demo_style_account_logs_in_with_password_and_no_code(client):
    # Accounts made directly (the demo logins) need no SMS code.
    make_user("+8613800000001")
    response = post(
        client, "/api/auth/token", {"phone": "13800000001", "password": PASSWORD}
    )
    assert response.status_code == 200


def test_me_without_credentials_is_401(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_missing_field_is_422_with_field_name(client):
    response = post(client, "/api/auth/signup", {"password": "x"})
    assert response.status_code == 422
    assert "phone" in response.json()["fields"]


def test_sign_up_with_a_malformed_email_is_refused_before_any_sms(client):
    response = post(
        client,
        "/api/auth/signup",
        {"phone": "13800138000", "password": "long-enough-pw", "email": "not-mail"},
    )
    assert response.status_code == 400
    assert "email" in response.json()["fields"]
    assert PhoneVerification.objects.count() == 0


def test_nul_characters_in_names_are_dropped_not_a_server_error(client, committed):
    # PostgreSQL refuses NUL in text; JSON may carry it ("\u0000").
    user = make_user("+8613800138000")
    client.force_login(user)
    response = client.patch(
        "/api/me", {"display_name": "Li\u0000Na"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "LiNa"
    signup = _sign_up(client, committed, phone="13800138009", display_name="A\u0000B")
    assert signup.status_code == 202
    assert PhoneVerification.objects.get().pending["display_name"] == "AB"


def test_nul_characters_in_ids_and_token_names_are_4xx(client, committed):
    user = make_user("+8613800138000")
    client.force_login(user)
    verify = post(
        client,
        "/api/auth/signup/verify",
        {"verification_id": "vrf_\u0000", "code": "123456"},
    )
    assert post(
        client, "/api/me/reauthenticate", {"password": PASSWORD}
    ).status_code == (200)
    created = post(client, "/api/me/tokens", {"name": "a\u0000b"})
    assert verify.status_code == 400
    assert created.status_code == 201
    assert created.json()["info"]["name"] == "ab"


@pytest.mark.parametrize("email", ["", "  "])
def test_choosing_email_without_an_address_is_refused(client, email):
    # given a person with no e-mail address, notified by SMS
    user = make_user("+8613800138000", preferred_language="en")
    client.force_login(user)
    # when
    response = client.patch(
        "/api/me",
        {"contact_channel": "email", "email": email},
        content_type="application/json",
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "email_needed"
    assert body["fields"] == {
        "contact_channel": ["To be notified by e-mail, enter your e-mail address."]
    }
    user.refresh_from_db()
    assert (user.contact_channel, user.email) == ("sms", "")


def test_choosing_email_with_an_unconfirmed_address_is_allowed(client):
    user = make_user("+8613800138000", preferred_language="en")
    client.force_login(user)
    response = client.patch(
        "/api/me",
        {"contact_channel": "email", "email": "lin@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["contact_channel"] == "email"
    assert response.json()["email_verified"] is False


def test_removing_the_address_while_notified_by_email_is_refused(client):
    # given a person notified by e-mail
    user = make_user(
        "+8613800138000",
        preferred_language="en",
        email="lin@example.com",
        contact_channel="email",
    )
    client.force_login(user)
    # when the address alone is removed
    response = client.patch("/api/me", {"email": ""}, content_type="application/json")
    # then
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "email": [
            "You are notified by e-mail: choose another way to be notified "
            "before removing your e-mail address."
        ]
    }
    user.refresh_from_db()
    assert (user.contact_channel, user.email) == ("email", "lin@example.com")
    # when the channel changes with it
    response = client.patch(
        "/api/me",
        {"email": "", "contact_channel": "sms"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.contact_channel, user.email) == ("sms", "")


@pytest.mark.parametrize(
    "name",
    ["13800000001", "+86 138 0000 0001", "138-0000-0001", "Li 1380000000", "1234567"],
)
def test_a_display_name_that_looks_like_a_phone_number_is_refused(
    client, committed, name
):
    # others see the name where they would see a number: "13800000001" there
    # passes its holder off as whoever has that number
    user = make_user("+8613800138000", display_name="Li", preferred_language="en")
    client.force_login(user)
    response = client.patch(
        "/api/me", {"display_name": name}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_display_name"
    assert body["fields"]["display_name"] == [
        "A display name cannot be a phone number or hold a run of 7 digits."
    ]
    user.refresh_from_db()
    assert user.display_name == "Li"
    signup = _sign_up(client, committed, phone="13800138009", display_name=name)
    assert signup.status_code == 400
    assert "display_name" in signup.json()["fields"]
    assert PhoneVerification.objects.count() == 0


@pytest.mark.parametrize("name", ["小王", "Room 1203", "Li 138-00", "2026 Li"])
def test_a_display_name_with_a_few_digits_is_kept(client, name):
    user = make_user("+8613800138000")
    client.force_login(user)
    response = client.patch(
        "/api/me", {"display_name": name}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == name


def test_sign_up_with_a_bad_phone_and_a_bad_password_names_both(client):
    response = post(
        client,
        "/api/auth/signup",
        {"phone": "12345", "password": "12345678", "email": "not-mail"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"phone", "password", "email"}
    assert "phone number" in body["message"] and "password" in body["message"]
    assert PhoneVerification.objects.count() == 0


@override_settings(GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR=3)
def test_sign_up_codes_count_an_ipv6_64_as_one_address(committed):
    from django.test import Client

    # given three codes asked for, each from another address of one /64
    for index in range(3):
        rotating = Client(REMOTE_ADDR=f"2001:db8:1:2::{index + 1:x}")
        assert (
            _sign_up(rotating, committed, phone=f"+861380013810{index}").status_code
            == 202
        )
    # then a fourth address of that /64 is refused and nothing is texted
    same_line = Client(REMOTE_ADDR="2001:db8:1:2:ffff::1")
    refused = _sign_up(same_line, committed, phone="+8613800138109")
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_codes")
    assert sms_to("+8613800138109") == []
    # and another /64 is not held back
    other_line = Client(REMOTE_ADDR="2001:db8:1:3::1")
    assert _sign_up(other_line, committed, phone="+8613800138109").status_code == 202


def test_a_password_change_over_the_api_signs_out_the_other_tokens(client, committed):
    from groupbuy.accounts.services import api_token_create

    # given a token client and a second token (a stolen one, say)
    user = make_user("+8613800138000")
    _asking, secret = api_token_create(actor=user, name="app")
    _stolen, stolen_secret = api_token_create(actor=user, name="stolen")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    sent = committed(post, client, "/api/me/password/code", {}, **auth)
    # when the password is changed through the first token
    changed = post(
        client,
        "/api/me/password",
        {
            "verification_id": sent.json()["verification_id"],
            "code": code_sent_to("+8613800138000"),
            "new_password": "a-new-password-5",
        },
        **auth,
    )
    assert changed.status_code == 200
    # then that token still works and the other no longer does
    assert client.get("/api/me", **auth).status_code == 200
    stolen = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {stolen_secret}")
    assert stolen.status_code == 401


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Fresh Fruit"), ("zh-hans", "鲜果铺")]
)
def test_my_memberships_name_each_shop_in_my_language(client, language, shown):
    # given a cashier reading the language, of a shop with an English name
    from groupbuy.catalog.tests.factories import make_merchant, make_merchant_member

    cashier = make_user(preferred_language=language)
    merchant = make_merchant(name="鲜果铺", name_en="Fresh Fruit")
    make_merchant_member(user=cashier, merchant=merchant, role="cashier")
    client.force_login(cashier)
    # when they read their profile
    me = client.get("/api/me", headers={"Accept-Language": language}).json()
    # then
    assert [m["merchant_name"] for m in me["memberships"]] == [shown]
