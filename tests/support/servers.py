"""Run real groupbuy server processes: journeys, multi-server tests, benchmarks."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.support.waits import START_UP_SECONDS

REPO = Path(__file__).resolve().parents[2]


def migrations_fingerprint() -> str:
    """A digest of what decides a migrated database: groupbuy's migrations and
    the pinned dependencies (Django's own apps, axes… bring theirs)."""
    digest = hashlib.sha256((REPO / "pyproject.toml").read_bytes())
    for path in sorted((REPO / "groupbuy").glob("*/migrations/*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def migrated_sqlite(settings: str = "groupbuy.settings") -> Path:
    """A ``groupbuy.sqlite3`` migrated once per :func:`migrations_fingerprint`
    and ``settings`` module, in the temporary directory, made on first use.

    A fresh ``groupbuy migrate`` takes ~17 s of CPU (~30 s on a loaded 2-core
    machine: Django re-renders the model states after each of ~550
    operations); copying takes milliseconds. The SQLite suite's pytest
    processes, run at once, start their test databases from it too
    (conftest.py), so one of them makes it while the others wait on its lock.
    """
    cached = Path(tempfile.gettempdir()) / (
        f"groupbuy-migrated-{migrations_fingerprint()}-{settings}.sqlite3"
    )
    if cached.exists():
        return cached
    with open(cached.with_name(f"{cached.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            _migrate_sqlite(cached, settings)
    return cached


def _migrate_sqlite(cached: Path, settings: str) -> None:
    with tempfile.TemporaryDirectory(prefix="groupbuy-migrating-") as building:
        builder = Deployment(
            Path(building), extra_env={"DJANGO_SETTINGS_MODULE": settings}
        )
        builder.groupbuy("migrate", "--noinput")
        # Through SQLite's backup API, not a file copy, so nothing still in
        # a journal is left behind; then one rename, so a process that does
        # not take the lock sees all of it or none.
        part = cached.with_name(f"{cached.name}.{os.getpid()}.part")
        source = sqlite3.connect(Path(building) / "groupbuy.sqlite3")
        target = sqlite3.connect(part)
        with source, target:
            source.backup(target)
        source.close()
        target.close()
        os.replace(part, cached)


def migrated_postgresql(database_url: str) -> str:
    """The name of a database on ``database_url``'s PostgreSQL server migrated
    once per :func:`migrations_fingerprint`, made on first use, to create
    others from (``CREATE DATABASE … TEMPLATE``, which copies its files).

    The PostgreSQL suite's two processes and the Redis suite each migrated
    their test database from nothing (~30 s of CPU each on a loaded 2-core
    machine, and as much again in the server); concurrent callers wait on an
    advisory lock for the one migrate. The template is kept for later runs
    with the same migrations (``dropdb groupbuy_migrated_…`` frees it).
    """
    import psycopg

    name = f"groupbuy_migrated_{migrations_fingerprint()}"
    server = urlsplit(database_url)
    with psycopg.connect(
        urlunsplit(server._replace(path="/postgres")), autocommit=True
    ) as admin:
        admin.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        made = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not made:
            # Migrated under another name and renamed when done, so a run
            # stopped halfway leaves nothing that looks finished.
            building = f"{name}_building"
            admin.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{building}"')
            with tempfile.TemporaryDirectory(prefix="groupbuy-migrating-") as data:
                Deployment(
                    Path(data),
                    database_url=urlunsplit(server._replace(path=f"/{building}")),
                ).groupbuy("migrate", "--noinput")
            admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [name])
    return name


def copy_migrated_sqlite(data_dir: Path, settings: str = "groupbuy.settings") -> None:
    """Put a migrated ``groupbuy.sqlite3`` in ``data_dir``, copied from
    :func:`migrated_sqlite`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite(settings), data_dir / "groupbuy.sqlite3")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(
    port: int,
    process: subprocess.Popen,
    log_path: Path,
    timeout: float = START_UP_SECONDS,
):
    # A server starts in ~2 s alone, over 30 s on CI (tests/support/waits.py);
    # a server that died is seen at once (poll).
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
        self._shell: KeptShell | None = None

    def groupbuy(self, *args: str, timeout: float = 600) -> str:
        # A migrate from nothing takes ~17 s of CPU alone; at the start of
        # .ci/run three lanes migrate at once on two cores (the SQLite copy,
        # the PostgreSQL template, the fuzzed demo), and on 2026-12-07 the
        # demo's took over 180 s, the limit then. The limit is for a command
        # that hangs, not a measure of speed.
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

    def migrate(self) -> None:
        """Bring this installation's database to the current migrations: in the
        embedded mode, a copy of a database migrated once per settings module
        (:func:`copy_migrated_sqlite`); otherwise ``groupbuy migrate``.

        Fresh migrations still run where they are the thing tested: in
        tests/deploy (the documented production steps). (The suites' test
        databases and the fuzzed demo start from the same copy, or a
        PostgreSQL template migrated once: conftest.py.)
        """
        if "DATABASE_URL" not in self.env:
            copy_migrated_sqlite(self.data_dir, self.env["DJANGO_SETTINGS_MODULE"])
        else:
            self.groupbuy("migrate", "--noinput")

    def run_python(self, code: str) -> str:
        """Run Django code against this installation's database; return its stdout.

        With ``keep_shell()`` it runs in one Python process kept for the
        purpose; otherwise in a new ``groupbuy shell -c``."""
        if self._shell is not None:
            return self._shell.run(code)
        return self.groupbuy("shell", "-c", code)

    def keep_shell(self) -> None:
        """Run later ``run_python`` and ``seed`` calls in one process kept for
        them, not a new ``groupbuy shell`` each: starting Python and setting
        Django up takes 2–6 s of a 2-core CI machine, and the browser journeys
        seed about sixty times. For a session whose server's database is never
        swapped under it (a restore would leave the kept process's caches
        stale)."""
        if self._shell is None:
            self._shell = KeptShell(self)

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
        self._shell = None  # its process is in self.processes
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes.clear()


# The kept shell's loop: set Django up once, then run each program it is sent
# (a JSON string per line) in fresh globals as `groupbuy shell -c` would, and
# answer with a JSON line: its printed output, or the traceback that stopped it.
# The connections close after each program, so the server's writes are seen
# and no SQLite lock is held between programs.
_KEPT_SHELL_LOOP = """
import contextlib, io, json, sys, traceback
import django
django.setup()
from django.core.management.commands import shell
from django.db import connections
# what `groupbuy shell -c` runs a program in: the shell module's globals and
# the models Django imports for it
namespace = {**vars(shell), **shell.Command().get_namespace(verbosity=0)}
answers = sys.stdout
sys.stdout = sys.stderr
for line in sys.stdin:
    printed = io.StringIO()
    failed = False
    try:
        with contextlib.redirect_stdout(printed):
            exec(json.loads(line), dict(namespace))
    except BaseException:
        failed = True
        printed.write(traceback.format_exc())
    finally:
        connections.close_all()
    answers.write(json.dumps({"failed": failed, "output": printed.getvalue()}) + "\\n")
    answers.flush()
"""


class KeptShell:
    """One Python process with Django set up, running programs for a
    :class:`Deployment` (:meth:`Deployment.keep_shell`)."""

    def __init__(self, deployment: Deployment):
        log = open(deployment.data_dir / "kept-shell.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-c", _KEPT_SHELL_LOOP],
            env=deployment.env,
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        deployment.processes.append(self.process)
        self.log_path = deployment.data_dir / "kept-shell.log"

    def run(self, code: str) -> str:
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"the kept shell exited:\n{self.log_path.read_text()[-4000:]}"
            )
        answer = json.loads(line)
        if answer["failed"]:
            raise RuntimeError(f"groupbuy shell failed:\n{answer['output']}")
        return answer["output"]
