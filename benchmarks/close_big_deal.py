"""Closing a big deal: seconds and peak memory to close and settle N paid orders.

    .venv/bin/python benchmarks/close_big_deal.py [--quick] [--orders N]
        [--database-url postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench]
        [--only sqlite|postgres]

For SQLite (a fresh file) and PostgreSQL (a throw-away database migrated from a
cached template) it generates, in bulk, one open deal past its deadline with N
paid orders: shoppers, captured payment intents, their ledger postings (held
accounts funded from the external account) and two tiers, so the deal succeeds
at the lower price and every order is refunded the difference and released to
the merchant. A fresh process then runs ``deal_close`` and ``deal_settle`` (what
the closing job and the settle job run) and reports the seconds of each and the
process's peak resident memory (``ru_maxrss``) above what it used before the
close. The settlement's follow-up jobs (coupons, notifications, refund sends)
are then run in the same process as a worker would and timed apart. Baseline
in the same run: the same close and settle of a deal of 5
orders (its figures include the process's first-request warm-up). Last line:
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.big_deal_seed import seed
from support.common import DEFAULT_DATABASE_URL, throwaway_postgres

from tests.support.servers import copy_migrated_sqlite

BASELINE_ORDERS = 5


# --- inside Django (child processes) ---------------------------------------------


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def close(deal_public_id: str) -> dict:
    """Close and settle the deal as the jobs do; time each, note peak memory."""
    from groupbuy.deals.models import Deal, DealOrder
    from groupbuy.deals.services import deal_close, deal_settle

    deal = Deal.objects.get(public_id=deal_public_id)
    before_mb = _current_rss_mb()
    cpu_started = time.process_time()
    started = time.perf_counter()
    deal = deal_close(deal=deal)
    closed_s = time.perf_counter() - started
    started = time.perf_counter()
    deal = deal_settle(deal=deal)
    settled_s = time.perf_counter() - started
    # This process's CPU (with SQLite, the database's too): what a loaded
    # machine inflates least.
    cpu_s = time.process_time() - cpu_started
    settle_peak_mb = _rss_mb()
    # Load the URL configuration (every app's views) before timing the jobs: a
    # worker has it loaded long before, and it costs ~7 s on a loaded machine.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads it
    started = time.perf_counter()
    with _Counted() as follow_up:
        jobs = (
            0 if os.environ.get("CLOSE_BIG_DEAL_NO_FOLLOW_UP") else run_follow_up_jobs()
        )
    follow_up_s = time.perf_counter() - started
    confirmed = DealOrder.objects.filter(
        deal=deal, status=DealOrder.Status.CONFIRMED
    ).count()
    awaiting = DealOrder.objects.filter(deal=deal, is_awaiting_follow_up=True).count()
    return {
        "state": deal.state,
        "confirmed": confirmed,
        "close_s": closed_s,
        "settle_s": settled_s,
        "seconds": closed_s + settled_s,
        "cpu_s": cpu_s,
        "peak_rss_mb": settle_peak_mb,
        "peak_above_start_mb": settle_peak_mb - before_mb,
        "follow_up_jobs": jobs,
        "follow_up_s": follow_up_s,
        "follow_up_queries": follow_up.queries,
        "follow_up_cpu_s": follow_up.cpu_s,
        "follow_up_db_cpu_s": follow_up.db_cpu_s,
        "awaiting_follow_up": awaiting,
        "peak_with_follow_up_mb": _rss_mb(),
    }


class _Counted:
    """Count the statements a block sends and the CPU it costs: this process's
    and, on PostgreSQL, its database backend's (read from /proc: same machine).
    Unlike wall time these barely move with the other helpers' load."""

    def __enter__(self):
        from django.db import connection

        self.queries = 0
        connection.ensure_connection()
        self._backend = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self._backend = cursor.fetchone()[0]
        self._db_started = self._backend_cpu()
        self._cpu_started = time.process_time()
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        return self

    def _count(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    def _backend_cpu(self) -> float:
        if self._backend is None:
            return 0.0
        try:
            text = Path(f"/proc/{self._backend}/stat").read_text()
        except OSError:
            return 0.0
        fields = text.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        self.cpu_s = time.process_time() - self._cpu_started
        self.db_cpu_s = self._backend_cpu() - self._db_started
        return False


def run_follow_up_jobs() -> int:
    """Run the settlement's follow-up jobs the closing process queued, as a Huey
    worker would (timed apart: a worker's time, not the closing process's).

    Other queued tasks (SMS and email deliveries) are dropped unrun: this is a
    throw-away installation.
    """
    from huey.contrib.djhuey import HUEY

    ran = 0
    while (task := HUEY.dequeue()) is not None:
        if "follow_up" in task.name:
            HUEY.execute(task)
            ran += 1
    return ran


def child(args) -> None:
    import django

    django.setup()
    if args.seed is not None:
        counts = [int(count) for count in args.seed.split(",")]
        deals = [seed(orders=count, tag=f"{tag}") for tag, count in enumerate(counts)]
        print(json.dumps({"deals": deals}))
    elif os.environ.get("CLOSE_BIG_DEAL_PROFILE"):
        # Profile the close and settle (cProfile stats to the named file).
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(close, args.close)
        profiler.dump_stats(os.environ["CLOSE_BIG_DEAL_PROFILE"])
        print(json.dumps(result))
    else:
        print(json.dumps(close(args.close)))


# --- the benchmark ---------------------------------------------------------------


def _in_child(env: dict, *argv: str) -> dict:
    from tests.support.servers import REPO

    output = subprocess.run(
        [sys.executable, __file__, *argv],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if output.returncode:
        raise SystemExit(f"failed:\n{output.stdout}\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure(database_url: str, data_dir: str, orders: int) -> dict:
    """Seed and close the baseline deal and the big one on one database."""
    from tests.support.servers import REPO

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
        # Benchmarks pay through the sandbox (off by default since issue 6).
        "GROUPBUY_PAYMENT_PROVIDERS": "sandbox",
        "PYTHONPATH": str(REPO),
        "GROUPBUY_DATA_DIR": data_dir,
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        copy_migrated_sqlite(Path(data_dir))
    started = time.perf_counter()
    deals = _in_child(env, "--seed", f"{BASELINE_ORDERS},{orders}")["deals"]
    seeded_s = time.perf_counter() - started
    return {
        label: {**_in_child(env, "--close", deal), "seed_s": seeded_s}
        for label, deal in zip(("baseline", "big"), deals, strict=True)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--orders", type=int)
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    parser.add_argument("--close", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed is not None or args.close:
        child(args)
        return
    orders = args.orders or (40 if args.quick else 10_000)
    results = {}
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
            results["sqlite"] = measure("", data_dir, orders)
    if args.only in (None, "postgres"):
        with (
            tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir,
            throwaway_postgres(args.database_url) as database_url,
        ):
            results["postgres"] = measure(database_url, data_dir, orders)

    summary = {"orders": orders}
    for database, result in results.items():
        big, small = result["big"], result["baseline"]
        print(
            f"{database}: {orders} paid orders (seeded in bulk with the baseline in "
            f"{big['seed_s']:.1f} s) closed in {big['close_s']:.1f} s and settled in "
            f"{big['settle_s']:.1f} s = {big['seconds']:.1f} s, "
            f"{big['seconds'] / orders * 1000:.1f} ms an order "
            f"(CPU of the closing process {big['cpu_s']:.1f} s); "
            f"{big['confirmed']} confirmed, state {big['state']}; "
            f"peak memory {big['peak_rss_mb']:.0f} MB "
            f"(+{big['peak_above_start_mb']:.0f} MB over the process at start)"
        )
        print(
            f"  follow-up jobs (a worker's time, after the settle): "
            f"{big['follow_up_jobs']} in {big['follow_up_s']:.1f} s, "
            f"{big['awaiting_follow_up']} orders still awaiting theirs; "
            f"{big['follow_up_queries'] / orders:.1f} statements, "
            f"{big['follow_up_cpu_s'] * 1000 / orders:.1f} ms of CPU "
            f"(+ {big['follow_up_db_cpu_s'] * 1000 / orders:.1f} ms of the "
            "database backend's) an order; "
            f"peak memory with them {big['peak_with_follow_up_mb']:.0f} MB"
        )
        print(
            f"  baseline {BASELINE_ORDERS} orders: {small['seconds']:.2f} s, "
            f"{small['seconds'] / BASELINE_ORDERS * 1000:.1f} ms an order, "
            f"+{small['peak_above_start_mb']:.0f} MB"
        )
        summary[f"{database}_seconds"] = round(big["seconds"], 2)
        summary[f"{database}_peak_mb"] = round(big["peak_rss_mb"], 1)
        summary[f"{database}_peak_above_start_mb"] = round(
            big["peak_above_start_mb"], 1
        )
        summary[f"{database}_ms_per_order"] = round(big["seconds"] / orders * 1000, 1)
        summary[f"{database}_cpu_s"] = round(big["cpu_s"], 2)
        summary[f"{database}_follow_up_s"] = round(big["follow_up_s"], 2)
        summary[f"{database}_follow_up_queries_per_order"] = round(
            big["follow_up_queries"] / orders, 1
        )
        summary[f"{database}_follow_up_cpu_ms_per_order"] = round(
            (big["follow_up_cpu_s"] + big["follow_up_db_cpu_s"]) * 1000 / orders, 1
        )
        summary[f"{database}_ms_per_order_baseline"] = round(
            small["seconds"] / BASELINE_ORDERS * 1000, 1
        )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
