"""The production checks (groupbuy.E00x) and demo mode's generated secrets."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core import checks as django_checks

from groupbuy.core import checks
from groupbuy.core.demo_secrets import demo_secrets_load_or_create
from tests.support.servers import REPO

BUILT_IN = {
    "SECRET_KEY": "dev-only-insecure-key-change-me-in-production",
    "GROUPBUY_SANDBOX_PAYMENT_SECRET": "sandbox-secret-change-me",
}


@pytest.fixture
def production(settings):
    """Settings of a safe production; each test breaks one thing."""
    settings.DEBUG = False
    settings.GROUPBUY_DEMO_MODE = False
    settings.GROUPBUY_BUILT_IN_SECRETS = BUILT_IN
    settings.SECRET_KEY = "k" * 60
    settings.GROUPBUY_SANDBOX_PAYMENT_SECRET = "s" * 60
    settings.ALLOWED_HOSTS = ["shop.example.com"]
    settings.GROUPBUY_PUBLIC_URL = "https://shop.example.com"
    settings.GROUPBUY_PAYMENT_PROVIDERS = []
    settings.GROUPBUY_PAYMENTS_TEST_MODE = False
    return settings


def all_errors() -> list[str]:
    found = [
        *checks.check_secrets(None),
        *checks.check_hosts(None),
        *checks.check_payment_providers(None),
    ]
    return [f"{error.id} {error.msg}" for error in found]


def test_a_safe_production_passes(production):
    assert all_errors() == []


def test_each_built_in_secret_is_refused(production):
    production.SECRET_KEY = BUILT_IN["SECRET_KEY"]
    production.GROUPBUY_SANDBOX_PAYMENT_SECRET = BUILT_IN[
        "GROUPBUY_SANDBOX_PAYMENT_SECRET"
    ]
    errors = all_errors()
    assert len(errors) == 2
    assert errors[0].startswith("groupbuy.E001 SECRET_KEY has its built-in value")
    assert errors[1].startswith("groupbuy.E001 GROUPBUY_SANDBOX_PAYMENT_SECRET")


def test_empty_allowed_hosts_and_unset_public_url_are_refused(production):
    production.ALLOWED_HOSTS = []
    production.GROUPBUY_PUBLIC_URL = production.GROUPBUY_PUBLIC_URL_DEFAULT
    assert [error.split()[0] for error in all_errors()] == [
        "groupbuy.E002",
        "groupbuy.E003",
    ]


def test_sandbox_in_production_needs_the_test_mode_flag(production):
    production.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    assert [error.split()[0] for error in all_errors()] == ["groupbuy.E005"]
    production.GROUPBUY_PAYMENTS_TEST_MODE = True
    assert all_errors() == []


def test_unknown_provider_is_refused_in_every_mode(production):
    production.DEBUG = True
    production.GROUPBUY_PAYMENT_PROVIDERS = ["alipay-typo"]
    assert [error.split()[0] for error in all_errors()] == ["groupbuy.E004"]


@pytest.mark.parametrize("mode", ["DEBUG", "GROUPBUY_DEMO_MODE"])
def test_debug_and_demo_mode_are_not_production(production, mode):
    setattr(production, mode, True)
    production.SECRET_KEY = BUILT_IN["SECRET_KEY"]
    production.ALLOWED_HOSTS = []
    production.GROUPBUY_PAYMENT_PROVIDERS = ["sandbox"]
    assert all_errors() == []


def test_demo_secrets_are_generated_once_and_kept_private(tmp_path):
    # when
    first = demo_secrets_load_or_create(tmp_path, ["SECRET_KEY"])
    again = demo_secrets_load_or_create(tmp_path, ["SECRET_KEY", "NEW_SECRET"])
    # then
    assert len(first["SECRET_KEY"]) >= 50
    assert again["SECRET_KEY"] == first["SECRET_KEY"]
    assert len(again["NEW_SECRET"]) >= 50
    path = tmp_path / "demo-secrets.json"
    assert json.loads(path.read_text()) == again
    assert path.stat().st_mode & 0o777 == 0o600


def _settings_in_subprocess(tmp_path, **environment) -> dict:
    code = (
        "import json; from groupbuy import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'secret_key': s.SECRET_KEY, "
        "'sandbox': s.GROUPBUY_SANDBOX_PAYMENT_SECRET, 'hosts': s.ALLOWED_HOSTS, "
        "'providers': s.GROUPBUY_PAYMENT_PROVIDERS, 'https': s.GROUPBUY_HTTPS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "GROUPBUY_DATA_DIR": str(tmp_path),
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_settings_default_to_debug_off_and_nothing_allowed(tmp_path):
    values = _settings_in_subprocess(tmp_path)
    assert values["debug"] is False
    assert values["hosts"] == []
    assert values["providers"] == []
    assert values["https"] is True
    assert values["secret_key"] == BUILT_IN["SECRET_KEY"]


def test_demo_mode_uses_its_generated_secrets_and_the_sandbox(tmp_path):
    first = _settings_in_subprocess(tmp_path, GROUPBUY_DEMO_MODE="1")
    second = _settings_in_subprocess(tmp_path, GROUPBUY_DEMO_MODE="1")
    assert first["debug"] is False
    assert first["secret_key"] not in BUILT_IN.values()
    assert first["sandbox"] not in BUILT_IN.values()
    assert first["secret_key"] == second["secret_key"]
    assert first["providers"] == ["sandbox"]
    assert first["hosts"] == ["127.0.0.1", "localhost"]
    assert first["https"] is False


# --- Warnings: what a production can start without, but should not ------------

FILE_SMS = "groupbuy.notify.sms.FileOutboxSmsBackend"
FILE_EMAIL = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def delivering(production):
    """The safe production above, with real SMS and e-mail and its own contact
    hash key: the warnings' tests each take one away."""
    production.GROUPBUY_SMS_BACKEND = "groupbuy.notify.sms_modem.HttpGatewaySmsBackend"
    production.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    production.GROUPBUY_CONTACT_HASH_KEY = "c" * 60
    production.SECRET_KEY_FALLBACKS = []
    return production


