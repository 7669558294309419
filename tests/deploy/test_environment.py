"""Settings an operator needs, documented in docs/deployment.md, come from the
environment: a production install has no settings file to edit."""

import json
import os
import subprocess
import sys

from tests.support.servers import REPO


def settings_under(environment: dict[str, str], tmp_path, *names: str) -> dict:
    script = (
        "import json, groupbuy.settings as s; print(json.dumps({"
        + ", ".join(f"{name!r}: s.{name}" for name in names)
        + "}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "GROUPBUY_DATA_DIR": str(tmp_path), **environment},
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_secret_key_rotation_keeps_the_old_keys_as_fallbacks(tmp_path):
    # given the rotation docs/deployment.md describes
    environment = {"SECRET_KEY": "new-key", "SECRET_KEY_FALLBACKS": "old-2,old-1"}
    # when / then
    assert settings_under(environment, tmp_path, "SECRET_KEY_FALLBACKS") == {
        "SECRET_KEY_FALLBACKS": ["old-2", "old-1"]
    }


def test_the_smtp_server_is_set_in_the_environment(tmp_path):
    # given a mail server needing a login over TLS
    environment = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "shop",
        "EMAIL_HOST_PASSWORD": "mail-secret",
        "EMAIL_USE_TLS": "1",
    }
    # when
    read = settings_under(
        environment,
        tmp_path,
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_HOST_PASSWORD",
        "EMAIL_USE_TLS",
    )
    # then
    assert read == {
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "shop",
        "EMAIL_HOST_PASSWORD": "mail-secret",
        "EMAIL_USE_TLS": True,
    }
