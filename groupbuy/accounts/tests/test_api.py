import pytest

from groupbuy.accounts.models import User

pytestmark = pytest.mark.django_db


def test_sign_up_normalises_phone_and_returns_a_working_token(client):
    # when
    response = client.post(
        "/api/auth/signup",
        {"phone": "138 0013 8000", "password": "long-enough-pw", "display_name": "Li"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["user"]["phone"] == "+8613800138000"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["display_name"] == "Li"


@pytest.mark.parametrize("phone", ["12345", "not a phone", "+86 100 0000 0000"])
def test_sign_up_rejects_invalid_phone_without_creating_anyone(client, phone):
    response = client.post(
        "/api/auth/signup",
        {"phone": phone, "password": "long-enough-pw"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "phone" in body["fields"]
    assert "phone number" in body["message"]
    assert User.objects.count() == 0


def test_sign_up_twice_with_same_phone_is_a_conflict(client):
    payload = {"phone": "13800138000", "password": "long-enough-pw"}
    client.post("/api/auth/signup", payload, content_type="application/json")
    response = client.post("/api/auth/signup", payload, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "phone_taken"
    assert User.objects.count() == 1


def test_token_with_wrong_password_is_401(client):
    User.objects.create_user("13800138000", "right-password-1")
    response = client.post(
        "/api/auth/token",
        {"phone": "13800138000", "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["message"] == "Wrong phone number or password."


def test_me_without_credentials_is_401(client):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_missing_field_is_422_with_field_name(client):
    response = client.post(
        "/api/auth/signup", {"password": "x"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "phone" in response.json()["fields"]
