from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy

from groupbuy.accounts.models import User
from groupbuy.core.models import AuditEntry
from groupbuy.notify import senders
from groupbuy.notify.delivery import delivery_attempt
from groupbuy.notify.models import Delivery
from groupbuy.notify.services import delivery_retry_failed, notification_enqueue
from groupbuy.notify.sms import MemorySmsBackend, SmsError, SmsRejected
from groupbuy.notify.tasks import deliveries_sweep, delivery_send
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_websocket_pushes(monkeypatch):
    monkeypatch.setattr(senders, "publish", lambda *args: None)


def pending_delivery(recipient, channel: str, **fields) -> Delivery:
    """A delivery whose after-commit hand-over never happened (callbacks are not
    run outside django_capture_on_commit_callbacks)."""
    notification = notification_enqueue(
        recipient=recipient,
        kind="deals.deal.succeeded",
        title=fields.pop("title", "Your group-buy succeeded"),
        body=fields.pop("body", "Pick up your coupon."),
        url="/deals/deal_x/",
        channels=[channel],
    )
    return notification.deliveries.get()


def failing_sms(monkeypatch, error: Exception) -> list:
    calls = []

    def send(self, *, phone, text, idempotency_key):
        calls.append(idempotency_key)
        raise error

    monkeypatch.setattr(MemorySmsBackend, "send", send)
    return calls


def test_running_the_task_twice_sends_once():
    # given
    delivery = pending_delivery(make_user(), "sms")
    # when
    delivery_send(delivery.pk)
    delivery_send(delivery.pk)
    # then
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    assert delivery.provider_message_id == MemorySmsBackend.outbox[0].message_id
    assert len(MemorySmsBackend.outbox) == 1


def test_a_delivery_claimed_by_another_worker_is_not_sent_again():
    # given another worker holds the lease
    delivery = pending_delivery(make_user(), "sms")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING,
        attempts=1,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    # when
    result = delivery_attempt(delivery_id=delivery.pk)
    # then
    assert result is None
    assert MemorySmsBackend.outbox == []
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENDING, 1)


def test_failure_retries_with_exponential_backoff_then_records_failure(
    monkeypatch, settings
):
    # given
    settings.GROUPBUY_NOTIFY_MAX_ATTEMPTS = 4
    calls = failing_sms(monkeypatch, SmsError("gateway timeout"))
    delivery = pending_delivery(make_user(), "sms")
    now = timezone.now()
    waits = []
    # when every attempt fails
    for _attempt in range(4):
        result = delivery_attempt(delivery_id=delivery.pk, now=now)
        assert result is not None
        if result.status == Delivery.Status.PENDING:
            waits.append(result.next_attempt_at - now)
            # Not due yet: nothing happens before the backoff has passed.
            assert delivery_attempt(delivery_id=delivery.pk, now=now) is None
            now = result.next_attempt_at
    # then
    assert waits == [
        timedelta(seconds=30),
        timedelta(seconds=60),
        timedelta(seconds=120),
    ]
    assert len(calls) == 4
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 4
    assert delivery.last_error == "SmsError: gateway timeout"
    assert delivery.next_attempt_at is None
    assert delivery.sent_at is None
    audit = AuditEntry.objects.get(action="notify.delivery.failed")
    assert audit.object_id == delivery.notification.public_id
    assert audit.data == {
        "channel": "sms",
        "attempts": 4,
        "error": "SmsError: gateway timeout",
    }
    # and a failed delivery is never tried again
    assert (
        delivery_attempt(delivery_id=delivery.pk, now=now + timedelta(days=1)) is None
    )
    assert len(calls) == 4


def test_retry_after_a_failure_succeeds_once(monkeypatch):
    # given the first attempt fails
    delivery = pending_delivery(make_user(), "sms")
    now = timezone.now()
    with monkeypatch.context() as patch:
        failing_sms(patch, SmsError("busy"))
        delivery_attempt(delivery_id=delivery.pk, now=now)
    # when the retry is due
    result = delivery_attempt(delivery_id=delivery.pk, now=now + timedelta(seconds=30))
    # then
    assert result.status == Delivery.Status.SENT
    assert result.attempts == 2
    assert result.last_error == ""
    assert len(MemorySmsBackend.outbox) == 1


