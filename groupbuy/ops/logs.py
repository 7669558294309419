"""Structured logs: one JSON object a line, with secrets and personal data cut.

Every record of the standard ``logging`` module (Django's, uvicorn's, ours)
goes through structlog's ``ProcessorFormatter``, which adds the context bound
for the current request or job (``request_id``, ``job``…) and renders JSON.
``redact`` runs last before rendering, so nothing escapes it: values under
secret-looking keys are replaced, phone numbers keep their last four digits,
and runs of 4–8 digits (one-time codes) are masked in free text.
"""

from __future__ import annotations

import functools
import logging
import re
from typing import Any

import structlog

REDACTED = "[redacted]"
SECRET_KEY_PARTS = (
    "password",
    "secret",
    "token",
    "authorization",
    "cookie",
    "session",
    "code",
    "signature",
    "api_key",
)
# Mainland mobiles (13800138000, +86 138 0013 8000) and any E.164 number.
PHONE = re.compile(
    r"(?<![\w+-])(?:(?:\+?86[ ]?)?1[3-9]\d[ ]?\d{4}[ ]?\d{4}|\+\d{8,15})(?![\w-])"
)
# One-time codes (six digits) standing alone in text.
SHORT_CODE = re.compile(r"(?<![\w.:/-])\d{6}(?![\w.:/-])")
BEARER = re.compile(r"(?i)\b(bearer|token)\s+[A-Za-z0-9._~+/=-]{8,}")
# key=value pairs of a query string or a message ("token=abc", "code: 123456").
SECRET_PAIR = re.compile(
    r"(?i)\b([a-z_]*(?:" + "|".join(SECRET_KEY_PARTS) + r")[a-z_]*)(=|: ?)([^&\s,;]+)"
)
# Keys structlog or we set whose values are safe as they are.
SAFE_KEYS = frozenset(
    {"event", "level", "logger", "timestamp", "request_id", "job", "job_id", "route"}
)
# Numbers whatever their key says (django.request's status_code holds "code").
SAFE_NUMBER_KEYS = frozenset(
    {"status", "status_code", "duration_ms", "bytes", "port", "pid"}
)


def mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return f"***{digits[-4:]}"


def redact_text(text: str) -> str:
    text = BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
    text = SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    text = PHONE.sub(mask_phone, text)
    return SHORT_CODE.sub("[number]", text)


@functools.lru_cache(maxsize=1024)  # keys repeat on every line; bounded all the same
def is_secret_key(key: str) -> bool:
    key = key.lower()
    return any(part in key for part in SECRET_KEY_PARTS)


def redact_value(key: str, value: Any) -> Any:
    if key in SAFE_NUMBER_KEYS and isinstance(value, int):
        return value
    if is_secret_key(key) and key not in SAFE_KEYS:
        return REDACTED
    if isinstance(value, str):
        return value if key in SAFE_KEYS - {"event"} else redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(key, item) for item in value]
    if isinstance(value, int) and key not in SAFE_NUMBER_KEYS and value > 10**9:
        return redact_text(str(value))
    return value


# Extras other libraries add that only repeat the message (uvicorn's colours).
DROPPED_KEYS = frozenset({"color_message"})


def redact(_logger, _method, event_dict: dict) -> dict:
    """structlog processor: cut secrets, codes and phone numbers."""
    return {
        key: redact_value(key, value)
        for key, value in event_dict.items()
        if key not in DROPPED_KEYS
    }


def _exception_text(_logger, _method, event_dict: dict) -> dict:
    # Tracebacks are kept (operators need them) but go through redact too.
    return structlog.processors.format_exc_info(_logger, _method, event_dict)


def formatter_processors(*, json: bool) -> list:
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        redact,
        renderer,
    ]


SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.stdlib.ExtraAdder(),
    _exception_text,
]


def logging_config(*, level: str, json: bool) -> dict:
    """Return the LOGGING dict: every record through structlog's formatter."""
    # warnings.warn() output becomes log records too, so it is JSON as well.
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            *SHARED_PROCESSORS,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": formatter_processors(json=json),
                "foreign_pre_chain": SHARED_PROCESSORS,
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "structured"}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # A handler of its own: `groupbuy worker` (run_huey) adds a
            # plain-text one in local time to a "huey" logger that has none,
            # which logged every job twice, once not as JSON.
            "huey": {"level": "WARNING", "handlers": ["console"], "propagate": False},
            "django.channels.server": {"level": "WARNING"},
            # Our one line a request replaces these.
            "uvicorn.access": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
            # fontTools' subsetter logs each table it prunes at INFO: ~100
            # lines for every coupon or statement PDF, around one request line.
            "fontTools": {"level": "WARNING"},
        },
    }


def get_logger(name: str):
    return structlog.stdlib.get_logger(name)
