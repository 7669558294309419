"""Money movement without a global hot row: 64 connections capturing at once.

    .venv/bin/python benchmarks/money_contention.py [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench]
        [--connections 64] [--captures-per-connection N]

On a throw-away PostgreSQL database (migrated from a cached template), it runs
three scenarios, each with ``connections`` threads, one database connection
each, released together, every thread applying signed sandbox payment
callbacks (``escrow.callbacks.payment_callback_receive``, the real capture
path: intent lock, order marked paid, two ledger postings, audit, outbox):

1. **64 deals**: thread i captures the payments of deal i's orders;
2. **one deal**: all threads capture payments of orders of the same deal;
3. **64 deals, one shard** (baseline): as 1 with
   ``GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS=1``, i.e. every posting updates the one
   balance row of each platform-wide account, as before sharding.

A monitor connection samples ``pg_locks`` every few milliseconds for lock
requests not granted and counts each waiting statement once, by what it was
running. Prints captures/s and the lock waits of each scenario; the last line
is one JSON object.
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

from support.common import DEFAULT_DATABASE_URL, throwaway_postgres

DEFAULT_SHARDS = 0  # the setting's value, read in the child process
SCENARIOS = {
    "64 deals": {"one_deal": False, "shards": None},
    "one deal": {"one_deal": True, "shards": None},
    "64 deals, one shard (baseline)": {"one_deal": False, "shards": 1},
}

WAITS = """
SELECT w.pid, a.query_start, left(regexp_replace(a.query, '\\s+', ' ', 'g'), 70)
FROM pg_locks w JOIN pg_stat_activity a ON a.pid = w.pid
WHERE NOT w.granted AND a.datname = current_database()
"""


# --- inside Django (the --run-scenario child process) ----------------------------


def _prepare(*, connections: int, per_connection: int, one_deal: bool, tag: str):
    """Create the deals and, in bulk, pending orders with intents awaiting payment;
    return one list of intents per thread."""
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.accounts.models import User
    from groupbuy.catalog import services as catalog
    from groupbuy.deals.models import Deal, DealOrder, DealTier
    from groupbuy.escrow.models import PaymentIntent

    operator = User.objects.create_user(f"+861340000000{tag}", is_staff=True)
    merchant = catalog.merchant_create(actor=operator, name=f"Contention {tag}")
    product = catalog.product_create(actor=operator, name_zh="茶", name_en="Tea")
    now = timezone.now()
    total = connections * per_connection
    deals = Deal.objects.bulk_create(
        Deal(
            merchant=merchant,
            product=product,
            title=f"Deal {tag}-{number}",
            list_price_fen=2_000,
            stock=total,
            max_quantity_per_order=1,
            starts_at=now - timedelta(minutes=1),
            deadline_at=now + timedelta(hours=2),
            state=Deal.State.OPEN,
        )
        for number in range(1 if one_deal else connections)
    )
    DealTier.objects.bulk_create(
        DealTier(deal=deal, min_participants=1, price_fen=1_500) for deal in deals
    )
    _warm_platform_accounts()
    shoppers = User.objects.bulk_create(
        User(phone=f"+86133{tag}{index:05d}", password="!") for index in range(total)
    )
    deal_of = [deals[0 if one_deal else index % connections] for index in range(total)]
    orders = DealOrder.objects.bulk_create(
        DealOrder(
            deal=deal_of[index],
            shopper=shoppers[index],
            quantity=1,
            unit_price_cap_fen=1_500,
            amount_fen=1_500,
            joined_at=now,
        )
        for index in range(total)
    )
    intents = PaymentIntent.objects.bulk_create(
        PaymentIntent(
            payer=order.shopper,
            amount_fen=1_500,
            purpose="deals.order",
            reference=order.public_id,
            description="1 × Tea",
        )
        for order in orders
    )
    for order, intent in zip(orders, intents, strict=True):
        order.payment_intent = intent
    DealOrder.objects.bulk_update(orders, ["payment_intent"])
    for deal in deals:
        Deal.objects.filter(pk=deal.pk).update(
            sold=sum(1 for chosen in deal_of if chosen.pk == deal.pk)
        )
    per_thread = [[] for _ in range(connections)]
    for index, intent in enumerate(intents):
        per_thread[index % connections].append(intent)
    return per_thread


def _warm_platform_accounts() -> None:
    """Create the platform accounts and their shard rows, as a running platform
    has them, so first-use inserts are not measured as contention."""
    from groupbuy.escrow import ledger
    from groupbuy.escrow.models import LedgerAccount, LedgerAccountShard

    for kind in LedgerAccount.SYSTEM_KINDS:
        account = ledger.system_account(kind=kind)
        LedgerAccountShard.objects.bulk_create(
            [
                LedgerAccountShard(account=account, shard=shard)
                for shard in range(ledger.hot_account_shards())
            ],
            ignore_conflicts=True,
        )


def _open_connections(count: int) -> None:
    """Fill the connection pool first, so no scenario pays for opening it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    barrier = threading.Barrier(count)

    def touch(_number) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            barrier.wait(timeout=60)
        connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        list(pool.map(touch, range(count)))


