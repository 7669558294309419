"""Playwright journeys against a real `groupbuy serve` process.

Each test session starts the whole embedded system (uvicorn + Channels + the
Huey worker threads) on a free port with its own data directory, so the
journeys see exactly what `make demo` serves: the real pay page, real
WebSockets and the real closing job. Chromium is Debian's (/usr/bin/chromium);
no browser is ever downloaded.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, data_dir: Path, port: int):
        self.data_dir = data_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {
            **os.environ,
            "GROUPBUY_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
            "PYTHONPATH": str(REPO),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GROUPBUY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        }
        # The e2e server runs on SQLite with its own queue, never the CI services.
        self.env.pop("DATABASE_URL", None)
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "groupbuy.cli", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"groupbuy {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def run_python(self, code: str) -> str:
        """Run Django code in the server's database (seeding, inspection)."""
        return self.manage("shell", "-c", code)

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        log = open(self.data_dir / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "groupbuy.cli", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited:\n{self.log()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def log(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def live_server_process():
    with tempfile.TemporaryDirectory(prefix="groupbuy-e2e-") as data_dir:
        server = LiveServer(Path(data_dir), _free_port())
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server_process):
    context = chromium.new_context(
        base_url=live_server_process.url,
        viewport={"width": 390, "height": 844},  # a phone: the site is mobile-first
        locale="en-US",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