def test_rejected_message_fails_at_once(monkeypatch):
    calls = failing_sms(monkeypatch, SmsRejected("number not in service"))
    delivery = pending_delivery(make_user(), "sms")
    result = delivery_attempt(delivery_id=delivery.pk)
    assert result.status == Delivery.Status.FAILED
    assert result.attempts == 1
    assert result.last_error == "rejected: number not in service"
    assert len(calls) == 1


def test_task_schedules_the_retry_instead_of_looping(monkeypatch):
    calls = failing_sms(monkeypatch, SmsError("busy"))
    delivery = pending_delivery(make_user(), "sms")
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert len(calls) == 1


def test_email_goes_out_in_the_recipients_language():
    # given a Chinese-speaking shopper, and a title passed as a lazy translation
    shopper = make_user(
        email="li@example.com",
        preferred_language=User.Language.ZH_HANS,
        display_name="小李",
    )
    delivery = pending_delivery(
        shopper, "email", title=gettext_lazy("Mark all read"), body="请到店自提。"
    )
    # when
    delivery_send(delivery.pk)
    # then
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["li@example.com"]
    assert message.subject == "[groupbuy] 全部标为已读"
    assert message.body.startswith("小李，您好：\n\n全部标为已读\n\n请到店自提。\n")
    assert "查看详情： http://127.0.0.1:8000/deals/deal_x/" in message.body
    assert "这封邮件与您在 groupbuy 的活动有关。" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "点此查看" in html
    assert message.extra_headers["Message-ID"] == (
        f"<{delivery.notification.public_id}@127.0.0.1>"
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_email_in_english_for_an_english_speaker():
    shopper = make_user(email="amy@example.com", display_name="Amy")
    delivery = pending_delivery(shopper, "email", title=gettext_lazy("Mark all read"))
    delivery_send(delivery.pk)
    message = mail.outbox[0]
    assert message.subject == "[groupbuy] Mark all read"
    assert message.body.startswith("Hello Amy,\n\nMark all read\n")


def test_email_is_skipped_with_a_reason_when_there_is_no_address():
    delivery = pending_delivery(make_user(email=""), "email")
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.last_error == "recipient has no email address"
    assert mail.outbox == []
    # A skipped delivery is final.
    assert delivery_attempt(delivery_id=delivery.pk) is None


def test_sweep_delivers_what_a_crash_left_pending():
    # given the process died between commit and hand-over two minutes ago
    delivery = pending_delivery(make_user(), "sms")
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=2)
    )
    # when
    deliveries_sweep.call_local()
    # then
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(MemorySmsBackend.outbox) == 1


def test_sweep_leaves_fresh_deliveries_to_their_queued_task():
    delivery = pending_delivery(make_user(), "sms")
    deliveries_sweep.call_local()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert MemorySmsBackend.outbox == []


def test_sweep_takes_over_from_a_dead_worker_after_its_lease():
    delivery = pending_delivery(make_user(), "sms")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING,
        attempts=1,
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    deliveries_sweep.call_local()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)
    assert len(MemorySmsBackend.outbox) == 1


def test_sweep_fails_a_delivery_whose_worker_died_on_the_last_attempt(settings):
    settings.GROUPBUY_NOTIFY_MAX_ATTEMPTS = 3
    delivery = pending_delivery(make_user(), "sms")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING,
        attempts=3,
        last_error="SmsError: busy",
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    deliveries_sweep.call_local()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "SmsError: busy"
    assert MemorySmsBackend.outbox == []


def test_operator_retry_gives_failed_deliveries_fresh_attempts(
    django_capture_on_commit_callbacks,
):
    # given one failed and one sent delivery
    operator = make_user(is_staff=True)
    failed = pending_delivery(make_user(), "sms")
    Delivery.objects.filter(pk=failed.pk).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="SmsError: down"
    )
    sent = pending_delivery(make_user(), "sms")
    delivery_send(sent.pk)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        count = delivery_retry_failed(actor=operator, delivery_ids=[failed.pk, sent.pk])
    # then
    assert count == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Delivery.Status.SENT, 1)
    assert len(MemorySmsBackend.outbox) == 2
    audit = AuditEntry.objects.get(action="notify.delivery.retried")
    assert audit.actor == operator
    assert audit.data == {"channel": "sms", "previous_error": "SmsError: down"}
