import pytest
from django.core import mail
from django.db import transaction

from groupbuy.accounts.models import User
from groupbuy.notify import senders
from groupbuy.notify.models import Delivery, Notification
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch):
    """Record WebSocket pushes instead of sending them."""
    events = []
    monkeypatch.setattr(
        senders,
        "publish",
        lambda group, event: events.append((group, event)),
    )
    return events


def enqueue(recipient, **overrides):
    fields = {
        "recipient": recipient,
        "kind": "deals.deal.succeeded",
        "title": "Your group-buy succeeded",
        "body": "Pick up your coupon at the shop.",
        "url": "/deals/deal_x/",
    }
    return notification_enqueue(**{**fields, **overrides})


def test_enqueue_writes_inbox_row_and_one_delivery_per_default_channel(
    django_capture_on_commit_callbacks, pushed
):
    # given
    shopper = make_user(contact_channel=User.ContactChannel.SMS)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = enqueue(shopper, data={"deal": "deal_x"})
    # then nothing leaves before the commit
    assert notification.recipient == shopper
    assert notification.public_id.startswith("ntf_")
    assert notification.data == {"deal": "deal_x"}
    assert notification.read_at is None
    deliveries = {d.channel: d.status for d in notification.deliveries.all()}
    assert deliveries == {"in_app": "pending", "sms": "pending"}
    assert len(callbacks) == 2
    assert pushed == []
    assert MemorySmsBackend.outbox == []


def test_after_commit_every_channel_is_delivered_once(
    django_capture_on_commit_callbacks, pushed
):
    # given
    shopper = make_user(contact_channel=User.ContactChannel.SMS)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(shopper)
    # then
    assert [d.status for d in notification.deliveries.order_by("channel")] == [
        "sent",
        "sent",
    ]
    assert len(pushed) == 1
    group, event = pushed[0]
    assert group == f"user.{shopper.public_id}"
    assert event["type"] == "notify.new"
    assert event["unread_count"] == 1
    assert event["notification"]["id"] == notification.public_id
    assert event["notification"]["title"] == "Your group-buy succeeded"
    assert len(MemorySmsBackend.outbox) == 1
    sms = MemorySmsBackend.outbox[0]
    assert sms.phone == shopper.phone
    assert sms.idempotency_key == f"{notification.public_id}-sms"
    assert sms.text == (
        "【groupbuy】Your group-buy succeeded: Pick up your coupon at the shop. "
        "http://127.0.0.1:8000/deals/deal_x/"
    )
    assert mail.outbox == []


def test_in_app_only_person_gets_no_sms_or_email(
    django_capture_on_commit_callbacks, pushed
):
    shopper = make_user(
        contact_channel=User.ContactChannel.IN_APP, email="li@example.com"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(shopper)
    assert [d.channel for d in notification.deliveries.all()] == ["in_app"]
    assert MemorySmsBackend.outbox == []
    assert mail.outbox == []


def test_explicit_channels_replace_the_defaults(
    django_capture_on_commit_callbacks, pushed
):
    shopper = make_user(contact_channel=User.ContactChannel.SMS, email="li@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(shopper, channels=["email", "email"])
    assert [d.channel for d in notification.deliveries.all()] == ["email"]
    assert len(mail.outbox) == 1
    assert MemorySmsBackend.outbox == []
    assert pushed == []


def test_unknown_channel_is_refused_and_nothing_is_written():
    shopper = make_user()
    with pytest.raises(ValueError, match="unknown notification channels: pigeon"):
        enqueue(shopper, channels=["in_app", "pigeon"])
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": ""}, "kind must be 1 to 80 characters"),
        ({"kind": "x" * 81}, "kind must be 1 to 80 characters"),
        ({"url": "/" + "x" * 500}, "url is longer than 500 characters"),
    ],
)
def test_malformed_kind_or_url_is_refused_and_nothing_is_written(overrides, message):
    with pytest.raises(ValueError, match=message):
        enqueue(make_user(), **overrides)
    assert Notification.objects.count() == 0


def test_rolled_back_transaction_sends_nothing(
    django_capture_on_commit_callbacks, pushed
):
    # given
    shopper = make_user(contact_channel=User.ContactChannel.SMS)
    # when
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(shopper)
        raise RuntimeError("the business change failed")
    # then
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert pushed == []
    assert MemorySmsBackend.outbox == []


def test_same_idempotency_key_notifies_exactly_once(
    django_capture_on_commit_callbacks, pushed
):
    # given
    shopper = make_user(contact_channel=User.ContactChannel.SMS)
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(shopper, idempotency_key="deals.deal.succeeded:deal_x:usr")
    # when a retried job enqueues the same notification again
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = enqueue(shopper, idempotency_key="deals.deal.succeeded:deal_x:usr")
    # then
    assert first is not None
    assert second is None
    assert callbacks == []
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 2
    assert len(pushed) == 1
    assert len(MemorySmsBackend.outbox) == 1


