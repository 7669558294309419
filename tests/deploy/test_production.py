"""The real `groupbuy serve` refuses an unsafe production and serves a safe one.

The safe environment is the one docs/deployment.md documents, read from that page,
so the documentation and the checks cannot drift apart.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.support.servers import REPO, Deployment, free_port

pytestmark = pytest.mark.slow

MARKER = "<!-- production-environment -->"


def documented_environment() -> dict[str, str]:
    """Return the production environment block of docs/deployment.md."""
    text = (REPO / "docs" / "deployment.md").read_text()
    block = text.split(MARKER, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    environment = {}
    for line in block.splitlines():
        name, value = line.split("=", 1)
        environment[name] = re.sub(
            r"<random>", lambda _match: secrets.token_urlsafe(50), value
        )
    return environment


@pytest.fixture
def production():
    with tempfile.TemporaryDirectory(prefix="groupbuy-production-") as data_dir:
        deployment = Deployment(
            Path(data_dir),
            extra_env={"GROUPBUY_DEMO_MODE": "0", "ALLOWED_HOSTS": ""},
        )
        for name in ("SECRET_KEY", "GROUPBUY_SANDBOX_PAYMENT_SECRET"):
            deployment.env.pop(name, None)
        try:
            yield deployment
        finally:
            deployment.stop()
            print(deployment.logs())


def run_groupbuy(deployment: Deployment, *args: str) -> subprocess.CompletedProcess:
    # The limit detects a hang; it is no measure of speed. `demo --no-serve`
    # loads the demo in ~20 s of CPU; on CI's two cores at a load near 10 it
    # took over 120 s, the limit until 2026-12-07 (Deployment.groupbuy: 600).
    return subprocess.run(
        [sys.executable, "-m", "groupbuy.cli", *args],
        env=deployment.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_serve_and_worker_refuse_built_in_secrets_and_no_hosts(production):
    # given DEBUG=0, no demo mode, and nothing else set
    port = free_port()
    # when
    served = run_groupbuy(production, "serve", "--port", str(port))
    worker = run_groupbuy(production, "worker")
    # then both stop at once, saying what to fix
    for result in (served, worker):
        assert result.returncode == 2
        assert "groupbuy will not start" in result.stderr
        assert "(groupbuy.E001) SECRET_KEY has its built-in value" in result.stderr
        assert "(groupbuy.E001) GROUPBUY_SANDBOX_PAYMENT_SECRET" in result.stderr
        assert "(groupbuy.E002) ALLOWED_HOSTS is empty" in result.stderr
    assert "serving on" not in served.stdout


def test_check_deploy_fails_on_the_defaults(production):
    result = run_groupbuy(production, "check", "--deploy")
    assert result.returncode != 0
    assert "groupbuy.E001" in result.stderr


def test_documented_environment_serves_and_passes_check_deploy(production):
    # given the environment docs/deployment.md documents
    production.env.update(documented_environment())
    host = production.env["ALLOWED_HOSTS"].split(",")[0]
    # when
    check = run_groupbuy(production, "check", "--deploy")
    # (A database migrated once per run, copied: the documented migrate then
    # checks it under this environment. A fresh migrate takes ~15 s of CPU and
    # runs in every suite's test database.)
    production.migrate()
    production.groupbuy("migrate", "--noinput")
    url = production.serve(free_port())
    # then check --deploy is clean: no errors and no warnings
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout
    # and the server answers the health check over plain HTTP (load balancers)…
    health = httpx.get(f"{url}/api/health", headers={"Host": host})
    assert health.status_code == 200
    assert health.json() == {"ok": True}
    # … sends other plain-HTTP requests to HTTPS …
    plain = httpx.get(f"{url}/", headers={"Host": host})
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"https://{host}/"
    # … and serves pages behind the TLS proxy with HSTS, and no sandbox banner
    page = httpx.get(f"{url}/", headers={"Host": host, "X-Forwarded-Proto": "https"})
    assert page.status_code == 200
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert 'id="test-payments-banner"' not in page.text
    # an unknown host is refused
    assert httpx.get(f"{url}/api/health").status_code == 400
    # and the sandbox does not exist: its callback answers 404
    callback = httpx.post(
        f"{url}/api/escrow/callbacks/sandbox",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
        content=b"{}",
    )
    assert callback.status_code == 404
    assert callback.json()["code"] == "unknown_provider"
    # and its log has no warning for the operator to chase (whitenoise's "No
    # directory at: <data dir>/static/" at every start, until 2026-12-06)
    assert '"level": "warning"' not in production.logs()


def test_the_sandbox_in_production_needs_the_test_mode_flag(production):
    # given the documented environment with the sandbox switched on
    production.env.update(documented_environment())
    production.env["GROUPBUY_PAYMENT_PROVIDERS"] = "sandbox"
    # when / then: refused without the flag …
    refused = run_groupbuy(production, "check", "--deploy")
    assert refused.returncode != 0
    assert "groupbuy.E005" in refused.stderr
    # … and allowed with it, with the banner on every page
    production.env["GROUPBUY_PAYMENTS_TEST_MODE"] = "1"
    allowed = run_groupbuy(production, "check", "--deploy")
    assert allowed.returncode == 0, allowed.stderr
    production.migrate()
    url = production.serve(free_port())
    host = production.env["ALLOWED_HOSTS"]
    page = httpx.get(f"{url}/", headers={"Host": host, "X-Forwarded-Proto": "https"})
    assert 'id="test-payments-banner"' in page.text


def test_demo_generates_its_secrets_once_and_serves_friendly_errors():
    with tempfile.TemporaryDirectory(prefix="groupbuy-demo-") as data_dir:
        # given a fresh demo (no secrets in the environment)
        deployment = Deployment(Path(data_dir))
        for name in ("SECRET_KEY", "GROUPBUY_SANDBOX_PAYMENT_SECRET"):
            deployment.env.pop(name, None)
        # A migrated copy: the demo's own migrate then has nothing to do (fresh
        # migrations run in test_documented_environment_serves_…; ~17 s of CPU).
        deployment.migrate()
        try:
            # when it loads its data twice
            first = run_groupbuy(deployment, "demo", "--no-serve")
            secrets_file = Path(data_dir) / "demo-secrets.json"
            written = secrets_file.read_text()
            second = run_groupbuy(deployment, "demo", "--no-serve")
            # then the secrets were generated once, private, and reused
            assert first.returncode == second.returncode == 0, first.stderr
            assert "13800000001" in first.stdout
            assert secrets_file.read_text() == written
            assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
            assert "SECRET_KEY" in written
            assert "dev-only-insecure" not in written
            # and the demo serves (DEBUG off) friendly pages with the banner
            url = deployment.serve(free_port())
            missing = httpx.get(f"{url}/no-such-page/")
            assert missing.status_code == 404
            assert 'id="error-404"' in missing.text
            assert "URLconf" not in missing.text
            assert 'id="test-payments-banner"' in missing.text
            # and under /api/ even a path nobody routes answers JSON, translated
            api_missing = httpx.get(
                f"{url}/api/no-such-thing", headers={"Accept-Language": "zh-hans"}
            )
            assert api_missing.status_code == 404
            assert api_missing.json()["code"] == "not_found"
            assert api_missing.json()["message"].startswith("这个地址")
        finally:
            deployment.stop()
