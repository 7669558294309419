"""Liveness and readiness: what a load balancer or an orchestrator asks.

``/healthz`` answers as long as the process serves requests. ``/readyz`` checks
what a request needs: the database, Redis when configured, every migration
applied, and a job worker that beat recently (jobs send the notifications and
take the payment callbacks).

Each check runs in a thread of its own and the answer waits for them at most
GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS: a database that does not answer makes the
probe say so in time, rather than hang past the prober's own timeout with a
request thread held per probe. A check still running from an earlier probe is
not started again (nothing piles up behind a stuck database); it reports that
it is still waiting.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from groupbuy.ops.models import Heartbeat

_migrations_applied = threading.Event()


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str = ""


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return Check(True)


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check(True, "not configured")
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return Check(True)


def check_migrations() -> Check:
    # Applied migrations stay applied: once all are, later probes skip the
    # (slow) graph walk.
    if _migrations_applied.is_set():
        return Check(True)
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return Check(False, f"{len(plan)} migrations not applied")
    _migrations_applied.set()
    return Check(True)


def check_worker() -> Check:
    if settings.HUEY.get("immediate"):
        return Check(True, "jobs run inline")
    max_age = timedelta(seconds=settings.GROUPBUY_OPS_HEARTBEAT_MAX_AGE_SECONDS)
    latest = Heartbeat.objects.order_by("-beat_at").first()
    if latest is None:
        return Check(False, "no job worker has ever beaten")
    age = timezone.now() - latest.beat_at
    if age > max_age:
        return Check(False, f"last heartbeat {int(age.total_seconds())} s ago")
    return Check(True, f"last heartbeat {int(age.total_seconds())} s ago")


CHECKS = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
    "worker": check_worker,
}


_running: dict[str, threading.Thread] = {}
_running_lock = threading.Lock()
STILL_WAITING = Check(False, "still waiting for an earlier probe's answer")


def readiness(*, timeout: float | None = None) -> dict[str, Check]:
    """Run every check at once, each in its own thread, and return their
    results after at most ``timeout`` seconds: a check that raises fails with
    the error's class name, one that has not answered fails as such."""
    if timeout is None:
        timeout = settings.GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    answers: dict[str, Check] = {}
    started = {}
    for name, check in CHECKS.items():
        with _running_lock:
            earlier = _running.get(name)
            if earlier is not None and earlier.is_alive():
                continue
            thread = threading.Thread(
                target=_run, args=(check, name, answers), name=f"readyz-{name}"
            )
            thread.daemon = True
            _running[name] = thread
            thread.start()
        started[name] = thread
    for thread in started.values():
        thread.join(max(deadline - time.monotonic(), 0))
    unanswered = Check(False, f"no answer within {timeout:g} s")
    return {
        name: answers.get(name, unanswered if name in started else STILL_WAITING)
        for name in CHECKS
    }


def _run(check, name: str, answers: dict[str, Check]) -> None:
    try:
        answers[name] = check()
    except Exception as error:
        answers[name] = Check(False, type(error).__name__)
    finally:
        # This thread's own connection (back to the pool on PostgreSQL).
        connections.close_all()


def heartbeat_record() -> Heartbeat:
    """Record that this worker process is alive (called by a periodic job)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    now = timezone.now()
    # Every worker thread beats on start-up at once: create, or update if
    # another thread of this process was first.
    if not Heartbeat.objects.filter(worker=worker).update(beat_at=now):
        try:
            with transaction.atomic():
                Heartbeat.objects.create(worker=worker, beat_at=now)
        except IntegrityError:
            Heartbeat.objects.filter(worker=worker).update(beat_at=now)
    # Dead workers' rows would only grow the table.
    Heartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return Heartbeat.objects.get(worker=worker)
