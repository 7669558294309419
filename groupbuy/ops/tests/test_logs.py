import io
import json
import logging

import pytest
import structlog

from groupbuy.ops.logs import SHARED_PROCESSORS, formatter_processors, redact_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sent to +8613800138000", "sent to ***8000"),
        ("sent to 13800138000.", "sent to ***8000."),
        ("call +86 138 0013 8000 now", "call ***8000 now"),
        ("your code is 482913", "your code is [number]"),
        ("GET /api/x?token=abcdef123&page=2", "GET /api/x?token=[redacted]&page=2"),
        (
            "Authorization: Bearer gb_tok_12345678abcdef",
            "Authorization: [redacted] [redacted]",
        ),
        ("at 2026-12-02T04:34:15.810400+00:00", "at 2026-12-02T04:34:15.810400+00:00"),
        ("port 8000 pid 1234", "port 8000 pid 1234"),
    ],
)
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def captured_json(call) -> dict:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=formatter_processors(json=True),
            foreign_pre_chain=SHARED_PROCESSORS,
        )
    )
    logger = logging.getLogger("groupbuy.test.redaction")
    logger.addHandler(handler)
    try:
        call(logger)
    finally:
        logger.removeHandler(handler)
    return json.loads(stream.getvalue().strip().splitlines()[-1])


def test_secret_keys_are_cut_whatever_their_value():
    record = captured_json(
        lambda logger: logger.warning(
            "login", extra={"password": "hunter22", "api_token": "x", "count": 3}
        )
    )
    assert record["password"] == "[redacted]"
    assert record["api_token"] == "[redacted]"
    assert record["count"] == 3


def test_an_error_answers_status_code_is_kept_and_a_code_is_not():
    # given django.request's line for a 5xx, which carries the answer's
    # status_code (it read "[redacted]": the key holds "code")
    record = captured_json(
        lambda logger: logger.error(
            "Service Unavailable: /readyz",
            extra={"status_code": 503, "sms_code": 123456},
        )
    )
    # then
    assert record["status_code"] == 503
    assert record["sms_code"] == "[redacted]"


def test_request_id_from_the_context_is_in_every_line():
    structlog.contextvars.bind_contextvars(request_id="req-42")
    try:
        record = captured_json(
            lambda logger: logger.warning("texting %s", "13800138000")
        )
    finally:
        structlog.contextvars.clear_contextvars()
    assert record["request_id"] == "req-42"
    assert record["event"] == "texting ***8000"


def test_the_worker_logs_huey_only_as_json_lines(monkeypatch):
    # given `groupbuy worker` (run_huey), which adds a plain-text handler of its
    # own to the "huey" logger unless the logging configuration gave it one:
    # every job was then logged twice, once as "[2026-12-07 01:13:07,112]
    # INFO:huey:Worker-4:…" in local time, once as JSON
    from django.core.management import call_command
    from huey.consumer import Consumer

    monkeypatch.setattr(Consumer, "run", lambda self: None)
    huey_logger = logging.getLogger("huey")
    before = list(huey_logger.handlers)
    # when
    try:
        call_command("run_huey")
        added = [h for h in huey_logger.handlers if h not in before]
        # then every handler of huey's records formats them as JSON
        assert not added
        formatters = [
            type(handler.formatter)
            for handler in huey_logger.handlers
            if not type(handler).__module__.startswith("_pytest")  # caplog's
        ]
        assert formatters == [structlog.stdlib.ProcessorFormatter]
    finally:
        for handler in list(huey_logger.handlers):
            if handler not in before:
                huey_logger.removeHandler(handler)
