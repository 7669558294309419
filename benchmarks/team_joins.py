"""Team joins on one deal with 1,000 open teams, against the plain tiered join.

    .venv/bin/python benchmarks/team_joins.py [--quick]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]
        [--teams 1000] [--joiners N] [--threads T]

Creates a throw-away PostgreSQL database, migrates it, and in this process
(the services themselves, each thread on its own connection):

1. baseline: ``joiners`` shoppers join a plain tiered deal (``deal_join``) from
   ``threads`` threads at once;
   (``--quick``: 60 teams and 80 joiners, to stay under 30 s; the full run
   has 1,000 teams and 2,000 joiners per side)
2. teams: a team deal with ``teams`` open teams of 3 (each opened by its own
   shopper, so 2 places left each) and shared stock smaller than the places,
   and ``joiners`` other shoppers join random teams (``team_join``) from the
   same number of threads, so teams fill, racers lose last places and stock
   runs out.

Prints both rates, then checks the database: over-filled teams (more members
holding a place than the team's size, or a counter above it) and oversold units
(units reserved beyond stock, or members beyond stock). Last line: one JSON
object with ``ratio`` (team joins/s ÷ plain joins/s), ``overfilled`` and
``oversold`` (both must be 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _admin(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _migrations_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(REPO.glob("groupbuy/*/migrations/*.py")):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _migrated_template(admin_url: str, base: str) -> str:
    """A migrated database to copy, made once per set of migrations (migrating
    takes longer than the whole --quick run)."""
    template = f"gb_bench_teams_tpl_{_migrations_key()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone()
    if found:
        return template
    building = f"{template}_building"
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
    _admin(admin_url, f'CREATE DATABASE "{building}"')
    env = {**os.environ, "DATABASE_URL": f"{base}/{building}", "PYTHONPATH": str(REPO)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "migrate", "-v", "0"],
        env=env,
        check=True,
    )
    _admin(admin_url, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    return template


def _run(calls, threads: int) -> tuple[int, float]:
    from django.db import connection

    from groupbuy.core.errors import DomainError

    def one(call):
        try:
            call()
            return True
        except DomainError:
            return False
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        ok = sum(pool.map(one, calls))
    return ok, time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--joiners", type=int, default=0)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args(argv)
    joiners = args.joiners or (80 if args.quick else 2000)
    teams = args.teams if not args.quick else min(args.teams, 60)

    base = args.database_url.rsplit("/", 1)[0]
    template = _migrated_template(args.database_url, base)
    name = f"gb_bench_teams_{uuid.uuid4().hex[:8]}"
    _admin(args.database_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    os.environ["GROUPBUY_HUEY_IMMEDIATE"] = "1"
    os.environ.setdefault("GROUPBUY_PAYMENT_PROVIDERS", "sandbox")
    os.environ.setdefault("GROUPBUY_PAYMENTS_TEST_MODE", "1")
    try:
        import django

        django.setup()
        from django.db import connection
        from django.utils import timezone

        from groupbuy.accounts.models import User
        from groupbuy.deals.models import DealOrder
        from groupbuy.deals.progress import pushes_per_second
        from groupbuy.deals.services import deal_join
        from groupbuy.deals.tests.factories import make_deal, make_merchant
        from groupbuy.teams.models import Team, TeamDeal, TeamMember
        from groupbuy.teams.services import team_join, team_open
        from groupbuy.teams.tests.factories import make_team_deal

        def users(prefix: str, count: int) -> list:
            User.objects.bulk_create(
                [User(phone=f"+86{prefix}{i:07d}") for i in range(count)]
            )
            return list(User.objects.filter(phone__startswith=f"+86{prefix}"))

        seed_started = time.perf_counter()
        merchant = make_merchant(name="Bench")
        plain = make_deal(merchant=merchant, stock=joiners, tiers=[(1, 9_900)])
        places = 2 * teams
        stock = teams + places // 2  # less than every place: stock runs out
        team_deal = make_team_deal(
            merchant=merchant, team_size=3, stock=stock, ends_in=timedelta(days=3)
        )
        openers = users("130", teams)
        opened = [team_open(actor=u, team_deal=team_deal).team for u in openers]
        plain_joiners = users("131", joiners)
        team_joiners = users("132", joiners)
        seeded = time.perf_counter() - seed_started
        connection.close()

        plain_ok, plain_s = _run(
            [
                lambda u=u: deal_join(actor=u, deal=plain, quantity=1)
                for u in plain_joiners
            ],
            args.threads,
        )
        rng = random.Random(16)
        targets = [rng.choice(opened) for _ in team_joiners]
        team_ok, team_s = _run(
            [
                lambda u=u, t=t: team_join(actor=u, team=t)
                for u, t in zip(team_joiners, targets, strict=True)
            ],
            args.threads,
        )

        # The last joins' trailing progress pushes (deals.progress, on timer
        # threads) run now, not while the database is dropped: their errors
        # would be logged after the JSON line.
        time.sleep(2 / max(pushes_per_second(), 1))
        overfilled = 0
        for team in Team.objects.all():
            holding = team.members.filter(status__in=TeamMember.HOLDING).count()
            overfilled += holding > team.size or team.member_count > team.size
        team_deal = TeamDeal.objects.get(pk=team_deal.pk)
        live = TeamMember.objects.filter(
            team__team_deal=team_deal, status__in=TeamMember.HOLDING
        ).count()
        oversold = max(0, team_deal.sold - team_deal.stock) + max(
            0, live - team_deal.stock
        )
        plain.refresh_from_db()
        plain_live = DealOrder.objects.filter(deal=plain).count()
        oversold += max(0, plain.sold - plain.stock) + max(0, plain_live - plain.stock)
        full = Team.objects.filter(member_count=3).count()
        plain_rate = plain_ok / plain_s
        team_rate = team_ok / team_s
        print(f"seeded {teams} open teams and {2 * joiners} shoppers in {seeded:.1f} s")
        print(
            f"plain tiered join: {plain_ok} ok in {plain_s:.2f} s = {plain_rate:.0f}/s"
        )
        print(
            f"team join: {team_ok} ok of {joiners} in {team_s:.2f} s = "
            f"{team_rate:.0f}/s; {full} teams full; stock {team_deal.sold}/"
            f"{team_deal.stock}"
        )
        print(f"overfilled teams: {overfilled}; oversold units: {oversold}")
        print(
            json.dumps(
                {
                    "ratio": round(team_rate / plain_rate, 3),
                    "team_joins_per_s": round(team_rate, 1),
                    "plain_joins_per_s": round(plain_rate, 1),
                    "teams": teams,
                    "joiners": joiners,
                    "threads": args.threads,
                    "overfilled": overfilled,
                    "oversold": oversold,
                    "at": timezone.now().isoformat(),
                }
            )
        )
        connection.close()
    finally:
        from django.db import connections

        connections.close_all()
        _admin(args.database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
