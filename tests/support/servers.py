"""Run real groupbuy server processes: journeys, multi-server tests, benchmarks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log_path: Path, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log_path.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}:\n{log_path.read_text()}")


class Deployment:
    """One groupbuy installation: a data dir, an environment, and its processes.

    ``database_url``/``redis_url`` empty means the embedded mode (SQLite, in-memory
    channel layer, Huey on SQLite).
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        database_url: str = "",
        redis_url: str = "",
        extra_env: dict[str, str] | None = None,
    ):
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "GROUPBUY_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
            "PYTHONPATH": str(REPO),
            "DEBUG": "0",
            # Generated secrets and the sandbox payments; tests of the
            # production checks set GROUPBUY_DEMO_MODE=0 in extra_env.
            "GROUPBUY_DEMO_MODE": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        for key in ("DATABASE_URL", "REDIS_URL", "GROUPBUY_HUEY_IMMEDIATE"):
            self.env.pop(key, None)
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if redis_url:
            self.env["REDIS_URL"] = redis_url
        self.env.update(extra_env or {})
        self.processes: list[subprocess.Popen] = []

    def groupbuy(self, *args: str, timeout: float = 180) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "groupbuy.cli", *args],
            env=self.env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"groupbuy {args[0]} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def run_python(self, code: str) -> str:
        """Run Django code against this installation's database; return its stdout."""
        return self.groupbuy("shell", "-c", code)

    def seed(self, call: str):
        """Run ``call`` from tests.support.seeding here; return its JSON result."""
        code = (
            "import json\n"
            "from tests.support.seeding import *\n"
            f"print(json.dumps({call}))"
        )
        return json.loads(self.run_python(code).strip().splitlines()[-1])

    def spawn(
        self,
        name: str,
        argv: list[str],
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen:
        log_path = self.data_dir / f"{name}.log"
        log = open(log_path, "w")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            argv,
            env={**self.env, **(env or {})},
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        if port is not None:
            wait_for_port(port, process, log_path)
        return process

    def serve(self, port: int, *, with_worker: bool = True) -> str:
        argv = [sys.executable, "-m", "groupbuy.cli", "serve", "--port", str(port)]
        if not with_worker:
            argv.append("--no-worker")
        self.spawn(f"serve-{port}", argv, port=port)
        return f"http://127.0.0.1:{port}"

    def worker(self) -> subprocess.Popen:
        return self.spawn("worker", [sys.executable, "-m", "groupbuy.cli", "worker"])

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-4000:]}"
            for path in sorted(self.data_dir.glob("*.log"))
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()
