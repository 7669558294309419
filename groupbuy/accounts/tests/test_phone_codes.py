from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.utils import timezone

from groupbuy.accounts import services
from groupbuy.accounts.errors import AccountError
from groupbuy.accounts.models import ApiToken, PhoneVerification, User
from groupbuy.accounts.signals import phone_verified
from groupbuy.accounts.tests.helpers import PASSWORD, code_sent_to, make_user, sms_to
from groupbuy.core.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "+8613800138001"


def _request_sign_up(committed, phone="138 0013 8001", address="203.0.113.7"):
    return committed(
        services.sign_up_request,
        phone=phone,
        password=PASSWORD,
        display_name="Wang",
        preferred_language="en",
        address=address,
    )


def test_sign_up_texts_a_code_and_creates_nobody_until_it_is_entered(committed):
    # when
    sent = _request_sign_up(committed)
    # then a code went to the number and no account exists yet
    code = code_sent_to(PHONE)
    assert User.objects.count() == 0
    verification = PhoneVerification.objects.get()
    assert verification.public_id == sent.verification.public_id
    assert verification.public_id.startswith("vrf_")
    # and neither the code nor the password is stored in clear
    assert code not in verification.code_hash
    assert PASSWORD not in str(verification.pending)
    # when the code is entered
    user = committed(
        services.sign_up_complete,
        verification_id=verification.public_id,
        code=code,
    )
    # then the account exists, with the verified number and the chosen password
    assert (user.phone, user.display_name, user.preferred_language) == (
        PHONE,
        "Wang",
        "en",
    )
    assert user.check_password(PASSWORD)
    assert user.phone_verified_at is not None
    verification.refresh_from_db()
    assert verification.used_at is not None
    assert verification.pending == {}
    assert set(
        AuditEntry.objects.filter(object_id=user.public_id).values_list(
            "action", flat=True
        )
    ) == {"accounts.user.signed_up", "accounts.phone.verified"}


def test_sign_up_completion_sends_phone_verified_after_commit(committed):
    # given
    received = []

    def receiver(sender, user, phone_e164, **kwargs):
        received.append((sender, user.phone, phone_e164))

    phone_verified.connect(receiver)
    try:
        sent = _request_sign_up(committed)
        # when
        committed(
            services.sign_up_complete,
            verification_id=sent.verification.public_id,
            code=code_sent_to(PHONE),
        )
    finally:
        phone_verified.disconnect(receiver)
    # then
    assert received == [(User, PHONE, PHONE)]


def test_a_failing_phone_verified_receiver_does_not_undo_the_sign_up(committed):
    def broken(**kwargs):
        raise RuntimeError("boom")

    phone_verified.connect(broken)
    try:
        sent = _request_sign_up(committed)
        committed(
            services.sign_up_complete,
            verification_id=sent.verification.public_id,
            code=code_sent_to(PHONE),
        )
    finally:
        phone_verified.disconnect(broken)
    assert User.objects.filter(phone=PHONE).exists()


