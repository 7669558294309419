"""Many machines on one: two web servers and a worker, one PostgreSQL, one Redis.

Shows what docs/deployment.md promises: a join made through server A reaches a
WebSocket watching the deal on server B (channels-redis), and a payment whose
callback job is queued on A is run by the separate worker (Huey on Redis) and
reaches B too.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from websockets.sync.client import connect

from tests.support.servers import Deployment, free_port, migrated_postgresql
from tests.support.waits import HANG_SECONDS, START_UP_SECONDS

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]


def _base_url(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def cluster():
    database_url = os.environ["DATABASE_URL"]
    redis_url = os.environ["REDIS_URL"]
    name = f"groupbuy_multi_{uuid.uuid4().hex[:8]}"
    admin_url = _base_url(database_url, "postgres")
    # A copy of a migrated database: the suite's own test database comes from
    # the same template (conftest.py); a migrate here took ~30 s of CPU.
    template = migrated_postgresql(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    redis.Redis.from_url(redis_url).flushdb()
    with tempfile.TemporaryDirectory(prefix="groupbuy-multi-") as data_dir:
        deployment = Deployment(
            Path(data_dir),
            database_url=_base_url(database_url, name),
            redis_url=redis_url,
            extra_env={"GROUPBUY_HUEY_NAME": name},
        )
        try:
            # The worker first: its start (over a minute on a loaded CI
            # machine) goes on while the data is seeded and the servers start.
            worker = deployment.worker()
            # One process for both (starting Python and Django is most of it).
            seed = deployment.seed(
                "{**seed_open_deal(gtin='6901234567892', tiers=[(1, 1500), (3, 1200)],"
                " stock=10), 'token': seed_shoppers_with_tokens(1)[0]}"
            )
            server_a = deployment.serve(free_port(), with_worker=False)
            server_b = deployment.serve(free_port(), with_worker=False)
            _wait_for_a_heartbeat(_base_url(database_url, name), worker)
            yield deployment, server_a, server_b, seed
        finally:
            deployment.stop()
            print(deployment.logs())  # shown by pytest when the test fails
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_for_a_heartbeat(database_url: str, worker) -> None:
    """Wait until the worker takes jobs: its threads beat as they start."""
    deadline = time.monotonic() + START_UP_SECONDS
    with psycopg.connect(database_url, autocommit=True) as conn:
        while time.monotonic() < deadline and worker.poll() is None:
            if conn.execute("SELECT 1 FROM ops_heartbeat").fetchone():
                return
            time.sleep(0.2)
    raise AssertionError("the worker did not start")


def _next_progress(socket, *, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("no deal progress arrived in time")
        event = json.loads(socket.recv(timeout=remaining))
        if event.get("type") == "deal.snapshot":  # sent once, on connect
            return event["deal"]
        if event.get("type") == "deal.progress":
            return event


def test_join_on_server_a_reaches_a_socket_on_server_b(cluster):
    # given a shopper watching the deal through server B
    _deployment, server_a, server_b, seed = cluster
    ws_url = server_b.replace("http://", "ws://") + f"/ws/deals/{seed['deal']}/"
    auth = {"Authorization": f"Bearer {seed['token']}"}
    with connect(ws_url, origin=server_b, open_timeout=HANG_SECONDS) as socket:
        snapshot = _next_progress(socket, timeout=HANG_SECONDS)
        assert snapshot["units_sold"] == 0
        assert snapshot["participants"] == 0

        # when someone joins through server A
        joined = httpx.post(
            f"{server_a}/api/deals/{seed['deal']}/join",
            json={"quantity": 2},
            headers=auth,
            timeout=HANG_SECONDS,
        )
        assert joined.status_code == 201, joined.text

        # then server B's socket sees the reserved units
        after_join = _next_progress(socket, timeout=HANG_SECONDS)
        assert after_join["units_sold"] == 2
        assert after_join["participants"] == 0

        # and when they pay, the callback job queued on A runs on the worker
        intent_id = joined.json()["payment"]["intent_id"]
        paid = httpx.post(
            f"{server_a}/api/escrow/intents/{intent_id}/sandbox-pay",
            json={"outcome": "succeeded"},
            headers=auth,
            timeout=HANG_SECONDS,
        )
        assert paid.status_code == 202, paid.text
        after_payment = _next_progress(socket, timeout=HANG_SECONDS)
        assert after_payment["participants"] == 1
        assert after_payment["current_tier"]["price_fen"] == 1500
