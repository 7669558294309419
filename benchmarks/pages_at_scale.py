"""Read paths at scale: eight pages over 10,000 deals and 1,000,000 orders.

    .venv/bin/python benchmarks/pages_at_scale.py [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench]
        [--deals D] [--orders O] [--shoppers U] [--requests R]

On a throw-away PostgreSQL database (migrated from a cached template) it seeds,
in bulk with ``generate_series`` (bounded in time: a few statements, then
``VACUUM ANALYZE``), D deals of 100 merchants (30 % open, the rest settled or
failed, two tiers each), O orders spread over them and U shoppers, and for
every tenth order a captured payment in the ledger (a transaction, two entries,
the shopper's held account). Then, through the services, the measured people:
a merchant (one of the 100) with its owner, an operator, and a shopper who
joins and pays 10 open deals.

Each page is requested R times in-process (Django's test client: server time
without the network) after two warm-up requests; it prints p50/p95 server time,
the p50 of the time spent in the database (the sum of the request's query
times) and the queries per request, and the same figures at a baseline size
(tiny: 50 deals, 2,000 orders) measured first in the same run and database,
so "flat as data grows" is the comparison of the two. Every SELECT of one request
of each page is EXPLAINed and the tables that grow with the data read by a
sequential scan are named (``seq_scans``). The merchant console's order list is
measured on its first and its last page (OFFSET-deep). Last line: one JSON object.
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

from support.common import DEFAULT_DATABASE_URL, percentile, throwaway_postgres
from support.pages_at_scale_sql import BULK_SQL

PAGES = [
    "deal list",
    "deal page",
    "my orders",
    "my money",
    "merchant's orders",
    "console orders p1",
    "console orders last",
    "operator dashboard",
]

# Tables that grow with the data: a sequential scan of one of these in a page's
# plan is what "no page loads a whole table" forbids (small tables may be
# scanned: the planner rightly prefers it).
GROWING_TABLES = {
    "accounts_user",
    "deals_deal",
    "deals_dealorder",
    "deals_dealtier",
    "escrow_ledgeraccount",
    "escrow_ledgerentry",
    "escrow_ledgertransaction",
    "escrow_paymentintent",
    "core_auditentry",
}

# Measured first, in the same database, before it grows to the full size.
BASELINE = {"deals": 50, "orders": 2_000, "shoppers": 500}
SHOPPER_ORDERS = 10


# --- inside Django (the --run child process) -------------------------------------


def _seed_people() -> dict:
    """The measured merchant (with its owner), an operator, a product, a shopper."""
    from groupbuy.accounts.models import User
    from groupbuy.catalog import services as catalog
    from groupbuy.escrow import ledger
    from groupbuy.escrow.models import LedgerAccount

    operator = User.objects.create_user("+8613700000009", is_staff=True)
    owner = User.objects.create_user("+8613700000008")
    shopper = User.objects.create_user("+8613700000007")
    merchant = catalog.merchant_create(actor=operator, name="Scale Mart", owner=owner)
    product = catalog.product_create(
        actor=operator, name_zh="茉莉花茶", name_en="Jasmine tea", gtin="6901234567892"
    )
    external = ledger.system_account(kind=LedgerAccount.Kind.EXTERNAL)
    return {
        "operator": operator,
        "owner": owner,
        "shopper": shopper,
        "merchant": merchant,
        "product": product,
        "external": external,
    }


def _seed_bulk(
    people: dict, *, batch: int, deals: int, orders: int, shoppers: int
) -> float:
    from django.db import connection

    from groupbuy.accounts.models import User
    from groupbuy.catalog.models import Merchant
    from groupbuy.deals.models import Deal

    started = time.perf_counter()
    prefix = f"b{batch}_"
    params = {
        "prefix": prefix,
        "phone_prefix": f"+8613{batch}",
        "deals": deals,
        "orders": orders,
        "shoppers": shoppers,
        "per_deal": orders // deals,
        "product_id": people["product"].pk,
        "external_id": people["external"].pk,
    }
    with connection.cursor() as cursor:
        # A bulk load: the rows are consistent by construction, so the
        # foreign-key triggers (one deferred check a row, ~2 per order: what
        # made seeding 1,000,000 orders take over 10 minutes on a loaded
        # machine) are off for this session, as pg_restore --disable-triggers
        # does. Needs a superuser; without one the checks run.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("SET synchronous_commit = off")
        for number, statement in enumerate(BULK_SQL):
            if number == 2:
                others = Merchant.objects.filter(public_id__startswith=f"{prefix}mer")
                params["merchant_ids"] = [
                    people["merchant"].pk,
                    *others.order_by("pk").values_list("pk", flat=True),
                ]
            if number == 4:
                bulk_deals = Deal.objects.filter(public_id__startswith=f"{prefix}deal")
                bulk_users = User.objects.filter(public_id__startswith=f"{prefix}usr")
                params["first_deal"] = bulk_deals.order_by("pk").first().pk
                params["first_shopper"] = bulk_users.order_by("pk").first().pk
            cursor.execute(statement, params)
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _seed_shopper_orders(people: dict, count: int) -> None:
    from groupbuy.deals.models import Deal
    from groupbuy.deals.services import deal_join
    from groupbuy.escrow.tests.factories import apply_event, event_for

    open_deals = Deal.objects.filter(state=Deal.State.OPEN).order_by("pk")[:count]
    for deal in open_deals:
        order = deal_join(actor=people["shopper"], deal=deal, quantity=1)
        apply_event(event_for(order.payment_intent))


def _measure(people: dict, *, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from groupbuy.deals.models import Deal

    hot = (
        Deal.objects.filter(merchant=people["merchant"], state=Deal.State.OPEN)
        .order_by("pk")
        .first()
    )
    urls = {
        "deal list": ("shopper", reverse("web:deal_list")),
        "deal page": ("shopper", reverse("web:deal_detail", args=[hot.public_id])),
        "my orders": ("shopper", reverse("web:order_list")),
        "my money": ("shopper", reverse("web:money")),
        "merchant's orders": (
            "owner",
            reverse(
                "web:merchant_deal_detail",
                args=[people["merchant"].public_id, hot.public_id],
            ),
        ),
        "console orders p1": (
            "owner",
            reverse("web:merchant_orders", args=[people["merchant"].public_id]),
        ),
        "console orders last": (
            "owner",
            reverse("web:merchant_orders", args=[people["merchant"].public_id])
            + f"?page={_last_console_page(people)}",
        ),
        "operator dashboard": ("operator", reverse("web:operator_home")),
    }
    results = {}
    for page in PAGES:
        who, url = urls[page]
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(people[who])
        for _warm_up in range(2):
            assert client.get(url).status_code == 200, (page, url)
        times_ms, queries, database_ms = [], [], []
        for _request in range(requests):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
            queries.append(len(captured))
            database_ms.append(
                sum(float(query["time"]) for query in captured.captured_queries) * 1000
            )
        results[page] = {
            "p50_ms": percentile(times_ms, 0.5),
            "p95_ms": percentile(times_ms, 0.95),
            "db_p50_ms": percentile(database_ms, 0.5),
            "queries": max(queries),
            "seq_scans": _seq_scans(captured.captured_queries),
        }
    return results


def _last_console_page(people: dict) -> int:
    """The deepest page of the merchant console's order list (20 a page)."""
    from groupbuy.deals.models import DealOrder

    count = DealOrder.objects.filter(deal__merchant=people["merchant"]).count()
    return max(1, -(-count // 20))


def _seq_scans(captured: list[dict]) -> list[str]:
    """EXPLAIN every SELECT of one request; name the growing tables read by a
    sequential scan (with the planner's row estimate), e.g. ``deals_dealorder~1e6``.
    """
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            stack = [plan[0]["Plan"]]
            while stack:
                node = stack.pop()
                stack += node.get("Plans", [])
                table = node.get("Relation Name")
                if node.get("Node Type") == "Seq Scan" and table in GROWING_TABLES:
                    found.append(f"{table}~{node.get('Plan Rows', 0)}")
    return sorted(set(found))


def run(*, deals: int, orders: int, shoppers: int, requests: int) -> dict:
    """Measure at the baseline size, then grow the same database and measure."""
    import django

    django.setup()
    people = _seed_people()
    _seed_bulk(people, batch=0, **BASELINE)
    _seed_shopper_orders(people, count=SHOPPER_ORDERS)
    baseline = _measure(people, requests=requests)
    seed_seconds = _seed_bulk(
        people,
        batch=1,
        deals=deals - BASELINE["deals"],
        orders=orders - BASELINE["orders"],
        shoppers=shoppers - BASELINE["shoppers"],
    )
    scaled = _measure(people, requests=requests)
    return {
        "seed_s": seed_seconds,
        "baseline": baseline,
        "pages": scaled,
        "stats_job_ms": _time_stats_job(),
    }


def _time_stats_job() -> dict:
    """Time the job behind the dashboard's charts (ops/stats.py) at full size:
    its first run fills a month of days, later runs recompute two."""
    from groupbuy.ops.stats import platform_daily_stats_refresh

    timings = {}
    for run_name in ("first", "later"):
        started = time.perf_counter()
        platform_daily_stats_refresh()
        timings[run_name] = round((time.perf_counter() - started) * 1000, 1)
    return timings


# --- the benchmark ---------------------------------------------------------------


def _run_child(database_url: str, data_dir: str, sizes: dict) -> dict:
    from tests.support.servers import REPO

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
        # Benchmarks pay through the sandbox (off by default since issue 6).
        "GROUPBUY_PAYMENT_PROVIDERS": "sandbox",
        "PYTHONPATH": str(REPO),
        "GROUPBUY_DATA_DIR": data_dir,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        # In-process over plain HTTP: no redirect to HTTPS (production's default).
        "GROUPBUY_HTTPS": "0",
    }
    env.pop("REDIS_URL", None)
    argv = [sys.executable, __file__, "--run"]
    for key, value in sizes.items():
        argv += [f"--{key}", str(value)]
    output = subprocess.run(
        argv, env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if output.returncode:
        raise SystemExit(f"failed:\n{output.stdout}\n{output.stderr}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--deals", type=int)
    parser.add_argument("--orders", type=int)
    parser.add_argument("--shoppers", type=int)
    parser.add_argument("--requests", type=int)
    parser.add_argument("--run", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = {
        "deals": args.deals or (500 if args.quick else 10_000),
        "orders": args.orders or (20_000 if args.quick else 1_000_000),
        "shoppers": args.shoppers or (5_000 if args.quick else 100_000),
        "requests": args.requests or (6 if args.quick else 40),
    }
    if args.run:
        print(json.dumps(run(**sizes)))
        return
    with (
        tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir,
        throwaway_postgres(args.database_url) as database_url,
    ):
        measured = _run_child(database_url, data_dir, sizes)

    print(
        f"PostgreSQL; seeded {sizes['deals']} deals, {sizes['orders']} orders, "
        f"{sizes['shoppers']} shoppers in {measured['seed_s']:.1f} s; "
        f"{sizes['requests']} requests a page, in-process"
    )
    print(
        f"{'page':<20} {'p50 ms':>8} {'p95 ms':>8} {'db p50':>8} {'queries':>8}"
        "   at 2,000 orders"
    )
    summary = {}
    for page in PAGES:
        at_scale, small = measured["pages"][page], measured["baseline"][page]
        print(
            f"{page:<20} {at_scale['p50_ms']:8.1f} {at_scale['p95_ms']:8.1f} "
            f"{at_scale['db_p50_ms']:8.1f} {at_scale['queries']:8d}   "
            f"p50 {small['p50_ms']:.1f} ms, db {small['db_p50_ms']:.1f} ms, "
            f"{small['queries']} queries"
        )
        if at_scale["seq_scans"]:
            print(f"{'':<20} sequential scans: {', '.join(at_scale['seq_scans'])}")
        summary[page] = {
            "seq_scans": at_scale["seq_scans"],
            "p95_ms": round(at_scale["p95_ms"], 1),
            "db_p50_ms": round(at_scale["db_p50_ms"], 1),
            "queries": at_scale["queries"],
            "queries_small": small["queries"],
        }
    job = measured["stats_job_ms"]
    print(
        f"the dashboard's figures job: {job['first']:.0f} ms filling 30 days, "
        f"{job['later']:.0f} ms for today and yesterday"
    )
    worst = max(summary.values(), key=lambda page: page["p95_ms"])
    flat = all(page["queries"] == page["queries_small"] for page in summary.values())
    print(
        json.dumps(
            {
                "orders": sizes["orders"],
                "deals": sizes["deals"],
                "worst_p95_ms": worst["p95_ms"],
                "queries_flat": flat,
                "stats_job_ms": job,
                "pages": summary,
            }
        )
    )


if __name__ == "__main__":
    main()
