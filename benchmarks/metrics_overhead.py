"""Cost of the ops middlewares: page throughput with and without them, one run.

    .venv/bin/python benchmarks/metrics_overhead.py [--quick] [--rounds R]
        [--requests N]

In a throw-away data dir (SQLite), migrates, seeds three open deals and then,
in this process through Django's test client (no network, so the middleware's
share is not hidden behind socket time), requests the deal list page ``/``:

- without: MIDDLEWARE less groupbuy.ops' two middlewares (no request id,
  metrics or request log line);
- with: the settings as shipped: per-route counter and histogram, request id,
  one JSON log line a request (written to /dev/null through the real
  structlog formatter and redaction).

The two alternate in rounds, so drift of a shared machine hits both alike.
Each round is timed twice: wall-clock, and this process's CPU time
(``time.process_time``), which a busy neighbour on a shared machine cannot
inflate (the test client serves in-process, so the CPU time is the request's
whole cost but for the SQLite file's I/O waits). Last line: one JSON object;
``overhead`` is the median over rounds of the CPU-time ratio with/without less
one (0.03 = 3 %); ``wall_overhead`` the same from wall-clock time.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OPS_MIDDLEWARE = (
    "groupbuy.ops.middleware.OpsEndpointsMiddleware",
    "groupbuy.ops.middleware.RequestObservabilityMiddleware",
)


def ean13(first_twelve: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first_twelve))
    return first_twelve + str((10 - total % 10) % 10)


def setup(data_dir: str) -> None:
    os.environ.update(
        GROUPBUY_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="groupbuy.settings",
        GROUPBUY_DEMO_MODE="1",
        GROUPBUY_HUEY_IMMEDIATE="1",
        LOG_LEVEL="INFO",
        ALLOWED_HOSTS="testserver",
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.support.seeding import seed_open_deal

    for index in range(3):
        seed_open_deal(gtin=ean13(f"69012345678{index}"), tiers=[(2, 900)], stock=50)
    # The request lines still go through the formatter, just not to a terminal.
    for handler in logging.getLogger().handlers:
        handler.setStream(open(os.devnull, "w"))  # noqa: SIM115


def make_client(*, with_ops: bool):
    from django.conf import settings
    from django.test import Client, override_settings

    middleware = [
        name for name in settings.MIDDLEWARE if with_ops or name not in OPS_MIDDLEWARE
    ]
    client = Client()
    with override_settings(MIDDLEWARE=middleware):
        assert client.get("/").status_code == 200  # builds the middleware chain
    return client


def timed(client, count: int) -> tuple[float, float]:
    """Wall-clock and CPU seconds of ``count`` requests of ``/``."""
    started, started_cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        response = client.get("/")
        if response.status_code != 200:
            raise RuntimeError(f"/ answered {response.status_code}")
    return time.perf_counter() - started, time.process_time() - started_cpu


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument("--requests", type=int, default=0, help="per variant a round")
    args = parser.parse_args()
    rounds = args.rounds or (4 if args.quick else 10)
    per_round = args.requests or (30 if args.quick else 300)
    with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
        setup(data_dir)
        without = make_client(with_ops=False)
        with_ops = make_client(with_ops=True)
        timed(without, 20)
        timed(with_ops, 20)
        wall = {"without": [], "with": []}
        cpu = {"without": [], "with": []}
        for round_number in range(rounds):
            # Alternate which goes first, so neither always runs on a warmer cache.
            order = [("without", without), ("with", with_ops)]
            for name, client in order if round_number % 2 == 0 else order[::-1]:
                wall_seconds, cpu_seconds = timed(client, per_round)
                wall[name].append(wall_seconds)
                cpu[name].append(cpu_seconds)
        total = rounds * per_round
        rps_without = total / sum(wall["without"])
        rps_with = total / sum(wall["with"])

        def median_overhead(seconds):
            ratios = [
                w / wo
                for w, wo in zip(seconds["with"], seconds["without"], strict=True)
            ]
            return statistics.median(ratios) - 1

        overhead = median_overhead(cpu)
        wall_overhead = median_overhead(wall)
        cpu_ms = {name: 1000 * sum(cpu[name]) / total for name in cpu}
        for name, rps in (("without", rps_without), ("with", rps_with)):
            print(
                f"{name} ops middleware: {rps:.1f} pages/s, "
                f"{cpu_ms[name]:.2f} ms CPU a page"
            )
        print(
            json.dumps(
                {
                    "benchmark": "metrics_overhead",
                    "page": "/",
                    "rounds": rounds,
                    "requests_per_variant": total,
                    "pages_per_second_without": round(rps_without, 1),
                    "pages_per_second_with": round(rps_with, 1),
                    "cpu_ms_per_page_without": round(cpu_ms["without"], 3),
                    "cpu_ms_per_page_with": round(cpu_ms["with"], 3),
                    "overhead": round(overhead, 4),
                    "wall_overhead": round(wall_overhead, 4),
                    "quick": args.quick,
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
