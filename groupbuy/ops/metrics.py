"""Prometheus metrics: per-process instruments and counts read at scrape time.

Two kinds of numbers:

- Instruments this process updates (requests, jobs, WebSocket connections).
  With several server processes set ``PROMETHEUS_MULTIPROC_DIR`` to an empty
  folder shared by them, and every process writes its values there; a scrape of
  any one process then sums them all (docs/operations.md).
- Business counts (joins, payments, refunds, deals closed, notification
  deliveries, snaps) read from the database at scrape time: audit rows and
  delivery and snap rows are already the record of these events, so they are
  right however many processes or machines produced them, and the services
  other apps own need no metric calls.
"""

from __future__ import annotations

import os
import time

from django.db.models import Count
from prometheus_client import REGISTRY as PROCESS_REGISTRY
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

http_requests = Counter(
    "groupbuy_http_requests_total",
    "HTTP requests answered, by route and status code.",
    ["method", "route", "status"],
)
http_request_duration = Histogram(
    "groupbuy_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["method", "route"],
    buckets=REQUEST_BUCKETS,
)
http_exceptions = Counter(
    "groupbuy_http_exceptions_total",
    "Requests whose view raised an unhandled exception, by route.",
    ["route", "exception"],
)
jobs_finished = Counter(
    "groupbuy_jobs_total",
    "Jobs the worker ran, by job and outcome (ok, error).",
    ["job", "outcome"],
)
job_duration = Histogram(
    "groupbuy_job_duration_seconds",
    "Time a job ran, by job.",
    ["job"],
    buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
job_wait = Histogram(
    "groupbuy_job_wait_seconds",
    "Time a job waited in the queue before a worker took it.",
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
websocket_connections = Gauge(
    "groupbuy_websocket_connections",
    "Open WebSocket connections.",
    multiprocess_mode="livesum",
)

# Audit actions counted as business events: metric name -> actions.
AUDITED_EVENTS = {
    "groupbuy_joins_total": ("Orders placed by joining a deal.", "deals.order.joined"),
    "groupbuy_payments_captured_total": (
        "Payments captured into escrow.",
        "escrow.payment.captured",
    ),
    "groupbuy_payments_failed_total": (
        "Payments the provider reported failed.",
        "escrow.payment.failed",
    ),
    "groupbuy_refunds_total": ("Refunds issued.", "escrow.refund.issued"),
}
DEAL_OUTCOMES = ("succeeded", "failed", "settled")


class DatabaseCollector:
    """Count business events and the job queue at scrape time."""

    def collect(self):
        yield from self._audited_events()
        yield from self._deliveries()
        yield from self._snaps()
        yield from self._queue()
        yield from self._heartbeat()

    def _audited_events(self):
        from groupbuy.core.models import AuditEntry

        actions = [action for _, action in AUDITED_EVENTS.values()]
        actions += [f"deals.deal.{outcome}" for outcome in DEAL_OUTCOMES]
        counts = dict(
            AuditEntry.objects.filter(action__in=actions)
            .values_list("action")
            .annotate(count=Count("id"))
        )
        for name, (documentation, action) in AUDITED_EVENTS.items():
            family = CounterMetricFamily(name.removesuffix("_total"), documentation)
            family.add_metric([], counts.get(action, 0))
            yield family
        closed = CounterMetricFamily(
            "groupbuy_deals_closed", "Deals closed, by outcome.", labels=["outcome"]
        )
        for outcome in DEAL_OUTCOMES:
            closed.add_metric([outcome], counts.get(f"deals.deal.{outcome}", 0))
        yield closed

    def _deliveries(self):
        from groupbuy.notify.models import Delivery

        family = GaugeMetricFamily(
            "groupbuy_notification_deliveries",
            "Notification deliveries, by channel and status (sent, failed, "
            "skipped, pending, sending).",
            labels=["channel", "status"],
        )
        rows = Delivery.objects.values_list("channel", "status").annotate(
            count=Count("id")
        )
        for channel, status, count in rows.order_by("channel", "status"):
            family.add_metric([channel, status], count)
        yield family

    def _snaps(self):
        from groupbuy.snap.models import Snap

        family = GaugeMetricFamily(
            "groupbuy_snaps",
            "Snap recognitions, by the stage that decided (barcode, name, "
            "appearance, none) and outcome.",
            labels=["stage", "outcome"],
        )
        rows = Snap.objects.values_list("method", "status").annotate(count=Count("id"))
        for method, status, count in rows.order_by("method", "status"):
            family.add_metric([method or "none", status], count)
        yield family

    def _queue(self):
        from groupbuy.ops.jobs import queue_state

        depth, oldest_age = queue_state()
        family = GaugeMetricFamily(
            "groupbuy_job_queue_depth", "Jobs waiting for a worker."
        )
        family.add_metric([], depth)
        yield family
        family = GaugeMetricFamily(
            "groupbuy_job_queue_oldest_age_seconds",
            "How long the oldest waiting job has waited (0 when none waits).",
        )
        family.add_metric([], oldest_age)
        yield family

    def _heartbeat(self):
        from groupbuy.ops.models import Heartbeat

        latest = Heartbeat.objects.order_by("-beat_at").first()
        family = GaugeMetricFamily(
            "groupbuy_worker_heartbeat_age_seconds",
            "Seconds since a job worker last beat (-1 when none ever did).",
        )
        age = time.time() - latest.beat_at.timestamp() if latest else -1
        family.add_metric([], age)
        yield family


def is_multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def exposition() -> bytes:
    """Return every metric in the Prometheus text format."""
    if is_multiprocess():
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = PROCESS_REGISTRY
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)
