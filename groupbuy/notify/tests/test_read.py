import pytest

from groupbuy.core.errors import NotFound
from groupbuy.notify import services
from groupbuy.notify.tests.factories import make_notification, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def pushed(monkeypatch):
    events = []
    monkeypatch.setattr(
        services,
        "publish",
        lambda group, event: events.append((group, event)),
    )
    return events


def test_marking_read_tells_my_other_screens_the_new_count(
    django_capture_on_commit_callbacks, pushed
):
    # given
    shopper = make_user()
    first = make_notification(recipient=shopper)
    make_notification(recipient=shopper)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_mark_read(actor=shopper, notification_id=first.public_id)
    # then
    assert pushed == [
        (f"user.{shopper.public_id}", {"type": "notify.unread", "unread_count": 1})
    ]


def test_marking_read_again_pushes_nothing(django_capture_on_commit_callbacks, pushed):
    shopper = make_user()
    notification = make_notification(recipient=shopper)
    services.notification_mark_read(
        actor=shopper, notification_id=notification.public_id
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.notification_mark_read(
            actor=shopper, notification_id=notification.public_id
        )
    assert again.read_at is not None
    assert callbacks == []
    assert pushed == []


def test_marking_someone_elses_notification_is_not_found(pushed):
    notification = make_notification(recipient=make_user())
    with pytest.raises(NotFound) as refusal:
        services.notification_mark_read(
            actor=make_user(), notification_id=notification.public_id
        )
    assert refusal.value.code == "not_found"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_with_nothing_unread_pushes_nothing(
    django_capture_on_commit_callbacks, pushed
):
    shopper = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        marked = services.notification_mark_all_read(actor=shopper)
    assert marked == 0
    assert pushed == []
