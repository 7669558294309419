"""Jobs seen from operations: request ids carried into them, a log line and
metrics for each, the queue's depth and age, and the worker heartbeat.

When a job is queued, its context (the request id of the request that queued
it, the time) is kept in Huey's own key-value store under the task's id; the
worker takes it back before running the job, so the job's log lines, and the
notifications it sends, carry the request's id.
"""

from __future__ import annotations

import time

import structlog
from huey import signals as huey_signals
from huey.contrib.djhuey import HUEY

from groupbuy.ops import metrics
from groupbuy.ops.logs import get_logger

logger = get_logger("groupbuy.job")
CONTEXT_KEY = "groupbuy.ops.job:{}"
# task id -> (start time, the context tokens to restore after the job)
_running: dict[str, tuple[float, dict]] = {}


def _context_key(task) -> str:
    return CONTEXT_KEY.format(task.id)


def on_enqueued(signal, task, *args, **kwargs) -> None:
    context = structlog.contextvars.get_contextvars()
    HUEY.put(
        _context_key(task),
        {"request_id": context.get("request_id", ""), "enqueued_at": time.time()},
    )


def before_job(task) -> None:
    context = HUEY.get(_context_key(task)) or {}
    # Tokens, not a clear: in immediate mode the job runs inside the request,
    # whose own context must come back afterwards.
    tokens = structlog.contextvars.bind_contextvars(
        job=task.name, job_id=task.id, request_id=context.get("request_id") or None
    )
    enqueued_at = context.get("enqueued_at")
    if enqueued_at:
        metrics.job_wait.observe(max(0.0, time.time() - enqueued_at))
    _running[task.id] = (time.perf_counter(), tokens)


def after_job(task, task_value, exception) -> None:
    started, tokens = _running.pop(task.id, (None, {}))
    elapsed = time.perf_counter() - started if started else 0.0
    outcome = "ok" if exception is None else "error"
    metrics.jobs_finished.labels(task.name, outcome).inc()
    metrics.job_duration.labels(task.name).observe(elapsed)
    log = logger.error if exception is not None else logger.info
    log(
        "job",
        outcome=outcome,
        duration_ms=round(elapsed * 1000, 1),
        error=type(exception).__name__ if exception is not None else None,
    )
    structlog.contextvars.reset_contextvars(**tokens)


def queue_state() -> tuple[int, float]:
    """Return the number of waiting jobs and the oldest one's wait in seconds."""
    depth = HUEY.pending_count()
    oldest = 0.0
    now = time.time()
    for task in HUEY.pending(limit=500):
        context = HUEY.get(_context_key(task), peek=True) or {}
        if context.get("enqueued_at"):
            oldest = max(oldest, now - context["enqueued_at"])
    return depth, oldest


def connect() -> None:
    """Install the hooks once per process (AppConfig.ready)."""
    if getattr(HUEY, "_groupbuy_ops_hooks", False):
        return
    HUEY._groupbuy_ops_hooks = True
    HUEY.signal(huey_signals.SIGNAL_ENQUEUED)(on_enqueued)
    HUEY.pre_execute(name="groupbuy_ops_before")(before_job)
    HUEY.post_execute(name="groupbuy_ops_after")(after_job)

    @HUEY.on_startup(name="groupbuy_ops_heartbeat")
    def beat_on_startup() -> None:
        # Ready at once after a (re)start, not only at the next minute.
        from groupbuy.ops.health import heartbeat_record

        heartbeat_record()