def test_a_wrong_code_is_counted_and_after_five_even_the_right_one_fails(committed):
    # given
    sent = _request_sign_up(committed)
    code = code_sent_to(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    verification_id = sent.verification.public_id
    # when five wrong codes are tried
    messages = []
    for _attempt in range(5):
        with pytest.raises(AccountError) as refusal:
            services.sign_up_complete(verification_id=verification_id, code=wrong)
        messages.append(refusal.value.message)
    # then each says how many tries are left, and the right code no longer works
    assert messages[0] == "This code is not right. 4 tries left."
    assert messages[3] == "This code is not right. 1 try left."
    with pytest.raises(AccountError) as refusal:
        services.sign_up_complete(verification_id=verification_id, code=code)
    assert refusal.value.code == "code_attempts"
    assert User.objects.count() == 0


def test_an_expired_code_is_refused(committed):
    sent = _request_sign_up(committed)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(AccountError) as refusal:
        services.sign_up_complete(
            verification_id=sent.verification.public_id, code=code_sent_to(PHONE)
        )
    assert refusal.value.code == "code_expired"
    assert refusal.value.fields == {
        "code": ["This code has expired. Ask for a new one."]
    }
    assert User.objects.count() == 0


def test_a_code_works_once(committed):
    sent = _request_sign_up(committed)
    code = code_sent_to(PHONE)
    services.sign_up_complete(verification_id=sent.verification.public_id, code=code)
    with pytest.raises(AccountError) as refusal:
        services.sign_up_complete(
            verification_id=sent.verification.public_id, code=code
        )
    assert refusal.value.code == "code_used"
    assert User.objects.count() == 1


def test_a_code_for_sign_up_does_not_reset_a_password(committed):
    sent = _request_sign_up(committed)
    with pytest.raises(AccountError) as refusal:
        services.password_reset_complete(
            verification_id=sent.verification.public_id,
            code=code_sent_to(PHONE),
            new_password="another-password-9",
        )
    assert refusal.value.code == "code_wrong"


def test_sign_up_with_a_taken_number_answers_alike_and_texts_no_code(committed):
    # given
    make_user(PHONE)
    # when
    sent = _request_sign_up(committed)
    # then the answer has the same shape as for a new number
    assert sent.verification.public_id.startswith("vrf_")
    assert sent.verification.expires_at > timezone.now()
    # and the owner of the number is told instead of getting a code
    (text,) = sms_to(PHONE)
    assert "already has an account" in text
    # and no code can complete it
    with pytest.raises(AccountError) as refusal:
        services.sign_up_complete(
            verification_id=sent.verification.public_id, code="123456"
        )
    assert refusal.value.code == "code_wrong"
    assert User.objects.count() == 1


def test_codes_are_limited_per_number(committed):
    # given a code was just sent
    _request_sign_up(committed, address="203.0.113.1")
    # when another is asked for at once, from elsewhere
    with pytest.raises(AccountError) as refusal:
        _request_sign_up(committed, address="203.0.113.2")
    # then it is refused with the time to wait
    assert refusal.value.status == 429
    assert refusal.value.code == "too_many_codes"
    assert 1 <= refusal.value.retry_after <= 61
    assert len(sms_to(PHONE)) == 1
    # and after the resend interval, up to five an hour
    for minutes in (2, 3, 4, 5):
        PhoneVerification.objects.update(
            created_at=timezone.now() - timedelta(minutes=minutes * 2)
        )
        _request_sign_up(committed, address=f"203.0.113.{minutes + 10}")
    PhoneVerification.objects.filter(
        created_at__gt=timezone.now() - timedelta(minutes=1)
    ).update(created_at=timezone.now() - timedelta(minutes=2))
    with pytest.raises(AccountError) as refusal:
        _request_sign_up(committed, address="203.0.113.99")
    assert refusal.value.status == 429
    assert PhoneVerification.objects.count() == 5


@override_settings(GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR=3)
def test_codes_are_limited_per_address(committed):
    for index in range(3):
        _request_sign_up(committed, phone=f"+861380013810{index}")
    with pytest.raises(AccountError) as refusal:
        _request_sign_up(committed, phone="+8613800138109")
    assert refusal.value.status == 429
    assert sms_to("+8613800138109") == []
    # another address is not held back
    _request_sign_up(committed, phone="+8613800138109", address="198.51.100.1")
    assert len(sms_to("+8613800138109")) == 1


def test_password_reset_by_code_sets_the_password_and_revokes_tokens(committed):
    # given
    user = make_user(PHONE)
    token, _secret = services.api_token_create(actor=user, name="script")
    # when
    sent = committed(services.password_reset_request, phone="13800138001")
    committed(
        services.password_reset_complete,
        verification_id=sent.verification.public_id,
        code=code_sent_to(PHONE),
        new_password="brand-new-secret-7",
    )
    # then
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-7")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.password.reset").count() == 1


def test_password_reset_for_an_unknown_number_answers_alike_and_texts_nobody(
    committed,
):
    # when
    sent = committed(services.password_reset_request, phone="13800138001")
    # then
    assert sent.verification.public_id.startswith("vrf_")
    assert sent.sms_text == ""
    assert sms_to(PHONE) == []
    with pytest.raises(AccountError) as refusal:
        services.password_reset_complete(
            verification_id=sent.verification.public_id,
            code="123456",
            new_password="brand-new-secret-7",
        )
    assert refusal.value.code == "code_wrong"


def test_password_reset_with_a_weak_password_keeps_the_code(committed):
    user = make_user(PHONE)
    sent = committed(services.password_reset_request, phone=PHONE)
    code = code_sent_to(PHONE)
    with pytest.raises(AccountError) as refusal:
        services.password_reset_complete(
            verification_id=sent.verification.public_id,
            code=code,
            new_password="12345678",
        )
    assert "new_password" in refusal.value.fields
    services.password_reset_complete(
        verification_id=sent.verification.public_id,
        code=code,
        new_password="brand-new-secret-7",
    )
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-7")


