import pytest
from django.test import Client, override_settings
from django.urls import reverse

from groupbuy.accounts.models import User
from groupbuy.accounts.tests.helpers import code_sent_to, committed_runner, sms_to
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.web.tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def empty_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return committed_runner(django_capture_on_commit_callbacks)


def _signup_post(client, **fields):
    data = {
        "phone": "138 0013 8001",
        "password": PASSWORD,
        "display_name": "Wang",
        "preferred_language": "en",
        **fields,
    }
    return client.post(reverse("web:signup"), data)


def test_signup_texts_a_code_then_creates_account_signs_in_and_follows_next(
    db, committed
):
    # given
    client = Client()
    # when the form is sent
    response = committed(_signup_post, client, next="/orders/")
    # then nobody exists yet; the code page is next
    assert response.status_code == 302
    assert response["Location"].startswith("/signup/verify/vrf_")
    assert response["Location"].endswith("?next=%2Forders%2F")
    assert User.objects.count() == 0
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'id="demo-sms"' not in page.content
    # when the texted code is entered
    response = client.post(
        response["Location"],
        {"code": code_sent_to("+8613800138001"), "next": "/orders/"},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    user = User.objects.get()
    assert user.phone == "+8613800138001"
    assert user.display_name == "Wang"
    assert user.preferred_language == "en"
    assert client.get(reverse("web:profile")).status_code == 200


def test_signup_code_page_refuses_a_wrong_code(db, committed):
    client = Client()
    location = committed(_signup_post, client)["Location"]
    response = client.post(location, {"code": "12"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "This code is not right. 4 tries left."
    ]
    assert User.objects.count() == 0


@override_settings(GROUPBUY_DEMO_MODE=True)
def test_in_demo_mode_the_code_page_shows_the_sms(db, committed):
    client = Client()
    location = committed(_signup_post, client)["Location"]
    page = client.get(location)
    assert code_sent_to("+8613800138001") in page.content.decode()
    assert b'id="demo-sms"' in page.content


def test_signup_ignores_next_pointing_off_site(db, committed):
    client = Client()
    location = committed(_signup_post, client, next="https://evil.example/")["Location"]
    response = client.post(
        location,
        {"code": code_sent_to("+8613800138001"), "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signup_shows_service_error_on_phone_and_creates_nothing(db):
    # given
    response = Client().post(
        reverse("web:signup"),
        {"phone": "12", "password": PASSWORD, "preferred_language": "en"},
    )
    # then
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["phone"] == ["“12” is not a phone number."] or form.errors[
        "phone"
    ] == ["“12” is not a valid phone number."]
    assert User.objects.count() == 0


def test_signup_with_weak_password_shows_error_on_password(db):
    response = Client().post(
        reverse("web:signup"),
        {"phone": "13800138001", "password": "12345678", "preferred_language": "en"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.count() == 0


def test_signup_with_taken_phone_answers_like_any_other(shopper, committed):
    # No user enumeration: the page goes on to the code step either way.
    client = Client()
    response = committed(_signup_post, client, phone="13800138000")
    assert response.status_code == 302
    assert response["Location"].startswith("/signup/verify/vrf_")
    assert User.objects.count() == 1
    assert "already has an account" in sms_to("+8613800138000")[0]


def test_password_reset_pages_set_a_new_password(shopper, committed):
    # given
    client = Client()
    # when
    response = committed(
        client.post, reverse("web:password_reset"), {"phone": "138 0013 8000"}
    )
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"code": code_sent_to("+8613800138000"), "new_password": "fresh-secret-42"},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    shopper.refresh_from_db()
    assert shopper.check_password("fresh-secret-42")


def test_password_reset_page_answers_alike_for_an_unknown_number(db, committed):
    client = Client()
    response = committed(
        client.post, reverse("web:password_reset"), {"phone": "138 0013 8009"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/password/reset/vrf_")
    page = client.get(response["Location"])
    assert b"If this number has an account" in page.content
    assert sms_to("+8613800138009") == []


def test_password_change_by_code_keeps_me_signed_in(shopper_client, shopper, committed):
    response = committed(shopper_client.post, reverse("web:password_change"))
    assert response.status_code == 302
    response = shopper_client.post(
        response["Location"],
        {"code": code_sent_to("+8613800138000"), "new_password": "fresh-secret-42"},
    )
    assert response.status_code == 302
    shopper.refresh_from_db()
    assert shopper.check_password("fresh-secret-42")
    assert shopper_client.get(reverse("web:profile")).status_code == 200


def test_password_change_code_of_another_person_is_refused(
    shopper, operator, committed
):
    # given a change code texted to the shopper
    owner = Client()
    owner.force_login(shopper)
    location = committed(owner.post, reverse("web:password_change"))["Location"]
    code = code_sent_to("+8613800138000")
    # when the operator tries it on their own account
    intruder = Client()
    intruder.force_login(operator)
    response = intruder.post(
        location, {"code": code, "new_password": "fresh-secret-42"}
    )
    # then the code page is not there for them, as in the API
    assert response.status_code == 404
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)


def test_login_accepts_phone_in_any_format(shopper):
    client = Client()
    response = client.post(
        reverse("web:login"),
        {"phone": "+86 138-0013-8000", "password": PASSWORD, "next": "/money/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/money/"
    assert client.session["_auth_user_id"] == str(shopper.pk)


def test_login_with_wrong_password_shows_error_and_does_not_sign_in(shopper):
    client = Client()
    response = client.post(
        reverse("web:login"), {"phone": "13800138000", "password": "wrong-one"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The phone number or password is not right."
    ]
    assert "_auth_user_id" not in client.session


def test_login_with_unparseable_phone_shows_phone_error(db):
    response = Client().post(
        reverse("web:login"), {"phone": "abc", "password": "whatever"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["“abc” is not a phone number."]


def test_logout_needs_post(shopper_client):
    assert shopper_client.get(reverse("web:logout")).status_code == 405
    response = shopper_client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in shopper_client.session


def test_profile_requires_login(db):
    response = Client().get(reverse("web:profile"))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/me/"


def test_profile_update_saves_and_switches_language(shopper_client, shopper):
    response = shopper_client.post(
        reverse("web:profile"),
        {
            "display_name": "Lin Mei",
            "email": "lin@example.com",
            "preferred_language": "zh-hans",
            "contact_channel": "email",
        },
    )
    assert response.status_code == 302
    shopper.refresh_from_db()
    assert (shopper.display_name, shopper.email) == ("Lin Mei", "lin@example.com")
    assert (shopper.preferred_language, shopper.contact_channel) == (
        "zh-hans",
        "email",
    )
    assert response.cookies["django_language"].value == "zh-hans"


def test_profile_with_bad_email_changes_nothing(shopper_client, shopper):
    response = shopper_client.post(
        reverse("web:profile"),
        {
            "display_name": "Changed",
            "email": "not-an-email",
            "preferred_language": "en",
            "contact_channel": "sms",
        },
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    shopper.refresh_from_db()
    assert shopper.display_name == "Lin"


def test_profile_refuses_email_notifications_without_an_address(
    shopper_client, shopper
):
    # given a shopper with no e-mail address
    # when they choose to be notified by e-mail
    response = shopper_client.post(
        reverse("web:profile"),
        {"email": "", "preferred_language": "en", "contact_channel": "email"},
    )
    # then the page says why, on the field, and nothing is saved
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "contact_channel": ["To be notified by e-mail, enter your e-mail address."]
    }
    shopper.refresh_from_db()
    assert shopper.contact_channel == "sms"


def test_profile_refuses_clearing_the_address_notifications_go_to(
    shopper_client, shopper
):
    # given a shopper notified by e-mail
    shopper.email, shopper.contact_channel = "lin@example.com", "email"
    shopper.save(update_fields=["email", "contact_channel"])
    # when they clear the address and keep the channel
    response = shopper_client.post(
        reverse("web:profile"),
        {"email": "", "preferred_language": "en", "contact_channel": "email"},
    )
    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert "choose another way to be notified" in response.content.decode()
    shopper.refresh_from_db()
    assert (shopper.email, shopper.contact_channel) == ("lin@example.com", "email")


def test_notification_settings_warn_when_email_has_no_address(shopper_client, shopper):
    # given an account saved before the profile refused this
    User.objects.filter(pk=shopper.pk).update(contact_channel="email")
    # when
    page = shopper_client.get(reverse("web:notification_settings")).content.decode()
    # then
    assert "has no e-mail address" in page


def test_account_pages_speak_chinese(shopper_client):
    # given a visitor and a signed-in person who switched to Chinese
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    shopper_client.cookies["django_language"] = "zh-hans"
    # when
    reset = visitor.get(reverse("web:password_reset")).content.decode()
    tokens = shopper_client.get(reverse("web:api_tokens")).content.decode()
    # then
    assert "重置密码" in reset
    assert "发送验证码" in reset
    assert "API 令牌" in tokens


def test_signing_up_from_the_join_button_comes_back_and_completes_the_join(
    db, committed
):
    # given a visitor who chose 2 units of a deal and pressed Join
    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.tests.factories import make_deal

    deal = make_deal()
    client = Client()
    client.post(reverse("web:deal_join", args=[deal.public_id]), {"quantity": "2"})
    resume_url = f"/deals/{deal.public_id}/join/resume/"
    # when they create an account instead of logging in
    response = committed(_signup_post, client, next=resume_url)
    response = client.post(
        response["Location"],
        {"code": code_sent_to("+8613800138001"), "next": resume_url},
    )
    assert response["Location"] == resume_url
    response = client.get(resume_url)
    # then the new account's join is done, and they go on to pay
    order = DealOrder.objects.get()
    assert (order.shopper.phone, order.quantity) == ("+8613800138001", 2)
    assert order.payment_intent.public_id in response["Location"]


def test_creating_a_token_redirects_and_shows_the_secret_once(shopper_client, shopper):
    from groupbuy.accounts.models import ApiToken

    # when a token is created
    response = shopper_client.post(
        reverse("web:api_tokens"),
        {"name": "my shop script", "days": 30, "password": PASSWORD},
    )
    # then the answer is a redirect that carries no secret
    assert response.status_code == 302
    assert response["Location"] == reverse("web:api_tokens")
    token = ApiToken.objects.get(user=shopper)
    # and the page it leads to shows the secret, once
    first = shopper_client.get(reverse("web:api_tokens"))
    secret = first.context["created"]["secret"]
    assert first.context["created"]["token"] == token
    assert secret in first.content.decode()
    assert ApiToken.objects.get(key_hash=token.key_hash) == token
    second = shopper_client.get(reverse("web:api_tokens"))
    assert second.context["created"] is None
    assert secret not in second.content.decode()
    assert 'id="token-secret"' not in second.content.decode()
    assert ApiToken.objects.filter(user=shopper).count() == 1


def test_a_token_secret_waiting_in_one_session_is_not_shown_to_another(
    shopper_client, operator_client
):
    shopper_client.post(
        reverse("web:api_tokens"), {"name": "script", "days": 30, "password": PASSWORD}
    )
    page = operator_client.get(reverse("web:api_tokens"))
    assert page.context["created"] is None
    assert shopper_client.get(reverse("web:api_tokens")).context["created"]


def test_signup_with_a_bad_phone_and_a_bad_password_shows_both(db):
    response = Client().post(
        reverse("web:signup"),
        {
            "phone": "12",
            "password": "12345678",
            "display_name": "138 0000 0001",
            "preferred_language": "en",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"phone", "password", "display_name"}
    assert User.objects.count() == 0
    assert sms_to("+8613800000001") == []


def test_profile_refuses_a_display_name_that_looks_like_a_phone_number(
    shopper_client, shopper
):
    response = shopper_client.post(
        reverse("web:profile"),
        {
            "display_name": "+86 138-0000-0001",
            "email": "not-an-email",
            "preferred_language": "en",
            "contact_channel": "sms",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    # said with the other mistake on the form, not after it is mended
    assert errors["display_name"] == [
        "A display name cannot be a phone number or hold a run of 7 digits."
    ]
    assert "email" in errors
    shopper.refresh_from_db()
    assert shopper.display_name == "Lin"