def test_duplicate_key_inside_caller_transaction_keeps_it_usable(
    django_capture_on_commit_callbacks, pushed
):
    shopper = make_user()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enqueue(shopper, idempotency_key="key-1")
        assert enqueue(shopper, idempotency_key="key-1") is None
        # The caller's transaction still works after the refusal.
        enqueue(shopper, idempotency_key="key-2")
    assert sorted(Notification.objects.values_list("idempotency_key", flat=True)) == [
        "key-1",
        "key-2",
    ]


def test_long_title_is_shortened_to_fit(django_capture_on_commit_callbacks, pushed):
    shopper = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(shopper, title="团" * 250)
    notification.refresh_from_db()
    assert len(notification.title) == 200
    assert notification.title.endswith("…")


def test_key_raced_in_by_another_transaction_returns_none_and_keeps_caller_usable(
    django_capture_on_commit_callbacks, monkeypatch, pushed
):
    # given another transaction committed the key after our existence check
    from groupbuy.notify import services

    shopper = make_user()
    enqueue(shopper, idempotency_key="raced-key")
    checks = iter([False])
    real_key_used = services._key_used
    monkeypatch.setattr(
        services, "_key_used", lambda key: next(checks, None) or real_key_used(key)
    )
    # when
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        raced = enqueue(shopper, idempotency_key="raced-key")
        after = enqueue(shopper, idempotency_key="after-the-race")
    # then
    assert raced is None
    assert after is not None
    assert Notification.objects.filter(idempotency_key="raced-key").count() == 1
    assert (
        Delivery.objects.filter(notification__idempotency_key="raced-key").count() == 1
    )


def test_failed_hand_over_after_commit_does_not_break_the_caller(
    django_capture_on_commit_callbacks, monkeypatch, pushed
):
    # given the job queue is down when the transaction commits
    from groupbuy.notify import services

    def queue_down(*args, **kwargs):
        raise ConnectionError("job queue unreachable")

    monkeypatch.setattr(services, "delivery_queue", queue_down)
    shopper = make_user(contact_channel=User.ContactChannel.SMS)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        notification = enqueue(shopper)
    # then the in-app push went out and the SMS waits for the sweep
    statuses = dict(notification.deliveries.values_list("channel", "status"))
    assert statuses == {"in_app": "sent", "sms": "pending"}
    assert len(pushed) == 1
    assert MemorySmsBackend.outbox == []


def test_deliveries_handed_over_together_are_each_sent_once_at_commit(
    django_capture_on_commit_callbacks, pushed
):
    # given three shoppers, one of whose notifications is rolled back
    from groupbuy.notify.services import deliveries_handed_over_together

    shoppers = [make_user(contact_channel=User.ContactChannel.SMS) for _ in range(3)]
    # when a job notifies them inside one transaction, handing over together
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
        deliveries_handed_over_together(),
    ):
        kept = [enqueue(shoppers[0]), enqueue(shoppers[1])]
        try:
            with transaction.atomic():
                enqueue(shoppers[2])
                raise RuntimeError("this shopper's part failed")
        except RuntimeError:
            pass
    # then one hand-over ran, and every kept delivery was sent exactly once
    assert len(callbacks) == 1
    for notification in kept:
        statuses = notification.deliveries.order_by("channel")
        assert [d.status for d in statuses] == ["sent", "sent"]
        assert [d.attempts for d in statuses] == [1, 1]
    assert sorted(group for group, _event in pushed) == sorted(
        f"user.{shopper.public_id}" for shopper in shoppers[:2]
    )
    assert sorted(sms.phone for sms in MemorySmsBackend.outbox) == sorted(
        shopper.phone for shopper in shoppers[:2]
    )
    assert not Notification.objects.filter(recipient=shoppers[2]).exists()
    # and a second hand-over of the same deliveries sends nothing again
    callbacks[0]()
    assert len(pushed) == 2
    assert len(MemorySmsBackend.outbox) == 2


def test_the_pushed_notification_writes_its_time_as_the_api_does(
    django_capture_on_commit_callbacks, pushed
):
    # given a notification made at a moment with microseconds
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = enqueue(make_user())
    made_at = notification.created_at.replace(microsecond=123456)
    Notification.objects.filter(pk=notification.pk).update(created_at=made_at)
    # when it is pushed
    for callback in callbacks:
        callback()
    # then it reads as GET /api/notify/notifications does: "Z" and milliseconds
    [(_group, event)] = pushed
    assert event["notification"]["created_at"] == made_at.strftime(
        "%Y-%m-%dT%H:%M:%S.123Z"
    )
