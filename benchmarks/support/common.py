"""Helpers the hot-path benchmarks share: throw-away databases, percentiles."""

from __future__ import annotations

import contextlib
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench"


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _migrated_template(server: str, base_name: str) -> str:
    """Return a database migrated to the current migrations, made once per set.

    Migrating PostgreSQL takes ~10 s here; copying a template takes ~1 s, which
    is what keeps the quick modes under 30 s from the second run on.
    """
    import psycopg

    from tests.support.servers import Deployment, migrations_fingerprint

    name = f"{base_name}_tpl_{migrations_fingerprint()}"
    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if found:
            return name
        building = f"{name}_building_{uuid.uuid4().hex[:6]}"
        conn.execute(f'CREATE DATABASE "{building}"')
    with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
        deployment = Deployment(Path(data_dir), database_url=f"{server}/{building}")
        deployment.groupbuy("migrate", "--noinput")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    return name


@contextlib.contextmanager
def throwaway_postgres(database_url: str) -> Iterator[str]:
    """Yield a fresh, migrated ``<name>_<random>`` on ``database_url``'s server;
    drop it after.

    The given database itself is never touched, so several runs (or helpers)
    sharing a server do not clash.
    """
    import psycopg

    server, base_name = database_url.rsplit("/", 1)
    template = _migrated_template(server, base_name)
    name = f"{base_name}_{uuid.uuid4().hex[:8]}"
    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def deployment_on(database_url: str = "", **kwargs):
    """Yield a ``tests.support.servers.Deployment`` with a fresh data dir, stopped
    after; ``database_url`` empty means SQLite in that data dir."""
    from tests.support.servers import Deployment

    with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
        deployment = Deployment(Path(data_dir), database_url=database_url, **kwargs)
        try:
            yield deployment
        finally:
            deployment.stop()
