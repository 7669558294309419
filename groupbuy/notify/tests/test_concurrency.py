"""Races: two workers on one delivery, two transactions on one idempotency key.

The SQLite runs use threads; the PostgreSQL runs (``-m postgres``) use separate
connections that really wait on each other's row locks.
"""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection, transaction

from groupbuy.core.models import AuditEntry
from groupbuy.notify import services
from groupbuy.notify.delivery import delivery_attempt
from groupbuy.notify.models import Delivery, Notification
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_for_locks(target):
    """Retry while the table is locked, as SQLite's busy timeout does for the real
    database file; the in-memory test database shares one cache between threads
    and reports the lock at once instead of waiting."""
    for _attempt in range(200):
        try:
            return target()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("the table stayed locked")


def run_together(target, count: int = 2) -> list:
    """Start ``count`` threads at the same moment; return what each returned."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = waiting_for_locks(target)
        except Exception as error:  # reported by the test below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def slow_sms(monkeypatch):
    real_send = MemorySmsBackend.send

    def send(self, **message):
        time.sleep(0.05)  # wide enough for the other worker to try meanwhile
        return real_send(self, **message)

    monkeypatch.setattr(MemorySmsBackend, "send", send)


def pending_sms_delivery(monkeypatch) -> Delivery:
    """A delivery nobody has handed to a worker yet."""
    monkeypatch.setattr(services, "_hand_over", lambda *args: None)
    notification = notification_enqueue(
        recipient=make_user(),
        kind="deals.deal.succeeded",
        title="Your group-buy succeeded",
        body="",
        channels=["sms"],
    )
    return notification.deliveries.get()


def racing_workers_send_once(monkeypatch):
    # given
    slow_sms(monkeypatch)
    delivery = pending_sms_delivery(monkeypatch)
    # when
    results = run_together(lambda: delivery_attempt(delivery_id=delivery.pk))
    # then
    delivery.refresh_from_db()
    assert sorted(result is None for result in results) == [False, True], (
        f"{results=} status={delivery.status} attempts={delivery.attempts} "
        f"error={delivery.last_error!r}"
    )
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
    assert len(MemorySmsBackend.outbox) == 1


def racing_transactions_notify_once():
    # given
    recipient = make_user()

    def enqueue_slowly():
        with transaction.atomic():
            notification = notification_enqueue(
                recipient=recipient,
                kind="deals.deal.succeeded",
                title="Your group-buy succeeded",
                body="",
                idempotency_key="deals.deal.succeeded:deal_race",
            )
            time.sleep(0.05)  # hold the row while the other transaction tries
            return notification.pk if notification else None

    # when
    results = run_together(enqueue_slowly)
    # then
    assert sorted(result is None for result in results) == [False, True]
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 1


def test_racing_workers_send_a_delivery_once(monkeypatch):
    racing_workers_send_once(monkeypatch)


def test_racing_transactions_with_one_key_notify_once():
    racing_transactions_notify_once()


@pytest.mark.postgres
def test_racing_workers_send_a_delivery_once_on_postgres(monkeypatch):
    racing_workers_send_once(monkeypatch)


@pytest.mark.postgres
def test_racing_transactions_with_one_key_notify_once_on_postgres():
    racing_transactions_notify_once()


def racing_retries_queue_once(monkeypatch):
    # given a failed text
    delivery = pending_sms_delivery(monkeypatch)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED, attempts=6, last_error="SmsError: down"
    )
    operator = make_user(is_staff=True)

    # when they retry every failed text at once (two tabs, a double click)
    results = run_together(
        lambda: services.delivery_retry_failed(actor=operator, channel="sms")
    )
    # then it was queued once
    assert sorted(results) == [0, 1]
    retried = AuditEntry.objects.filter(action="notify.delivery.retried")
    assert retried.count() == 1


def test_racing_retries_queue_a_failed_delivery_once(monkeypatch):
    racing_retries_queue_once(monkeypatch)


@pytest.mark.postgres
def test_racing_retries_queue_a_failed_delivery_once_on_postgres(monkeypatch):
    racing_retries_queue_once(monkeypatch)
