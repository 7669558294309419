"""The ops middlewares: probes and metrics first, then one log line a request."""

from __future__ import annotations

import ipaddress
import re
import secrets
import time
import uuid

import structlog
from django.conf import settings
from django.http import HttpResponse, JsonResponse

from groupbuy.ops import health, metrics
from groupbuy.ops.logs import get_logger

logger = get_logger("groupbuy.request")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Headers only a proxy adds (nginx, Caddy, load balancers): a request carrying
# one was not sent by a scraper on an allowed network but relayed for someone.
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)


class OpsEndpointsMiddleware:
    """Answer /healthz, /readyz and /metrics before anything else runs.

    Outermost, so probes skip host validation (a load balancer asks by address),
    the HTTPS redirect, sessions, and the request log and metrics.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            return JsonResponse({"status": "ok"})
        if path == "/readyz":
            return readyz()
        if path == "/metrics":
            return metrics_view(request)
        return self.get_response(request)


def readyz() -> JsonResponse:
    results = health.readiness()
    ready = all(check.ok for check in results.values())
    body = {
        "status": "ok" if ready else "fail",
        "checks": {
            name: {"ok": check.ok, "detail": check.detail}
            for name, check in results.items()
        },
    }
    response = JsonResponse(body, status=200 if ready else 503)
    # Probes stay out of the log: Django would log every 503 at ERROR, a line
    # per probe per server while Redis restarts or the worker is down.
    response._has_been_logged = True
    return response


def metrics_view(request) -> HttpResponse:
    if not metrics_allowed(request):
        return JsonResponse(
            {"code": "forbidden", "message": "Not allowed.", "fields": {}}, status=403
        )
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


def metrics_allowed(request) -> bool:
    """A matching bearer token, or a peer in the allowed networks asking itself."""
    token = settings.GROUPBUY_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        offered = header.removeprefix("Bearer ").encode()
        return secrets.compare_digest(offered, token.encode())
    if any(request.META.get(header) for header in PROXY_HEADERS):
        # Relayed by a proxy: the peer is the proxy (nginx on 127.0.0.1 would
        # make every visitor "local"), and a scraper talks to servers directly.
        return False
    try:
        # The socket's peer, never X-Forwarded-For: a scraper talks directly.
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(
        peer in ipaddress.ip_network(network, strict=False)
        for network in settings.GROUPBUY_METRICS_ALLOWED_NETWORKS
    )


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return "/" + (match.route or match.view_name or "unknown")


class RequestObservabilityMiddleware:
    """Give each request an id, time it, count it, and log one line about it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        metrics.http_requests.labels(request.method, route, response.status_code).inc()
        metrics.http_request_duration.labels(request.method, route).observe(elapsed)
        response["X-Request-ID"] = request_id
        # Only a user the request already loaded: no extra query for the log.
        user = getattr(request, "auth", None) or getattr(
            request.__dict__.get("user"), "_wrapped", None
        )
        logger.info(
            "request",
            method=request.method,
            route=route,
            status=response.status_code,
            duration_ms=round(elapsed * 1000, 1),
            user=getattr(user, "public_id", None),
        )
        structlog.contextvars.clear_contextvars()
        return response

    def process_exception(self, request, exception):
        metrics.http_exceptions.labels(
            route_of(request), type(exception).__name__
        ).inc()
        return None
