"""The file outboxes keep texts and e-mails no longer than needed."""

import json

import pytest
from django.core import mail

from groupbuy.notify.sms import FileOutboxSmsBackend


def _age(path, days):
    import os
    import time

    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_file_outbox_purge_deletes_texts_past_the_retention_only(tmp_path, settings):
    from groupbuy.notify.tasks import outboxes_purge

    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.FileOutboxSmsBackend"
    settings.GROUPBUY_SMS_OUTBOX_DIR = tmp_path
    settings.GROUPBUY_OUTBOX_RETENTION_DAYS = 7
    backend = FileOutboxSmsBackend(tmp_path)
    for key in ("old", "recent"):
        backend.send(phone="+8613800138000", text="code 123456", idempotency_key=key)
    _age(tmp_path / "old.json", 8)
    _age(tmp_path / "recent.json", 6)
    # when the daily job runs
    outboxes_purge.call_local()
    # then only the text past a week is gone
    assert sorted(path.name for path in tmp_path.iterdir()) == ["recent.json"]


@pytest.fixture
def file_email(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    return tmp_path / "email"


def test_e_mails_past_the_retention_are_deleted_too(file_email, settings):
    from groupbuy.notify.outboxes import outboxes_purge

    settings.GROUPBUY_OUTBOX_RETENTION_DAYS = 7
    mail.send_mail("Code", "Your code: 123456", None, ["lan@example.com"])
    [old] = list(file_email.iterdir())
    # Django's file backend names a file by the second and the backend
    # object's id, and appends to one of the same name: a second message sent
    # within the same second by a backend at the same address (the first one
    # freed) went into the old file and made it new again (a flaky failure
    # on 2026-12-07). Its own name keeps the aged message apart.
    old = old.rename(old.with_name("old.log"))
    _age(old, 8)
    mail.send_mail("Code", "Your code: 654321", None, ["lan@example.com"])
    assert outboxes_purge() == 1
    [kept] = list(file_email.iterdir())
    assert "654321" in kept.read_text()


@pytest.mark.django_db
def test_an_erased_persons_texts_and_e_mails_leave_the_outboxes(
    tmp_path, settings, django_capture_on_commit_callbacks, file_email
):
    from groupbuy.notify.personal_data import NotifyPersonalData
    from groupbuy.notify.tests.factories import make_user

    settings.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms.FileOutboxSmsBackend"
    settings.GROUPBUY_SMS_OUTBOX_DIR = tmp_path
    lan = make_user(display_name="Lan", email="lan@example.com")
    mail.send_mail("Confirm", "Confirm your address", None, ["Lan@Example.com"])
    mail.send_mail("Hello", "A deal closed", None, ["bo@example.com"])
    spaced = f"{lan.phone[3:6]} {lan.phone[6:10]} {lan.phone[10:]}"
    backend = FileOutboxSmsBackend(tmp_path)
    backend.send(phone=lan.phone, text="Your code: 123456", idempotency_key="to-lan")
    backend.send(
        phone="+8613900000002",
        text=f"Lan ({spaced}) shared a kettle with you",
        idempotency_key="about-lan",
    )
    backend.send(phone="+8613900000002", text="Deal closed", idempotency_key="other")
    # when Lan's account is erased
    with django_capture_on_commit_callbacks(execute=True):
        NotifyPersonalData().erase(lan)
    # then the text to Lan is gone, the one about Lan no longer names her
    assert sorted(path.name for path in tmp_path.glob("*.json")) == [
        "about-lan.json",
        "other.json",
    ]
    e_mails = "".join(path.read_text() for path in file_email.iterdir())
    assert "bo@example.com" in e_mails and "A deal closed" in e_mails
    assert "lan@example.com" not in e_mails.lower()
    about = json.loads((tmp_path / "about-lan.json").read_text(encoding="utf-8"))
    assert "Lan" not in about["text"] and lan.phone[-4:] not in about["text"]
    assert about["text"].endswith("shared a kettle with you")
    other = json.loads((tmp_path / "other.json").read_text(encoding="utf-8"))
    assert other["text"] == "Deal closed"
    # and a retried delivery of the text about her still finds its message id
    again = backend.send(phone="+8613900000002", text="x", idempotency_key="about-lan")
    assert again == about["message_id"]


@pytest.mark.django_db
def test_e_mails_are_read_as_mime_to_forget_a_person_written_encoded(
    django_capture_on_commit_callbacks, file_email
):
    """A Chinese subject is written RFC 2047-encoded and a body with a long
    line quoted-printable: searched as text, neither shows the person's name."""
    from email import policy
    from email.parser import BytesParser

    from groupbuy.notify.personal_data import NotifyPersonalData
    from groupbuy.notify.tests.factories import make_user

    lan = make_user(display_name="林兰", email="lan@example.com")
    mail.send_mail("验证码", "您的验证码：246810", None, ["lan@example.com"])
    long_line = "林兰与您分享了一把水壶。" + "详情" * 600
    mail.send_mail("林兰分享了商品", long_line, None, ["bo@example.com"])
    mail.send_mail("Deal closed", "A deal closed", None, ["mei@example.com"])
    written = b"".join(path.read_bytes() for path in file_email.iterdir())
    assert "林兰".encode() not in written  # encoded, so a text search misses it
    # when Lan's account is erased
    with django_capture_on_commit_callbacks(execute=True):
        NotifyPersonalData().erase(lan)
    # then the e-mail to her is gone, the one about her no longer names her,
    # and the other is kept byte for byte
    messages = []
    for path in sorted(file_email.iterdir()):
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(BytesParser(policy=policy.default).parsebytes(raw))
    assert sorted(message["To"] for message in messages) == [
        "bo@example.com",
        "mei@example.com",
    ]
    about = next(message for message in messages if message["To"] == "bo@example.com")
    assert about["Subject"] == "[erased]分享了商品"
    body = about.get_content()
    assert "林兰" not in body and body.startswith("[erased]与您分享了一把水壶。")
    assert "246810" not in "".join(message.get_content() for message in messages)
    other = next(message for message in messages if message["To"] == "mei@example.com")
    assert other.get_content().strip() == "A deal closed"
