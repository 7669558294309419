"""Join throughput on one hot deal: PostgreSQL, uvicorn with two workers.

    .venv/bin/python benchmarks/join_throughput.py [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--users N] [--stock S] [--clients C] [--workers W]

Creates a throw-away database, migrates it, seeds one open deal with ``stock``
units and ``users`` shoppers with API tokens, starts ``uvicorn
groupbuy.asgi:application --workers W`` on it, and then, from C concurrent HTTP
clients in this process:

1. baseline: the same number of ``GET /api/health`` requests (a no-op JSON
   endpoint of the same server), measured in the same run;
2. joins: every shopper joins the deal once with quantity 1 (so stock runs out
   and the rest are rejected with ``sold_out``).

Prints successful joins/s, p50/p99 latency, the oversold count (units sold
beyond stock, orders beyond stock, read back from the database) and, last, the
headline: the ratio of join throughput to the no-op baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.servers import Deployment, free_port  # noqa: E402

CHECK = """
import json
from django.db.models import Sum
from groupbuy.deals.models import Deal, DealOrder
deal = Deal.objects.get(public_id="DEAL")
live = DealOrder.objects.filter(deal=deal).exclude(status__in=["cancelled", "refunded"])
print(json.dumps({
    "stock": deal.stock, "sold": deal.sold,
    "live_orders": live.count(),
    "live_units": live.aggregate(total=Sum("quantity"))["total"] or 0,
}))
"""


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


async def run_clients(requests: list, *, clients: int, base_url: str):
    """Send ``requests`` [(method, path, headers, json)] from ``clients`` workers."""
    queue: asyncio.Queue = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    results: list[tuple[int, float, float]] = []  # status, latency s, finished at
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=60
    ) as client:

        async def worker():
            while True:
                try:
                    method, path, headers, body = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                started = time.perf_counter()
                response = await client.request(
                    method, path, headers=headers, json=body
                )
                finished = time.perf_counter()
                results.append((response.status_code, finished - started, finished))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return results, started, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create the throw-away database on",
    )
    parser.add_argument("--users", type=int)
    parser.add_argument("--stock", type=int)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    users = args.users or (300 if args.quick else 3000)
    stock = args.stock or (200 if args.quick else 2000)
    clients = min(args.clients, 32) if args.quick else args.clients

    name = f"groupbuy_bench_{uuid.uuid4().hex[:8]}"
    admin_url = args.database_url
    database_url = admin_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data_dir = tempfile.TemporaryDirectory(prefix="groupbuy-bench-")
    deployment = Deployment(Path(data_dir.name), database_url=database_url)
    try:
        print(f"database {name}: migrating and seeding {users} shoppers, stock {stock}")
        deployment.groupbuy("migrate", "--noinput")
        seed = deployment.seed(
            f"seed_open_deal(gtin='6901234567892', tiers=[(1, 1500)], stock={stock},"
            " max_quantity_per_order=1)"
        )
        tokens = deployment.seed(f"seed_shoppers_with_tokens({users})")
        port = free_port()
        deployment.spawn(
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
        )
        base_url = f"http://127.0.0.1:{port}"
        time.sleep(1.0)  # let every worker finish importing Django

        warmup = [("GET", "/api/health", {}, None)] * 200
        asyncio.run(run_clients(warmup, clients=clients, base_url=base_url))
        health = [("GET", "/api/health", {}, None)] * users
        health_results, _, health_elapsed = asyncio.run(
            run_clients(health, clients=clients, base_url=base_url)
        )
        health_rate = len(health_results) / health_elapsed

        joins = [
            (
                "POST",
                f"/api/deals/{seed['deal']}/join",
                {"Authorization": f"Bearer {token}"},
                {"quantity": 1},
            )
            for token in tokens
        ]
        join_results, join_started, join_elapsed = asyncio.run(
            run_clients(joins, clients=clients, base_url=base_url)
        )
        check_code = CHECK.replace("DEAL", seed["deal"])
        check = json.loads(deployment.run_python(check_code).strip().splitlines()[-1])
    finally:
        deployment.stop()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        data_dir.cleanup()

    successes = [r for r in join_results if r[0] == 201]
    rejected = [r for r in join_results if r[0] == 400 or r[0] == 409]
    errors = [r for r in join_results if r[0] >= 500]
    # Successful joins/s over the time it took to sell the stock.
    selling_time = max(r[2] for r in successes) - join_started if successes else 1.0
    join_rate = len(successes) / selling_time
    oversold = max(0, check["sold"] - check["stock"]) + max(
        0, check["live_units"] - check["stock"]
    )
    latencies_ms = [r[1] * 1000 for r in join_results]
    health_ms = [r[1] * 1000 for r in health_results]
    print(f"clients {clients}, uvicorn workers {args.workers}, PostgreSQL")
    print(
        f"no-op baseline: {health_rate:.0f} req/s, "
        f"p50 {percentile(health_ms, 0.5):.1f} ms, "
        f"p99 {percentile(health_ms, 0.99):.1f} ms"
    )
    print(
        f"joins: {len(successes)} succeeded, {len(rejected)} rejected (sold out), "
        f"{len(errors)} server errors, {len(join_results)} attempts "
        f"in {join_elapsed:.2f} s"
    )
    print(f"successful joins/s: {join_rate:.0f}")
    print(
        f"join latency: p50 {percentile(latencies_ms, 0.5):.1f} ms, "
        f"p99 {percentile(latencies_ms, 0.99):.1f} ms, "
        f"mean {statistics.fmean(latencies_ms):.1f} ms"
    )
    print(
        f"database after: stock {check['stock']}, sold {check['sold']}, "
        f"live orders {check['live_orders']} holding {check['live_units']} units"
    )
    print(f"oversold: {oversold}")
    print(
        f"headline: {join_rate:.0f} successful joins/s = "
        f"{join_rate / health_rate:.2f} x the no-op endpoint "
        f"({health_rate:.0f} req/s), oversold {oversold}"
    )


if __name__ == "__main__":
    main()
