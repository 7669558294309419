"""Every setting an app reads can be set in the environment."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks

import groupbuy.settings
from groupbuy.settings import from_apps

GROUPBUY = Path(groupbuy.settings.__file__).resolve().parents[1]


def _settings_read_with_defaults() -> dict[str, str]:
    """``getattr(settings, "NAME", …)`` in the application's code: name -> where."""
    found = {}
    for path in sorted(GROUPBUY.rglob("*.py")):
        parts = path.relative_to(GROUPBUY).parts
        if {"tests", "migrations"} & set(parts) or parts[0] == "settings":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "getattr"
                and len(node.args) >= 2
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == "settings"
                and isinstance(node.args[1], ast.Constant)
            ):
                found.setdefault(node.args[1].value, f"{path.name}:{node.lineno}")
    return found


def test_every_setting_an_app_reads_can_be_set_by_an_operator():
    read = _settings_read_with_defaults()
    assert "GROUPBUY_SMS_HTTP_URL" in read  # the scan finds them
    unreachable = {
        name: where
        for name, where in read.items()
        if not hasattr(groupbuy.settings, name)
        and name not in from_apps._FROM_ENVIRONMENT
    }
    assert unreachable == {}


def _settings_in(
    environment: dict, tmp_path, *, printed: str = ""
) -> subprocess.CompletedProcess:
    script = (
        "import groupbuy.settings as s; print("
        + (
            printed
            or "s.GROUPBUY_SMS_HTTP_URL, s.GROUPBUY_POOL_ANSWER_MINUTES, "
            "s.GROUPBUY_POOL_MATCH_BUDGET_S, hasattr(s, 'GROUPBUY_COUPON_VALID_DAYS'), "
            "s.GROUPBUY_SITE_NAME"
        )
        + ")"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        env={
            **os.environ,
            "GROUPBUY_DATA_DIR": str(tmp_path),
            "PYTHONIOENCODING": "utf-8",
            **environment,
        },
        capture_output=True,
        encoding="utf-8",
        cwd=GROUPBUY.parent,
        timeout=60,
    )


def test_the_environment_sets_an_apps_setting_of_its_kind_and_the_sites_name(
    tmp_path,
):
    # when
    started = _settings_in(
        {
            "GROUPBUY_SMS_HTTP_URL": "https://sms.example.cn/send",
            "GROUPBUY_POOL_ANSWER_MINUTES": " 20 ",
            "GROUPBUY_POOL_MATCH_BUDGET_S": "1.5",
            "GROUPBUY_SITE_NAME": "鲜邻团购",
        },
        tmp_path,
    )
    # then: unset ones stay for the app's own default
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [
        "https://sms.example.cn/send",
        "20",
        "1.5",
        "False",
        "鲜邻团购",
    ]


def test_the_sms_code_limits_and_the_outbox_retention_come_from_the_environment(
    tmp_path,
):
    names = [
        "GROUPBUY_PHONE_CODE_TTL_MINUTES",
        "GROUPBUY_PHONE_CODE_MAX_ATTEMPTS",
        "GROUPBUY_PHONE_CODE_RESEND_SECONDS",
        "GROUPBUY_PHONE_CODES_PER_NUMBER_PER_HOUR",
        "GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR",
        "GROUPBUY_OUTBOX_RETENTION_DAYS",
    ]
    started = _settings_in(
        {name: str(value) for value, name in enumerate(names, start=2)},
        tmp_path,
        printed=", ".join(f"s.{name}" for name in names),
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["2", "3", "4", "5", "6", "7"]


def test_a_setting_of_the_wrong_kind_stops_the_start_naming_it(tmp_path):
    started = _settings_in({"GROUPBUY_POOL_ANSWER_MINUTES": "15min"}, tmp_path)

    assert started.returncode != 0
    assert (
        "GROUPBUY_POOL_ANSWER_MINUTES='15min' in the environment is not a whole number"
        in started.stderr
    )


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("GROUPBUY_COUPON_EXPIRY_RULE", "coupons.E001"),
        ("GROUPBUY_DEMAND_FORFEIT_RULE", "demands.E001"),
    ],
)
def test_a_rule_that_is_not_one_of_its_choices_stops_the_start(name, check, settings):
    def failed():
        return [message.id for message in run_checks() if message.is_serious()]

    assert check not in failed()
    setattr(settings, name, "refund-everyone")
    assert check in failed()


@pytest.mark.parametrize(
    ("text", "value"), [("false", "False"), (" No ", "False"), ("1", "True")]
)
def test_a_yes_or_no_setting_reads_the_words_people_write(tmp_path, text, value):
    # bool("false") is True: the words are read, not Python's truth.
    started = _settings_in(
        {"GROUPBUY_COUPON_UNUSED_REFUNDABLE": text},
        tmp_path,
        printed="s.GROUPBUY_COUPON_UNUSED_REFUNDABLE",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == [value]


def test_a_yes_or_no_setting_refuses_anything_else(tmp_path):
    started = _settings_in({"GROUPBUY_COUPON_UNUSED_REFUNDABLE": "maybe"}, tmp_path)
    assert started.returncode != 0
    assert (
        "GROUPBUY_COUPON_UNUSED_REFUNDABLE='maybe' in the environment is not true "
        "or false" in started.stderr
    )