def all_warnings() -> list[str]:
    found = [
        *checks.check_message_delivery(None),
        *checks.check_contact_hash_key(None),
    ]
    return [f"{warning.id} {warning.msg}" for warning in found]


def test_a_production_that_texts_mails_and_keys_its_hashes_has_no_warning(
    delivering,
):
    assert all_warnings() == []


def test_texts_written_to_files_warn_that_nobody_can_sign_up(delivering):
    # given: the one-machine default, texts written as files nobody sends
    delivering.GROUPBUY_SMS_BACKEND = FILE_SMS
    # when
    warnings = checks.check_message_delivery(None)
    # then: a warning, not an error (the site may start), naming the setting
    assert [(w.id, w.level) for w in warnings] == [
        ("groupbuy.W001", django_checks.WARNING)
    ]
    assert "nobody can sign up or reset a password" in warnings[0].msg
    assert "GROUPBUY_SMS_BACKEND" in warnings[0].hint


def test_e_mail_written_to_files_warns(delivering):
    delivering.EMAIL_BACKEND = FILE_EMAIL
    assert [w.split()[0] for w in all_warnings()] == ["groupbuy.W002"]
    delivering.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert [w.split()[0] for w in all_warnings()] == ["groupbuy.W002"]


def test_a_contact_hash_key_left_to_secret_key_warns_with_the_value_to_pin(
    delivering,
):
    # given: a running site that never set the key (hashes keyed by SECRET_KEY)
    delivering.GROUPBUY_CONTACT_HASH_KEY = ""
    # when
    (warning,) = checks.check_contact_hash_key(None)
    # then: the hint says to pin today's SECRET_KEY, not a new random value
    assert warning.id == "groupbuy.W003"
    assert "GROUPBUY_CONTACT_HASH_KEY=<the current SECRET_KEY>" in warning.hint


def test_a_rotated_secret_key_without_a_contact_hash_key_names_the_old_key(
    delivering,
):
    # given: SECRET_KEY was rotated, the old one kept as a fallback, and the
    # contact hashes were made with the old one
    delivering.GROUPBUY_CONTACT_HASH_KEY = ""
    delivering.SECRET_KEY_FALLBACKS = ["new-fallback", "oldest-key"]
    # when
    (warning,) = checks.check_contact_hash_key(None)
    # then
    assert warning.id == "groupbuy.W003"
    assert "no longer match" in warning.msg
    assert "the oldest of SECRET_KEY_FALLBACKS" in warning.hint


def test_warnings_are_for_production_only(delivering):
    delivering.GROUPBUY_DEMO_MODE = True
    delivering.GROUPBUY_SMS_BACKEND = FILE_SMS
    delivering.EMAIL_BACKEND = FILE_EMAIL
    delivering.GROUPBUY_CONTACT_HASH_KEY = ""
    assert all_warnings() == []


def test_serve_and_worker_start_but_print_the_warnings(delivering, capsys):
    # given: a production without an SMS provider
    from groupbuy import cli

    delivering.GROUPBUY_SMS_BACKEND = FILE_SMS
    # when: serve or worker checks its configuration before starting
    cli.refuse_unsafe_configuration()  # returns: no SystemExit
    # then: the operator reads why nobody can sign up, at every start
    printed = capsys.readouterr().err
    assert printed.startswith("groupbuy starts, but:")
    assert "(groupbuy.W001) No SMS provider" in printed
    assert "security." not in printed


def test_a_silenced_warning_is_not_printed(delivering, capsys):
    from groupbuy import cli

    delivering.GROUPBUY_SMS_BACKEND = FILE_SMS
    delivering.SILENCED_SYSTEM_CHECKS = ["groupbuy.W001"]
    cli.refuse_unsafe_configuration()
    assert capsys.readouterr().err == ""
