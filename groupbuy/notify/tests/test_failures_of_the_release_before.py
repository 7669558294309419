"""Deliveries the release before failed_at fails during a rolling deploy: they
have no failed_at. The operators' list orders them by their best known time on
every database, the chart counts them, and a periodic job dates them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.core.models import AuditEntry
from groupbuy.notify import senders, tasks
from groupbuy.notify.delivery import delivery_attempt
from groupbuy.notify.models import Delivery, Notification
from groupbuy.notify.selectors import (
    delivery_failed_list_for_operator,
    delivery_failed_per_day,
)
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_websocket_pushes(monkeypatch):
    monkeypatch.setattr(senders, "publish", lambda *args: None)


@pytest.fixture
def refused_texts(monkeypatch):
    def refuse(delivery):
        raise senders.DeliveryRejected("refused")

    monkeypatch.setitem(senders.SENDERS, "sms", refuse)


def failed_text(*, hours_ago: float, by_release_before: bool = False) -> Delivery:
    """A text a worker failed ``hours_ago`` (its notification made then too);
    the release before leaves failed_at empty, and writes the audit row."""
    notification = notification_enqueue(
        recipient=make_user(),
        kind="deals.deal.failed",
        title="t",
        body="b",
        channels=["sms"],
    )
    delivery_attempt(delivery_id=notification.deliveries.get().pk)
    moment = timezone.now() - timedelta(hours=hours_ago)
    Notification.objects.filter(pk=notification.pk).update(created_at=moment)
    AuditEntry.objects.filter(
        action="notify.delivery.failed", object_id=notification.public_id
    ).update(created_at=moment)
    Delivery.objects.filter(notification=notification).update(
        failed_at=None if by_release_before else moment
    )
    return notification.deliveries.get()


def test_an_undated_failure_is_listed_by_its_notifications_time(refused_texts):
    # given failures 3 hours and a few minutes ago, and one of the release
    # before an hour ago (no failed_at)
    older = failed_text(hours_ago=3)
    undated = failed_text(hours_ago=1, by_release_before=True)
    newer = failed_text(hours_ago=0.1)
    # when an operator lists them
    listed = delivery_failed_list_for_operator(user=make_user(is_staff=True))
    # then the undated one is between them, not first (PostgreSQL) nor last (SQLite)
    assert list(listed) == [newer, undated, older]


def test_the_chart_counts_a_failure_of_the_release_before(refused_texts):
    # given a failure of the release before, today (it wrote the audit row)
    failed_text(hours_ago=0, by_release_before=True)
    # when the last 30 days are counted
    days = delivery_failed_per_day(user=make_user(is_staff=True), days=30)
    # then today has it
    assert days[-1]["date"] == timezone.localdate()
    assert days[-1]["counts"]["sms"] == 1


def test_the_periodic_job_dates_undated_failures_once(refused_texts):
    # given two failures of the release before, one whose audit row is gone
    # (dated by its notification then), a dated one and one retried since
    logged = failed_text(hours_ago=2, by_release_before=True)
    unlogged = failed_text(hours_ago=5, by_release_before=True)
    AuditEntry.objects.filter(object_id=unlogged.notification.public_id).delete()
    dated = failed_text(hours_ago=1)
    retried = failed_text(hours_ago=4, by_release_before=True)
    Delivery.objects.filter(pk=retried.pk).update(status=Delivery.Status.PENDING)
    # when the job runs, twice
    first = tasks.deliveries_failed_date.call_local()
    again = tasks.deliveries_failed_date.call_local()
    # then the two are dated, by the audit trail's moment or the notification's
    assert (first, again) == (2, 0)
    for delivery in (logged, unlogged, dated, retried):
        delivery.refresh_from_db()
    failure_logged_at = AuditEntry.objects.get(
        action="notify.delivery.failed", object_id=logged.notification.public_id
    ).created_at
    assert logged.failed_at == failure_logged_at
    assert unlogged.failed_at == unlogged.notification.created_at
    # and the others are as they were
    assert dated.failed_at == dated.notification.created_at
    assert retried.failed_at is None
