"""A real `groupbuy serve`: readiness with its embedded worker, and SIGTERM."""

import json
import signal
import socket
import sqlite3
import time
import urllib.request

import pytest

from tests.support.servers import Deployment, copy_migrated_sqlite, free_port
from tests.support.waits import HANG_SECONDS, START_UP_SECONDS

pytestmark = pytest.mark.slow


@pytest.fixture
def deployment(tmp_path):
    deployment = Deployment(tmp_path / "data", extra_env={"LOG_LEVEL": "INFO"})
    deployment.data_dir.mkdir()
    deployment.migrate()
    yield deployment
    deployment.stop()


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=HANG_SECONDS) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# Start-up takes ~2 s on a quiet machine and over a minute on a 2-core CI
# machine running three lanes at once (2026-12-07: the worker's first beat came
# after the 60 s these tests waited): tests/support/waits.py.
STOP_SECONDS = HANG_SECONDS


def wait_ready(base: str, timeout: float = START_UP_SECONDS) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            status, body = get_json(f"{base}/readyz")
        except OSError as error:  # a loaded machine: a probe timed out
            status, body = None, {"error": repr(error)}
        if status == 200 or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def refuses_connections(port: int, process, timeout: float = STOP_SECONDS) -> bool:
    """Wait until nothing accepts connections on ``port`` while ``process``
    still runs; return whether it came to that."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 2).close()
        except OSError:
            return process.poll() is None
        time.sleep(0.1)
    return False


def test_serve_is_ready_once_its_worker_beats_and_finishes_a_request_on_sigterm(
    deployment,
):
    # given: a server with its embedded worker
    port = free_port()
    base = deployment.serve(port)
    assert wait_ready(base)["status"] == "ok", deployment.logs()
    process = deployment.processes[0]

    # and: a request in flight: headers sent, half of the body still to come
    body = b'{"quantity": 1}'
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"POST /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body[:5]
    )
    time.sleep(0.5)

    # when: the orchestrator stops the server
    process.send_signal(signal.SIGTERM)

    # then: new connections are refused while the server still runs (it has
    # not quit before its request finished) …
    assert refuses_connections(port, process), (
        f"exit {process.poll()}: still accepting, or quit\n{deployment.logs()}"
    )
    # … and the running request still finishes
    sock.sendall(body[5:])
    sock.settimeout(10)
    answer = b""
    while chunk := sock.recv(65536):
        answer += chunk
    sock.close()
    assert answer.startswith(b"HTTP/1.1 405"), answer
    assert b'"code"' in answer
    # and the process exits cleanly
    assert process.wait(timeout=STOP_SECONDS) == 0, deployment.logs()


def test_worker_stops_cleanly_on_sigterm(deployment):
    # given: a worker that has started (it beats on start-up)
    worker = deployment.worker()
    database = sqlite3.connect(deployment.data_dir / "groupbuy.sqlite3")
    deadline = time.monotonic() + START_UP_SECONDS
    beats = 0
    while not beats and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.1)
        beats = database.execute("SELECT count(*) FROM ops_heartbeat").fetchone()[0]
    database.close()
    assert beats == 1, deployment.logs()

    worker.send_signal(signal.SIGTERM)

    assert worker.wait(timeout=STOP_SECONDS) == 0, deployment.logs()


def test_worker_finishes_its_running_job_on_sigterm(tmp_path):
    # given: a worker that has taken a job lasting three seconds
    deployment = Deployment(
        tmp_path / "data",
        extra_env={"DJANGO_SETTINGS_MODULE": "groupbuy.ops.tests.slow_settings"},
    )
    # The slow job's app has no models, so groupbuy.settings' migrated copy is
    # its schema: a migration run of its own cost up to a minute in CI.
    copy_migrated_sqlite(deployment.data_dir)
    marker = tmp_path / "job"
    try:
        deployment.run_python(
            "from groupbuy.ops.tests.slowjob.tasks import slow_job; "
            f"slow_job({str(marker)!r}, 3)"
        )
        worker = deployment.worker()
        deadline = time.monotonic() + START_UP_SECONDS
        started = marker.with_name("job.started")
        while not started.exists() and time.monotonic() < deadline:
            assert worker.poll() is None, deployment.logs()
            time.sleep(0.1)
        assert started.exists(), deployment.logs()

        # when
        worker.send_signal(signal.SIGTERM)

        # then: it exits cleanly, after the job finished
        assert worker.wait(timeout=STOP_SECONDS) == 0, deployment.logs()
        assert marker.with_name("job.done").exists(), deployment.logs()
    finally:
        deployment.stop()
