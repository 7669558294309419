"""A signed-in person moves their account to another phone number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import PasswordConfirmAttempt, PhoneVerification, User
from groupbuy.accounts.signals import phone_verified
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, make_user, sms_to
from groupbuy.core.models import AuditEntry
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db

OLD = "+8613800138010"
NEW = "+8613900139011"
OTHER = "+8613700137012"


def _auth(user) -> dict:
    _token, secret = services.api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _post(client, path, body, headers):
    return client.post(path, body, content_type="application/json", headers=headers)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_the_code_texted_to_the_new_number_moves_the_account(committed):
    # given a person with a verified old number
    user = make_user(OLD)
    announced = []

    def on_verified(sender, *, user, phone_e164, **kwargs):
        announced.append(phone_e164)

    phone_verified.connect(on_verified)
    try:
        # when they ask for a code for the new number and enter it
        sent = committed(services.phone_change_request, actor=user, new_phone=NEW)
        committed(
            services.phone_change_complete,
            actor=user,
            new_phone="139 0013 9011",
            code=code_sent_to(NEW),
        )
    finally:
        phone_verified.disconnect(on_verified)
    # then the account has the new number, verified, audited and announced
    assert sent.verification.phone == NEW
    assert sent.verification.purpose == "phone_change"
    user.refresh_from_db()
    assert user.phone == NEW
    assert user.phone_verified_at is not None
    assert announced == [NEW]
    entry = AuditEntry.objects.get(action="accounts.phone.changed")
    assert entry.actor == user
    assert entry.data["old_phone"] == "+86138****8010"
    # the old number is told, and the person in their inbox
    assert sms_to(OLD) == [
        "Your groupbuy account's number was changed to +86139****9011. If this "
        "wasn't you, contact support."
    ]
    notification = Notification.objects.get(recipient=user)
    assert notification.kind == "accounts.phone.changed"
    assert notification.title == "Your phone number was changed"


@pytest.mark.parametrize(
    ("new_phone", "code"),
    [("12", "invalid"), (OLD, "phone_same"), ("138 0013 8010", "phone_same")],
)
def test_a_malformed_or_the_same_number_gets_no_code(new_phone, code):
    user = make_user(OLD)
    with pytest.raises(AccountError) as refused:
        services.phone_change_request(actor=user, new_phone=new_phone)
    assert refused.value.code == code
    assert list(refused.value.fields) == ["new_phone"]
    assert not PhoneVerification.objects.exists()


def test_a_wrong_code_changes_nothing_and_stays_counted(committed):
    user = make_user(OLD)
    committed(services.phone_change_request, actor=user, new_phone=NEW)
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(
            actor=user, new_phone=NEW, code=_wrong(code_sent_to(NEW))
        )
    assert refused.value.code == "code_wrong"
    user.refresh_from_db()
    assert user.phone == OLD
    assert PhoneVerification.objects.get().failed_attempts == 1
    assert sms_to(OLD) == []


def test_a_code_for_another_new_number_moves_nothing(committed):
    # given codes asked for two numbers: the later request is the one that counts
    user = make_user(OLD)
    committed(services.phone_change_request, actor=user, new_phone=NEW)
    first_code = code_sent_to(NEW)
    committed(services.phone_change_request, actor=user, new_phone=OTHER)
    # when the person enters the first number with its code
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(actor=user, new_phone=NEW, code=first_code)
    # then it is refused on the number
    assert refused.value.code == "code_other_number"
    assert list(refused.value.fields) == ["new_phone"]
    user.refresh_from_db()
    assert user.phone == OLD


def test_without_a_code_request_nothing_moves():
    user = make_user(OLD)
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(actor=user, new_phone=NEW, code="123456")
    assert refused.value.code == "code_missing"


def test_another_persons_code_cannot_move_my_account(committed):
    # given a stranger asked for a code for NEW and it was texted there
    stranger = make_user(OTHER)
    committed(services.phone_change_request, actor=stranger, new_phone=NEW)
    me = make_user(OLD)
    # when I enter that code for NEW
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(actor=me, new_phone=NEW, code=code_sent_to(NEW))
    # then nothing moves and the stranger's code is not spent
    assert refused.value.code == "code_missing"
    me.refresh_from_db()
    assert me.phone == OLD
    assert PhoneVerification.objects.get().used_at is None


def test_a_number_another_account_holds_is_refused_only_after_its_code(committed):
    # given the new number has an account by the time the code is entered
    user = make_user(OLD)
    committed(services.phone_change_request, actor=user, new_phone=NEW)
    holder = make_user(NEW)
    # and its holder was told what the code is for, and that they may ignore it
    (texted,) = sms_to(NEW)
    assert "someone asked to move an account to this number" in texted
    assert "If it was not you, ignore this message." in texted
    # when a wrong code is entered: the code is refused, nothing is told
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(
            actor=user, new_phone=NEW, code=_wrong(code_sent_to(NEW))
        )
    assert refused.value.code == "code_wrong"
    # when the right code is entered: 409 phone_taken
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(
            actor=user, new_phone=NEW, code=code_sent_to(NEW)
        )
    assert (refused.value.code, refused.value.status) == ("phone_taken", 409)
    assert refused.value.message == (
        "This number is already registered to another account."
    )
    user.refresh_from_db()
    holder.refresh_from_db()
    assert (user.phone, holder.phone) == (OLD, NEW)
    assert sms_to(OLD) == []


# --- API ------------------------------------------------------------------------


def test_through_the_api(client, django_capture_on_commit_callbacks, settings):
    settings.GROUPBUY_DEMO_MODE = True
    user = make_user(OLD)
    headers = _auth(user)
    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(
            client,
            "/api/me/phone/change/code",
            {"new_phone": "13900139011", "password": PASSWORD},
            headers,
        )
    assert sent.status_code == 202, sent.content
    assert code_sent_to(NEW) in sent.json()["demo_sms"]
    with django_capture_on_commit_callbacks(execute=True):
        changed = _post(
            client,
            "/api/me/phone/change",
            {"new_phone": NEW, "code": code_sent_to(NEW)},
            headers,
        )
    assert changed.status_code == 200, changed.content
    assert changed.json()["phone"] == NEW
    assert changed.json()["is_phone_verified"] is True
    # the token is kept: it belongs to the same person
    assert client.get("/api/me", headers=headers).json()["phone"] == NEW
    assert len(sms_to(OLD)) == 1


def test_the_api_refuses_a_wrong_password_on_its_field(client):
    user = make_user(OLD)
    answer = _post(
        client,
        "/api/me/phone/change/code",
        {"new_phone": NEW, "password": "not-it"},
        _auth(user),
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "password_wrong",
        "message": "This is not your password.",
        "fields": {"password": ["This is not your password."]},
    }
    assert not PhoneVerification.objects.exists()
    assert sms_to(NEW) == []


def _ask_code(client, headers, password):
    return _post(
        client,
        "/api/me/phone/change/code",
        {"new_phone": NEW, "password": password},
        headers,
    )


def test_wrong_passwords_have_their_own_limit(client, settings):
    # given a limit of 3 wrong passwords on the change page, 2 for logins
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 3
    settings.AXES_FAILURE_LIMIT = 2
    user = make_user(OLD)
    headers = _auth(user)
    # when someone holding the session guesses 3 wrong passwords
    answers = [_ask_code(client, headers, "not-it") for _ in range(3)]
    # then each is refused on its field, and after them even the right one waits
    assert [a.json()["code"] for a in answers] == ["password_wrong"] * 3
    answer = _ask_code(client, headers, PASSWORD)
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_passwords"
    assert answer.json()["message"] == (
        "Too many wrong passwords. Try again in 15 minutes."
    )
    assert 14 * 60 < int(answer["Retry-After"]) <= 15 * 60
    assert not PhoneVerification.objects.exists()
    # while the owner's login is not locked: the right password signs in
    login = _post(client, "/api/auth/token", {"phone": OLD, "password": PASSWORD}, {})
    assert login.status_code == 200, login.content
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.filter(username=OLD).exists()


def test_the_limit_frees_up_after_the_cool_off(client, settings):
    # given a person who used up their wrong passwords 16 minutes ago
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 2
    user = make_user(OLD)
    headers = _auth(user)
    for _ in range(2):
        _ask_code(client, headers, "not-it")
    PasswordConfirmAttempt.objects.update(
        created_at=timezone.now() - timedelta(minutes=16)
    )
    # when they type the right one
    answer = _ask_code(client, headers, PASSWORD)
    # then the code is sent, and the count starts again
    assert answer.status_code == 202, answer.content
    assert not PasswordConfirmAttempt.objects.exists()


def test_a_refused_confirmation_does_not_push_the_wait_further(client, settings):
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 1
    user = make_user(OLD)
    headers = _auth(user)
    _ask_code(client, headers, "not-it")
    for _ in range(3):
        assert _ask_code(client, headers, "not-it").status_code == 429
    assert PasswordConfirmAttempt.objects.count() == 1


def test_the_page_refuses_too_many_wrong_passwords_and_keeps_the_login(
    client, settings
):
    settings.GROUPBUY_PASSWORD_CONFIRM_FAILURE_LIMIT = 2
    settings.AXES_FAILURE_LIMIT = 2
    user = make_user(OLD)
    client.force_login(user)
    for _ in range(2):
        client.post("/me/phone/change/", {"new_phone": NEW, "password": "x"})
    answer = client.post("/me/phone/change/", {"new_phone": NEW, "password": PASSWORD})
    assert "Too many wrong passwords. Try again in 15 minutes." in (
        answer.content.decode()
    )
    assert not PhoneVerification.objects.exists()
    client.logout()
    login = client.post("/login/", {"phone": OLD, "password": PASSWORD})
    assert login.status_code == 302


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"new_phone": "12345", "password": PASSWORD}, 400, "invalid", "new_phone"),
        ({"new_phone": OLD, "password": PASSWORD}, 400, "phone_same", "new_phone"),
    ],
)
def test_the_api_refuses_bad_numbers_on_their_field(client, body, status, code, field):
    user = make_user(OLD)
    answer = _post(client, "/api/me/phone/change/code", body, _auth(user))
    assert answer.status_code == status
    assert answer.json()["code"] == code
    assert list(answer.json()["fields"]) == [field]


def test_the_api_answers_409_for_a_taken_number(
    client, django_capture_on_commit_callbacks
):
    user = make_user(OLD)
    headers = _auth(user)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "/api/me/phone/change/code",
            {"new_phone": NEW, "password": PASSWORD},
            headers,
        )
    make_user(NEW)
    answer = _post(
        client,
        "/api/me/phone/change",
        {"new_phone": NEW, "code": code_sent_to(NEW)},
        headers,
    )
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "phone_taken",
        "message": "This number is already registered to another account.",
        "fields": {
            "new_phone": ["This number is already registered to another account."]
        },
    }


def test_the_api_speaks_chinese_to_a_chinese_reader(client):
    user = make_user(OLD, preferred_language="zh-hans")
    answer = _post(
        client,
        "/api/me/phone/change",
        {"new_phone": NEW, "code": "123456"},
        _auth(user),
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "code_missing"
    assert answer.json()["message"]


@pytest.mark.parametrize("path", ["/api/me/phone/change/code", "/api/me/phone/change"])
def test_anonymous_callers_are_refused(client, path):
    body = {"new_phone": NEW, "password": PASSWORD, "code": "123456"}
    assert client.post(path, body, content_type="application/json").status_code == 401


def test_another_user_cannot_use_my_code_through_the_api(
    client, django_capture_on_commit_callbacks
):
    # given I asked for a code for NEW
    me = make_user(OLD)
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            client,
            "/api/me/phone/change/code",
            {"new_phone": NEW, "password": PASSWORD},
            _auth(me),
        )
    # when another user, a merchant's owner too, enters it with their token
    from groupbuy.catalog.tests.factories import make_merchant_member

    other = make_user(OTHER)
    make_merchant_member(user=other)
    answer = _post(
        client,
        "/api/me/phone/change",
        {"new_phone": NEW, "code": code_sent_to(NEW)},
        _auth(other),
    )
    # then nothing moves
    assert answer.status_code == 400
    assert answer.json()["code"] == "code_missing"
    assert set(User.objects.values_list("phone", flat=True)) == {OLD, OTHER}


# --- Pages ----------------------------------------------------------------------


def test_through_the_pages(client, django_capture_on_commit_callbacks, settings):
    settings.GROUPBUY_DEMO_MODE = True
    user = make_user(OLD)
    client.force_login(user)
    assert 'href="/me/phone/change/"' in client.get("/me/").content.decode()
    assert 'id="phone-change-form"' in client.get("/me/phone/change/").content.decode()
    # a wrong password keeps the person on the form
    wrong = client.post("/me/phone/change/", {"new_phone": NEW, "password": "x"})
    assert wrong.status_code == 200
    assert "This is not your password." in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/me/phone/change/", {"new_phone": NEW, "password": PASSWORD}
        )
    assert sent.status_code == 302
    code_page = client.get(sent.url).content.decode()
    assert code_sent_to(NEW) in code_page  # the demo banner
    session_key = client.session.session_key
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(sent.url, {"code": code_sent_to(NEW)}, follow=True)
    assert done.redirect_chain == [("/me/", 302)]
    assert "Your phone number is now +86139****9011." in done.content.decode()
    user.refresh_from_db()
    assert user.phone == NEW
    # still signed in, under a new session key
    assert client.session.session_key != session_key
    assert client.get("/me/").status_code == 200


def test_the_pages_need_a_signed_in_person(client):
    answer = client.get("/me/phone/change/")
    assert answer.status_code == 302 and answer.url.startswith("/login/")


def test_another_persons_code_page_is_not_found(client, committed):
    stranger = make_user(OTHER)
    sent = committed(services.phone_change_request, actor=stranger, new_phone=NEW)
    client.force_login(make_user(OLD))
    url = f"/me/phone/change/{sent.verification.public_id}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"code": code_sent_to(NEW)}).status_code == 404
    assert set(User.objects.values_list("phone", flat=True)) == {OLD, OTHER}


def test_an_expired_code_moves_nothing(committed):
    user = make_user(OLD)
    committed(services.phone_change_request, actor=user, new_phone=NEW)
    PhoneVerification.objects.update(expires_at=timezone.now())
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(
            actor=user, new_phone=NEW, code=code_sent_to(NEW)
        )
    assert refused.value.code == "code_expired"
    user.refresh_from_db()
    assert user.phone == OLD


# --- A repeat of the change ----------------------------------------------------


def _changed(committed, user) -> str:
    committed(services.phone_change_request, actor=user, new_phone=NEW)
    code = code_sent_to(NEW)
    committed(services.phone_change_complete, actor=user, new_phone=NEW, code=code)
    return code


def test_the_same_change_sent_again_answers_the_same_and_changes_nothing(committed):
    # given a person who just moved their account with a code
    user = make_user(OLD)
    code = _changed(committed, user)
    changed_at = User.objects.get(pk=user.pk).phone_verified_at
    # when the same request comes again (a double tap, a retried request)
    again = committed(
        services.phone_change_complete, actor=user, new_phone="139 0013 9011", code=code
    )
    # then it answers the account as it is, and nothing more happens
    assert again.pk == user.pk
    assert (again.phone, again.phone_verified_at) == (NEW, changed_at)
    assert AuditEntry.objects.filter(action="accounts.phone.changed").count() == 1
    assert Notification.objects.filter(kind="accounts.phone.changed").count() == 1
    assert len(sms_to(OLD)) == 1


@pytest.mark.parametrize("which", ["another code", "code expired"])
def test_another_request_for_the_number_the_account_has_is_phone_same(committed, which):
    # given a person who moved their account to NEW
    user = make_user(OLD)
    code = _changed(committed, user)
    if which == "code expired":
        PhoneVerification.objects.update(expires_at=timezone.now())
    else:
        code = _wrong(code)
    # when a request for NEW comes that is not a repeat of the change
    with pytest.raises(AccountError) as refused:
        services.phone_change_complete(actor=user, new_phone=NEW, code=code)
    # then it is told the number is already theirs
    assert refused.value.code == "phone_same"
    assert list(refused.value.fields) == ["new_phone"]


def test_the_api_answers_a_repeated_change_as_the_first(
    client, django_capture_on_commit_callbacks
):
    user = make_user(OLD)
    headers = _auth(user)
    with django_capture_on_commit_callbacks(execute=True):
        _ask_code(client, headers, PASSWORD)
    body = {"new_phone": NEW, "code": code_sent_to(NEW)}
    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, "/api/me/phone/change", body, headers)
    with django_capture_on_commit_callbacks(execute=True):
        second = _post(client, "/api/me/phone/change", body, headers)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert len(sms_to(OLD)) == 1
    other = _post(
        client,
        "/api/me/phone/change",
        {"new_phone": NEW, "code": _wrong(code_sent_to(NEW))},
        headers,
    )
    assert other.status_code == 400
    assert other.json()["code"] == "phone_same"


def test_the_code_page_sent_twice_lands_on_the_profile_both_times(
    client, django_capture_on_commit_callbacks
):
    user = make_user(OLD)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/me/phone/change/", {"new_phone": NEW, "password": PASSWORD}
        )
    answers = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(sent.url, {"code": code_sent_to(NEW)}))
    assert [(a.status_code, a.url) for a in answers] == [(302, "/me/")] * 2
    assert len(sms_to(OLD)) == 1
