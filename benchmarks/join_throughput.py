"""Join throughput on one hot deal, driven by wrk: PostgreSQL, uvicorn × 2 workers.

    .venv/bin/python benchmarks/join_throughput.py [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench]
        [--shoppers N] [--stock S] [--connections C] [--seconds T] [--workers W]

Creates a throw-away database next to ``--database-url``, migrates it, seeds one
open deal with ``stock`` units and ``shoppers`` shoppers with API tokens, starts
``uvicorn groupbuy.asgi:application --workers W`` with the join lock timer on
(``GROUPBUY_LOCK_TIMING_FILE``), and then drives it with ``wrk`` (compiled, two
threads, C connections), the same tool for both measurements:

1. baseline: ``GET /api/health`` (a no-op JSON endpoint of the same server) for
   T seconds;
2. joins: ``POST /api/deals/{id}/join`` for T seconds, each request with its own
   shopper's token (``benchmarks/wrk/join.lua``), so stock runs out and later
   requests are refused ``sold_out``.

Successful joins/s is read from the database: orders created over the span of
their ``joined_at``. Also printed: wrk's p50/p99 latency of every join request,
the server-side p50/p99 of the deal's row lock hold (stock UPDATE → commit),
queries per join (one join through the API in-process, counted), and the
oversold count read back from the database. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.common import (
    DEFAULT_DATABASE_URL,
    deployment_on,
    percentile,
    throwaway_postgres,
)

from tests.support.servers import free_port

WRK_DIR = Path(__file__).resolve().parent / "wrk"

WARM_JOINS = 400  # shoppers (and stock) for the warm-up joins on another deal

CHECK = """
SELECT d.stock, d.sold,
       count(o.id),
       count(o.id) FILTER (WHERE o.status NOT IN ('cancelled', 'refunded')),
       coalesce(sum(o.quantity)
                FILTER (WHERE o.status NOT IN ('cancelled', 'refunded')), 0),
       coalesce(extract(epoch FROM max(o.joined_at) - min(o.joined_at)), 0)
FROM deals_deal d LEFT JOIN deals_dealorder o ON o.deal_id = d.id
WHERE d.public_id = %s
GROUP BY d.id
"""


def read_check(database_url: str, deal_public_id: str) -> dict:
    """Read the deal back from the database: what was sold, and when."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(CHECK, [deal_public_id]).fetchone()
    keys = ["stock", "sold", "orders", "live_orders", "live_units", "span_s"]
    return dict(zip(keys, [float(value) for value in row], strict=True))


# Seed the deal and the shoppers (tokens to a file for wrk), then count the
# queries of one join through the API in-process (token check included), on a
# second deal so the measured one is untouched.
SEED = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.seeding import seed_open_deal, seed_shoppers_with_tokens
hot = seed_open_deal(gtin="6901234567892", tiers=[(1, 1500)], stock={stock},
                     max_quantity_per_order=1)["deal"]
tokens = seed_shoppers_with_tokens({shoppers})
open("{tokens_file}", "w").write("\\n".join(tokens) + "\\n")
other = seed_open_deal(gtin="96385074", tiers=[(1, 1500)], stock=10)["deal"]
warm = seed_open_deal(gtin="4006381333931", tiers=[(1, 1500)], stock={warm},
                      max_quantity_per_order=1)["deal"]
warm_tokens = seed_shoppers_with_tokens({warm}, phone_prefix="+86136")
open("{warm_tokens_file}", "w").write("\\n".join(warm_tokens) + "\\n")
token = seed_shoppers_with_tokens(2, phone_prefix="+86135")[1]
client = Client(SERVER_NAME="127.0.0.1")
url = f"/api/deals/{{other}}/join"
headers = {{"Authorization": f"Bearer {{token}}"}}
with CaptureQueriesContext(connection) as queries:
    response = client.post(url, {{"quantity": 1}}, content_type="application/json",
                           headers=headers)
