"""Operations (groupbuy.ops): probes, metrics, graceful stops, erasures, logs."""

import os

from groupbuy.ops.logs import logging_config as _ops_logging_config
from groupbuy.settings.environment import env_list
from groupbuy.settings.realtime import HUEY

# docs/operations.md; the app and its middleware are wired in the package.
# /metrics answers a request with "Authorization: Bearer <token>" when a token is
# set, or from an address in these networks (comma separated; default loopback).
GROUPBUY_METRICS_TOKEN = os.environ.get("GROUPBUY_METRICS_TOKEN", "")
GROUPBUY_METRICS_ALLOWED_NETWORKS = env_list(
    "GROUPBUY_METRICS_ALLOWED_NETWORKS", "127.0.0.1/32,::1/128"
)
# /readyz fails when no job worker has beaten for this long (they beat each minute).
GROUPBUY_OPS_HEARTBEAT_MAX_AGE_SECONDS = int(
    os.environ.get("GROUPBUY_OPS_HEARTBEAT_MAX_AGE_SECONDS", "180")
)
# /readyz answers within this many seconds: a check the database (or Redis) has
# not answered by then fails as "no answer" (docs/operations.md, "Probes").
GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS = float(
    os.environ.get("GROUPBUY_OPS_READYZ_TIMEOUT_SECONDS", "2")
)
# On SIGTERM `groupbuy serve` stops accepting and waits this long for requests.
GROUPBUY_GRACEFUL_SHUTDOWN_SECONDS = int(
    os.environ.get("GROUPBUY_GRACEFUL_SHUTDOWN_SECONDS", "30")
)
# SIGTERM lets the worker finish its running jobs (Huey's default is SIGINT).
HUEY["consumer"]["graceful_signal"] = "TERM"
# A person's erasure request is performed this many days after it is made (they
# may cancel until then; operators may perform it sooner). docs/operations.md.
GROUPBUY_ERASURE_GRACE_DAYS = int(os.environ.get("GROUPBUY_ERASURE_GRACE_DAYS", "7"))
# Logs: one JSON object a line (GROUPBUY_LOG_FORMAT=console for people).
LOGGING = _ops_logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"),
    json=os.environ.get("GROUPBUY_LOG_FORMAT", "json") != "console",
)