def test_password_change_needs_the_code_sent_to_the_actor(committed):
    # given two people, and a change code texted to the first
    first = make_user(PHONE)
    second = make_user("+8613800138002")
    sent = committed(services.password_change_request, actor=first)
    code = code_sent_to(PHONE)
    # when the second uses the first one's code
    with pytest.raises(AccountError):
        services.password_change_complete(
            actor=second,
            verification_id=sent.verification.public_id,
            code=code,
            new_password="stolen-password-3",
        )
    # then nothing changed for them; the first may use it
    second.refresh_from_db()
    assert check_password(PASSWORD, second.password)
    services.password_change_complete(
        actor=first,
        verification_id=sent.verification.public_id,
        code=code,
        new_password="changed-password-3",
    )
    first.refresh_from_db()
    assert first.check_password("changed-password-3")
    assert ApiToken.objects.count() == 0


def test_a_reset_code_right_after_signing_up_is_not_held_back(committed):
    # given a sign-up code just sent and used
    sent = _request_sign_up(committed)
    services.sign_up_complete(
        verification_id=sent.verification.public_id, code=code_sent_to(PHONE)
    )
    # when a reset code is asked for at once
    committed(services.password_reset_request, phone=PHONE, address="203.0.113.7")
    # then it is sent (the resend interval is per purpose)
    assert len(sms_to(PHONE)) == 2


def test_a_second_code_inside_the_pacing_window_says_how_long_to_wait(committed):
    # given a code sent a moment ago
    _request_sign_up(committed)
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(seconds=15))
    # when another is asked for
    with pytest.raises(AccountError) as refusal:
        _request_sign_up(committed)
    # then the answer is about pacing, with the seconds left
    assert refusal.value.code == "too_many_codes"
    assert refusal.value.retry_after in (45, 46)
    assert refusal.value.message in (
        "A code was just sent. You can ask for a new one in 45 seconds.",
        "A code was just sent. You can ask for a new one in 46 seconds.",
    )


def test_a_new_sign_up_code_carries_what_the_first_request_described(committed):
    # given a sign-up asked for a while ago
    first = _request_sign_up(committed).verification
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    # when a new code is asked for from it
    second = committed(
        services.sign_up_resend,
        verification_id=first.public_id,
        address="203.0.113.7",
    ).verification
    # then a new code went to the same number, with the same details
    assert second.public_id != first.public_id
    assert second.phone == PHONE
    assert second.pending == PhoneVerification.objects.get(pk=first.pk).pending
    assert len(sms_to(PHONE)) == 2
    user = committed(
        services.sign_up_complete,
        verification_id=second.public_id,
        code=code_sent_to(PHONE),
    )
    assert (user.display_name, user.preferred_language) == ("Wang", "en")
    assert user.check_password(PASSWORD)


def test_a_new_sign_up_code_for_a_taken_number_sends_no_code(committed):
    make_user(PHONE)
    first = _request_sign_up(committed).verification
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    second = committed(
        services.sign_up_resend, verification_id=first.public_id
    ).verification
    assert second.pending == {}
    assert all("already has an account" in text for text in sms_to(PHONE))


def test_a_new_code_is_refused_for_a_used_or_unknown_request(committed):
    first = _request_sign_up(committed).verification
    committed(
        services.sign_up_complete,
        verification_id=first.public_id,
        code=code_sent_to(PHONE),
    )
    with pytest.raises(AccountError) as used:
        services.sign_up_resend(verification_id=first.public_id)
    with pytest.raises(AccountError) as unknown:
        services.password_reset_resend(verification_id=first.public_id)
    assert (used.value.code, unknown.value.status) == ("code_used", 404)
    assert PhoneVerification.objects.count() == 1


def test_a_password_change_revokes_every_api_token(committed):
    # given someone whose token may have been stolen
    user = make_user(PHONE)
    token, _secret = services.api_token_create(actor=user, name="script")
    sent = committed(services.password_change_request, actor=user)
    # when they change their password from the web page
    services.password_change_complete(
        actor=user,
        verification_id=sent.verification.public_id,
        code=code_sent_to(PHONE),
        new_password="changed-password-4",
    )
    # then the token no longer works, as after a reset
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="accounts.token.revoked_all").count() == 1


def test_a_password_change_through_a_token_keeps_only_that_token(committed):
    # given two tokens, the client changing the password holding the first
    user = make_user(PHONE)
    asking, asking_secret = services.api_token_create(actor=user, name="app")
    other, _other_secret = services.api_token_create(actor=user, name="script")
    sent = committed(services.password_change_request, actor=user)
    # when
    services.password_change_complete(
        actor=user,
        verification_id=sent.verification.public_id,
        code=code_sent_to(PHONE),
        new_password="changed-password-4",
        keeping_token=asking_secret,
    )
    # then the client that asked stays signed in; the other is signed out
    asking.refresh_from_db()
    other.refresh_from_db()
    assert (asking.revoked_at, other.revoked_at is not None) == (None, True)