def _capture_all(intents) -> int:
    from django.db import connection

    from groupbuy.escrow.callbacks import payment_callback_receive
    from groupbuy.escrow.providers import sandbox
    from groupbuy.escrow.providers.base import PAYMENT_SUCCEEDED

    captured = 0
    try:
        for intent in intents:
            payload = sandbox.build_event(intent, event_type=PAYMENT_SUCCEEDED)
            body, headers = sandbox.encode_event(payload)
            outcome = payment_callback_receive(
                provider_name="sandbox", body=body, headers=headers
            )
            captured += outcome == "captured"
    finally:
        connection.close()
    return captured


def _watch_locks(database_url: str, stop, seen: dict) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.is_set():
            for pid, query_start, query in conn.execute(WAITS).fetchall():
                seen.setdefault((pid, query_start), query)
            time.sleep(0.003)


def run_scenario(name: str, *, connections: int, per_connection: int) -> dict:
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.conf import settings
    from django.db import connection

    scenario = SCENARIOS[name]
    settings.GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS = scenario["shards"] or DEFAULT_SHARDS
    per_thread = _prepare(
        connections=connections,
        per_connection=per_connection,
        one_deal=scenario["one_deal"],
        tag=f"{list(SCENARIOS).index(name)}",
    )
    connection.close()
    stop, seen = threading.Event(), {}
    watcher = threading.Thread(
        target=_watch_locks,
        args=(os.environ["DATABASE_URL"], stop, seen),
        daemon=True,
    )
    watcher.start()
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=connections) as pool:
            captured = sum(pool.map(_capture_all, per_thread))
    finally:
        # A failing capture must not leave the watcher (and the run) waiting.
        stop.set()
        watcher.join()
    elapsed = time.perf_counter() - started
    waits_by_statement: dict[str, int] = {}
    for query in seen.values():
        waits_by_statement[query] = waits_by_statement.get(query, 0) + 1
    return {
        "captured": captured,
        "seconds": elapsed,
        "captures_per_s": captured / elapsed,
        "lock_waits": len(seen),
        "waits_by_statement": dict(
            sorted(waits_by_statement.items(), key=lambda item: -item[1])[:4]
        ),
    }


def run_scenarios(*, connections: int, per_connection: int) -> dict:
    import django

    django.setup()
    global DEFAULT_SHARDS
    from django.conf import settings

    DEFAULT_SHARDS = settings.GROUPBUY_LEDGER_HOT_ACCOUNT_SHARDS
    _open_connections(connections)
    return {
        name: run_scenario(name, connections=connections, per_connection=per_connection)
        for name in SCENARIOS
    }


# --- the benchmark ---------------------------------------------------------------


def _drop_queue(redis_url: str, huey_name: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*{huey_name}*"):
        client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/8", help="for queued jobs"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--captures-per-connection", type=int)
    parser.add_argument("--run-scenarios", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    per_connection = args.captures_per_connection or (1 if args.quick else 10)
    if args.run_scenarios:
        results = run_scenarios(
            connections=args.connections, per_connection=per_connection
        )
        print(json.dumps(results))
        return

    from tests.support.servers import REPO

    with (
        throwaway_postgres(args.database_url) as database_url,
        tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir,
    ):
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
            # Benchmarks pay through the sandbox (off by default since issue 6).
            "GROUPBUY_PAYMENT_PROVIDERS": "sandbox",
            "PYTHONPATH": str(REPO),
            # One pooled connection per thread: 64 really concurrent connections.
            "GROUPBUY_DB_POOL_SIZE": str(args.connections + 2),
            "LOG_LEVEL": "ERROR",
        }
        # Jobs queued after commit (the sold-out check) go to Redis, as in
        # production, and are dropped afterwards: the captures are measured.
        env["REDIS_URL"] = args.redis_url
        env["GROUPBUY_HUEY_NAME"] = huey_name = f"benchmoney{os.getpid()}"
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--run-scenarios",
                "--connections",
                str(args.connections),
                "--captures-per-connection",
                str(per_connection),
            ],
            env={**env, "GROUPBUY_DATA_DIR": data_dir},
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if output.returncode:
            raise SystemExit(f"failed:\n{output.stdout}\n{output.stderr}")
        results = json.loads(output.stdout.strip().splitlines()[-1])
        _drop_queue(args.redis_url, huey_name)

    print(f"PostgreSQL, {args.connections} connections, {per_connection} captures each")
    for name, result in results.items():
        print(
            f"{name}: {result['captures_per_s']:.0f} captures/s "
            f"({result['captured']} in {result['seconds']:.2f} s), "
            f"lock waits seen in pg_locks: {result['lock_waits']}"
        )
        for statement, count in result["waits_by_statement"].items():
            print(f"    {count:4d} × {statement}")
    spread, single, baseline = (results[name] for name in SCENARIOS)
    print(
        json.dumps(
            {
                "captures_per_s_64_deals": round(spread["captures_per_s"], 1),
                "lock_waits_64_deals": spread["lock_waits"],
                "captures_per_s_one_deal": round(single["captures_per_s"], 1),
                "lock_waits_one_deal": single["lock_waits"],
                "captures_per_s_one_shard": round(baseline["captures_per_s"], 1),
                "lock_waits_one_shard": baseline["lock_waits"],
            }
        )
    )


if __name__ == "__main__":
    main()
