from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import User
from groupbuy.web.tests.conftest import PASSWORD


def test_signup_creates_account_signs_in_and_follows_next(db):
    # given
    client = Client()
    # when
    response = client.post(
        reverse("web:signup"),
        {
            "phone": "138 0013 8001",
            "password": PASSWORD,
            "display_name": "Wang",
            "preferred_language": "en",
            "next": "/orders/",
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    user = User.objects.get()
    assert user.phone == "+8613800138001"
    assert user.display_name == "Wang"
    assert user.preferred_language == "en"
    assert client.get(reverse("web:profile")).status_code == 200


def test_signup_ignores_next_pointing_off_site(db):
    response = Client().post(
        reverse("web:signup"),
        {
            "phone": "13800138001",
            "password": PASSWORD,
            "preferred_language": "en",
            "next": "https://evil.example/",
        },
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


def test_signup_with_taken_phone_says_so(shopper):
    response = Client().post(
        reverse("web:signup"),
        {"phone": "13800138000", "password": PASSWORD, "preferred_language": "en"},
    )
    form = response.context["form"]
    assert form.errors["phone"] == ["Already registered."]
    assert form.non_field_errors() == [
        "An account with this phone number already exists."
    ]
    assert User.objects.count() == 1
    assert b'id="form-errors"' in response.content


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
