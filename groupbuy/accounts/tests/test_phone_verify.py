"""A signed-in person confirms the number their account was made with."""

import pytest

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.signals import phone_verified
from groupbuy.accounts.tests.helpers import code_sent_to, make_user
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "+8613800138005"


def _auth(user) -> dict:
    _token, secret = services.api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_the_code_texted_to_the_number_confirms_it(committed):
    # given an account made without the SMS sign-up
    user = make_user(PHONE)
    announced = []

    def on_verified(sender, *, user, phone_e164, **kwargs):
        announced.append(phone_e164)

    phone_verified.connect(on_verified)
    try:
        # when the person asks for a code and enters it
        sent = committed(services.phone_verify_request, actor=user)
        committed(
            services.phone_verify_complete,
            actor=user,
            verification_id=sent.verification.public_id,
            code=code_sent_to(PHONE),
        )
    finally:
        phone_verified.disconnect(on_verified)
    # then the number is confirmed, audited and announced once
    user.refresh_from_db()
    assert user.phone_verified_at is not None
    assert announced == [PHONE]
    assert AuditEntry.objects.filter(
        action="accounts.phone.verified", actor=user
    ).exists()


def test_another_persons_code_confirms_nothing(committed):
    first, second = make_user(PHONE), make_user("+8613800138006")
    sent = committed(services.phone_verify_request, actor=first)
    with pytest.raises(AccountError) as caught:
        services.phone_verify_complete(
            actor=second,
            verification_id=sent.verification.public_id,
            code=code_sent_to(PHONE),
        )
    assert caught.value.code == "code_wrong"
    second.refresh_from_db()
    assert second.phone_verified_at is None


def test_a_wrong_code_confirms_nothing(committed):
    user = make_user(PHONE)
    sent = committed(services.phone_verify_request, actor=user)
    wrong = "000000" if code_sent_to(PHONE) != "000000" else "111111"
    with pytest.raises(AccountError):
        services.phone_verify_complete(
            actor=user, verification_id=sent.verification.public_id, code=wrong
        )
    user.refresh_from_db()
    assert user.phone_verified_at is None


def test_through_the_api(client, django_capture_on_commit_callbacks):
    user = make_user(PHONE)
    headers = _auth(user)
    assert client.get("/api/me", headers=headers).json()["is_phone_verified"] is False
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/api/me/phone/code", headers=headers)
    assert sent.status_code == 202
    verified = client.post(
        "/api/me/phone/verify",
        {"verification_id": sent.json()["verification_id"], "code": "12"},
        content_type="application/json",
        headers=headers,
    )
    assert verified.status_code == 400 and verified.json()["code"] == "code_wrong"
    verified = client.post(
        "/api/me/phone/verify",
        {
            "verification_id": sent.json()["verification_id"],
            "code": code_sent_to(PHONE),
        },
        content_type="application/json",
        headers=headers,
    )
    assert verified.status_code == 200, verified.content
    assert verified.json()["is_phone_verified"] is True


def test_through_the_pages_and_back_to_where_the_person_was(
    client, django_capture_on_commit_callbacks
):
    user = make_user(PHONE)
    client.force_login(user)
    assert 'id="phone-verify-form"' in client.get("/me/phone/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/me/phone/", {"next": "/demands/new/"})
    assert sent.status_code == 302
    code_page, _query = sent.url.split("?")
    assert _query == "next=/demands/new/"
    done = client.post(
        code_page, {"code": code_sent_to(PHONE), "next": "/demands/new/"}
    )
    assert (done.status_code, done.url) == (302, "/demands/new/")
    user.refresh_from_db()
    assert user.phone_verified_at is not None
    # an outside "next" is never followed
    assert client.get("/me/phone/?next=https://evil.example/").url == "/me/"
