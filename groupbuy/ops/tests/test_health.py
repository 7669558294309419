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


def test_readyz_fails_when_the_last_heartbeat_is_old(client, queued_jobs):
    # given: a worker beat four minutes ago (the limit is three)
    Heartbeat.objects.create(
        worker="old:1", beat_at=timezone.now() - timedelta(minutes=4)
    )

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["detail"] == "last heartbeat 240 s ago"


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