assert response.status_code == 201, response.content
print(json.dumps({{"deal": hot, "warm_deal": warm, "queries": len(queries)}}))
"""


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        found += frontier
    return found


class CpuMeter:
    """CPU time the server's processes (uvicorn and its workers) and this
    database's PostgreSQL backends spend during a phase: what one request costs
    the machine, apart from the other helpers' load and the waiting."""

    def __init__(self, server_pid: int, database_url: str):
        self.server_pid, self.database_url = server_pid, database_url

    def _database_pids(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        return [row[0] for row in rows]

    def snapshot(self) -> dict:
        app = {pid: _cpu_s(pid) for pid in _descendants(self.server_pid)}
        database = {pid: _cpu_s(pid) for pid in self._database_pids()}
        return {"app": app, "db": database}

    @staticmethod
    def spent(before: dict, after: dict) -> dict:
        """Seconds of CPU between two snapshots (new processes from zero)."""
        return {
            part: sum(
                cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items()
            )
            for part in ("app", "db")
        }


def run_wrk(url: str, *, script: Path, args: list[str], connections: int, seconds):
    """Run wrk; return the JSON its Lua ``done`` printed (rates, latencies, codes)."""
    command = [
        "wrk",
        "--threads",
        "2",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--script",
        str(script),
        url,
        "--",
        *args,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk printed no summary:\n{result.stdout}\n{result.stderr}")
    return json.loads(lines[-1])


def _cpu_ratio(health_ms: dict, join_ms: dict) -> float:
    """The ratio the CPU alone allows: no-op CPU per request over join CPU."""
    join = join_ms["app"] + join_ms["db"]
    return (health_ms["app"] + health_ms["db"]) / join if join else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a PostgreSQL server and a name to derive the throw-away database's from",
    )
    parser.add_argument("--shoppers", type=int)
    parser.add_argument("--stock", type=int)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    shoppers = args.shoppers or (1500 if args.quick else 12000)
    stock = args.stock or (300 if args.quick else 2000)
    seconds = args.seconds or (3 if args.quick else 15)
    connections = min(args.connections, 32) if args.quick else args.connections

    with (
        throwaway_postgres(args.database_url) as database_url,
        deployment_on(database_url) as deployment,
    ):
        timings = deployment.data_dir / "lock-timings.txt"
        tokens_file = deployment.data_dir / "tokens.txt"
        warm_tokens_file = deployment.data_dir / "warm-tokens.txt"
        print(f"seeding {shoppers} shoppers and one deal of stock {stock}")
        seeded = json.loads(
            deployment.run_python(
                SEED.format(
                    stock=stock,
                    shoppers=shoppers,
                    tokens_file=tokens_file,
                    warm=WARM_JOINS,
                    warm_tokens_file=warm_tokens_file,
                )
            )
            .strip()
            .splitlines()[-1]
        )
        seed, queries_per_join = seeded, seeded["queries"]
        port = free_port()
        server = deployment.spawn(
            "uvicorn",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "groupbuy.asgi:application",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            port=port,
            env={"GROUPBUY_LOCK_TIMING_FILE": str(timings)},
        )
        base_url = f"http://127.0.0.1:{port}"
        time.sleep(1.0)  # let every worker finish importing Django
        # Warm up until the no-op answers steadily: each worker's first requests
        # load the URL configuration and the API's schemas (seconds of CPU on a
        # loaded machine), which a 3-s quick phase would otherwise measure alone.
        for _round in range(15):
            warm = run_wrk(
                f"{base_url}/api/health",
                script=WRK_DIR / "summary.lua",
                args=[],
                connections=connections,
                seconds=1,
            )
            if warm["requests"] >= 4 * connections:
                break
        # And the joins: a worker's first joins import and compile what later
        # ones reuse (a second of CPU), which would weigh on the few hundred
        # joins of a quick run. On another deal, with other shoppers.
        run_wrk(
            f"{base_url}/api/deals/{seed['warm_deal']}/join",
            script=WRK_DIR / "join.lua",
            args=[str(warm_tokens_file)],
            connections=min(connections, 8),
            seconds=2,
        )
        meter = CpuMeter(server.pid, database_url)
        before = meter.snapshot()
        health = run_wrk(
            f"{base_url}/api/health",
            script=WRK_DIR / "summary.lua",
            args=[],
            connections=connections,
            seconds=seconds,
        )
        middle = meter.snapshot()
        joins = run_wrk(
            f"{base_url}/api/deals/{seed['deal']}/join",
            script=WRK_DIR / "join.lua",
            args=[str(tokens_file)],
            connections=connections,
            seconds=seconds,
        )
        after = meter.snapshot()
        health_cpu = CpuMeter.spent(before, middle)
        join_cpu = CpuMeter.spent(middle, after)
        check = read_check(database_url, seed["deal"])
        # No file: no join reached the stock within the run (a loaded machine).
        lock_text = timings.read_text() if timings.exists() else ""
        lock_ms = [float(line) for line in lock_text.split()]

    health_rate = health["requests"] / health["seconds"]
    succeeded = joins["codes"].get("201", 0)
    join_rate = check["orders"] / check["span_s"] if check["span_s"] else 0.0
    oversold = int(
        max(0, check["sold"] - check["stock"])
        + max(0, check["live_units"] - check["stock"])
    )
    server_errors = sum(n for code, n in joins["codes"].items() if code >= "500")
    ratio = join_rate / health_rate if health_rate else 0.0
    print(f"wrk: 2 threads, {connections} connections, {seconds} s per endpoint")
    print(f"uvicorn workers {args.workers}, PostgreSQL")
    print(
        f"no-op baseline: {health_rate:.0f} req/s, p50 {health['p50_ms']:.1f} ms, "
        f"p99 {health['p99_ms']:.1f} ms"
    )
    print(
        f"joins: {joins['requests']} requests in {joins['seconds']:.1f} s, "
        f"status codes {joins['codes']}, {server_errors} server errors"
    )
    print(
        f"successful joins/s: {join_rate:.0f} ({check['orders']:.0f} orders over "
        f"{check['span_s']:.2f} s of joined_at; wrk saw {succeeded} × 201)"
    )
    print(
        f"join latency (wrk, every join request): p50 {joins['p50_ms']:.1f} ms, "
        f"p99 {joins['p99_ms']:.1f} ms"
    )
    lock_p50, lock_p99 = percentile(lock_ms, 0.5), percentile(lock_ms, 0.99)
    print(
        f"deal row lock held (server, stock UPDATE → commit, {len(lock_ms)} joins):"
        f" p50 {lock_p50:.2f} ms, p99 {lock_p99:.2f} ms"
    )
    print(f"queries per join (API request, in-process): {queries_per_join}")
    health_ms = {
        k: v * 1000 / max(1, health["requests"]) for k, v in health_cpu.items()
    }
    join_ms = {k: v * 1000 / max(1, joins["requests"]) for k, v in join_cpu.items()}
    print(
        "CPU per request (server processes + this database's backends): "
        f"no-op {health_ms['app']:.2f} + {health_ms['db']:.2f} ms, "
        f"join {join_ms['app']:.2f} + {join_ms['db']:.2f} ms "
        f"→ CPU ratio {_cpu_ratio(health_ms, join_ms):.2f}"
    )
    print(
        f"database after: stock {check['stock']:.0f}, sold {check['sold']:.0f}, "
        f"live orders {check['live_orders']:.0f} holding "
        f"{check['live_units']:.0f} units"
    )
    print(f"oversold: {oversold}")
    print(
        json.dumps(
            {
                "ratio": round(ratio, 3),
                "joins_per_s": round(join_rate, 1),
                "noop_per_s": round(health_rate, 1),
                "queries_per_join": queries_per_join,
                "oversold": oversold,
                "join_p50_ms": round(joins["p50_ms"], 1),
                "join_p99_ms": round(joins["p99_ms"], 1),
                "lock_p50_ms": round(lock_p50, 2),
                "lock_p99_ms": round(lock_p99, 2),
                "server_errors": server_errors,
                "noop_cpu_ms": round(health_ms["app"] + health_ms["db"], 2),
                "join_cpu_ms": round(join_ms["app"], 2),
                "join_db_cpu_ms": round(join_ms["db"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
