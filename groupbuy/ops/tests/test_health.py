import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.ops import health
from groupbuy.ops.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_answers_for_any_host(client):
    # when: a load balancer asks by address, not a name in ALLOWED_HOSTS
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_with_database_migrations_and_inline_jobs(client, settings):
    # given: the test settings run jobs inline, so no worker is needed
    settings.REDIS_URL = ""
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "migrations", "worker"}
    assert body["checks"]["redis"] == {"ok": True, "detail": "not configured"}


@pytest.fixture
def queued_jobs(settings):
    settings.HUEY = {**settings.HUEY, "immediate": False}


def test_readyz_fails_without_a_worker_heartbeat(client, queued_jobs):
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["worker"] == {
        "ok": False,
        "detail": "no job worker has ever beaten",
    }


def test_a_failing_readyz_is_not_logged_as_an_error(client, queued_jobs, caplog):
    # given no worker: every probe answers 503. Django logged each as
    # "Service Unavailable: /readyz" at ERROR, so during a Redis restart a load
    # balancer probing every few seconds filled the log, which docs/operations.md
    # says the probes stay out of
    # when
    with caplog.at_level(logging.INFO):
        response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert [r for r in caplog.records if r.name.startswith("django.request")] == []


# Committed: the checks run in threads of their own, with their own
# connections, which do not see a test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_the_last_heartbeat_is_old(client, queued_jobs):
    # given: a worker beat four minutes ago (the limit is three)
    Heartbeat.objects.create(
        worker="old:1", beat_at=timezone.now() - timedelta(minutes=4)
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "last heartbeat 240 s ago"


# Committed: the checks run in threads of their own, with their own
# connections, which do not see a test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_readyz_is_ready_after_a_heartbeat(client, queued_jobs):
    # when: the periodic job runs
    health.heartbeat_record()

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["ok"] is True


def test_heartbeat_job_records_this_process_and_forgets_dead_workers():
    Heartbeat.objects.create(
        worker="gone:9", beat_at=timezone.now() - timedelta(days=2)
    )

    from groupbuy.ops.tasks import worker_heartbeat

    worker_heartbeat.call_local()

    assert Heartbeat.objects.count() == 1
    assert Heartbeat.objects.get().worker.endswith(":" + str(__import__("os").getpid()))


def test_readyz_reports_unapplied_migrations(client, monkeypatch):
    # given: the migration graph has a node the database lacks
    health._migrations_applied.clear()
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(
        MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)]
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "detail": "1 migrations not applied",
    }


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_fails_when_redis_is_unreachable(client):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["redis"]["detail"] == "ConnectionError"


@pytest.mark.redis
def test_readyz_pings_the_configured_redis(client, settings):
    import os

    settings.REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11")

    response = client.get("/readyz")

    assert response.json()["checks"]["redis"] == {"ok": True, "detail": ""}


@pytest.fixture
def slow_database(monkeypatch):
    """Every query the readiness checks send waits until released: a database
    that takes connections but does not answer (overloaded, a network
    partition, a lock)."""
    import threading

    from django.db.backends import utils

    released = threading.Event()
    execute = utils.CursorWrapper.execute

    def waiting_execute(self, sql, params=None):
        if threading.current_thread().name.startswith("readyz-"):
            released.wait(timeout=30)
        return execute(self, sql, params)

    monkeypatch.setattr(utils.CursorWrapper, "execute", waiting_execute)
    yield released
    released.set()


@pytest.mark.django_db(transaction=True)
def test_readyz_answers_in_time_when_the_database_does_not(
    client, settings, slow_database
):
    # given: a database that does not answer, and a timeout of half a second
    import time

    settings.REDIS_URL = ""
    settings.GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS = 0.5
    health._migrations_applied.clear()
    # when
    started = time.monotonic()
    response = client.get("/readyz")
    took = time.monotonic() - started
    # then: not ready, said well before a load balancer's own timeout
    assert took < 2
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == {"ok": False, "detail": "no answer within 0.5 s"}
    assert checks["migrations"]["ok"] is False
    # and what does not need the database still answers
    assert checks["redis"] == {"ok": True, "detail": "not configured"}

    # when: the next probe comes while the first one's query still waits
    started = time.monotonic()
    again = client.get("/readyz")
    # then: it does not queue another query behind it, and answers at once
    assert time.monotonic() - started < 0.5
    assert again.json()["checks"]["database"] == {
        "ok": False,
        "detail": "still waiting for an earlier probe's answer",
    }

    # when: the database answers again
    slow_database.set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = client.get("/readyz")
        if response.status_code == 200:
            break
        time.sleep(0.05)
    # then: ready again
    assert response.status_code == 200
