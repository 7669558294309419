"""Bytes of the main pages with and without gzip (groupbuy.core.static_gzip).

    .venv/bin/python benchmarks/page_compression.py [--quick] [--samples 5]

In one process on a fresh SQLite database (a copy of a migrated one), in demo
mode: the demo data (``--quick``: 8 seeded deals and one shopper instead), then
each page asked for by Django's test client as the person who sees it (home
and a deal signed out and in, My orders, the inbox, the merchant console, and
two JSON answers), first without ``Accept-Encoding`` (the baseline: every page
was sent so until 2026-12-06), then ``--samples`` times with ``gzip``. The
gzipped sizes vary by up to 100 bytes from one answer to the next: Django's
Heal The Breach mitigation puts a random-length name in the gzip header, so
min and max are given. Bodies only (no headers). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

HOST = "127.0.0.1"
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def setup_django(data_dir: str) -> None:
    from tests.support.servers import copy_migrated_sqlite

    copy_migrated_sqlite(Path(data_dir))
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ["GROUPBUY_DEMO_MODE"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)  # one line per request would bury the rows


def seed(*, quick: bool) -> None:
    if not quick:
        from django.core.management import call_command

        call_command("load_demo", verbosity=0)
        return
    from tests.support.seeding import seed_open_deal, seed_shopper

    for number in range(8):
        seed_open_deal(gtin=_gtin(number), tiers=[(2, 1500), (5, 1200)], stock=20)
    seed_shopper(phone="+8613800000001", password="demo-shopper-1", language="zh-hans")


def _gtin(number: int) -> str:
    from groupbuy.catalog.gtin import gtin_check_digit

    body = f"690550000{number:03d}"
    return body + str(gtin_check_digit(body))


def _people():
    """The shopper (the demo's, or --quick's) and a shop owner with the shop."""
    from groupbuy.accounts.models import MerchantMembership, User

    shopper = User.objects.get(phone="+8613800000001")
    membership = (
        MerchantMembership.objects.filter(role="owner")
        .select_related("user", "merchant")
        .order_by("pk")
        .first()
    )
    return shopper, membership.user, membership.merchant


def _pages(shopper, owner, merchant) -> list[tuple[str, str, object]]:
    from groupbuy.deals.models import Deal

    deal = Deal.objects.filter(state="open").order_by("pk").first()
    return [
        ("home (signed out)", "/", None),
        ("home", "/", shopper),
        ("deal", f"/deals/{deal.public_id}/", shopper),
        ("My orders", "/orders/", shopper),
        ("inbox", "/inbox/", shopper),
        ("merchant console", f"/merchant/{merchant.public_id}/", owner),
        ("API: open deals", "/api/deals", None),
        ("API: my inbox", "/api/notify/notifications", shopper),
    ]


def measure(path: str, person, *, samples: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    if person is not None:
        client.force_login(person)
    client.cookies["django_language"] = "zh-hans"
    plain = client.get(path)
    assert plain.status_code == 200, (path, plain.status_code)
    assert not plain.has_header("Content-Encoding"), path
    sizes = []
    for _sample in range(samples):
        packed = client.get(path, **GZIP)
        # under 200 bytes (an empty list) Django sends it as it is
        assert packed.get("Content-Encoding", "gzip") == "gzip", path
        sizes.append(len(packed.content))
    return {
        "path": path,
        "plain_bytes": len(plain.content),
        "gzip_bytes_min": min(sizes),
        "gzip_bytes_max": max(sizes),
        "ratio": round(max(sizes) / len(plain.content), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 seeded deals")
    parser.add_argument("--samples", type=int, default=5)
    args = parser.parse_args()
    started = time.monotonic()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="groupbuy-compression-") as data_dir:
        setup_django(data_dir)
        seed(quick=args.quick)
        shopper, owner, merchant = _people()
        for name, path, person in _pages(shopper, owner, merchant):
            row = measure(path, person, samples=args.samples)
            results[name] = row
            print(
                f"{name:18} {row['plain_bytes']:>8,} B plain  "
                f"{row['gzip_bytes_min']:>7,}–{row['gzip_bytes_max']:,} B gzip  "
                f"({row['ratio']:.0%})",
                flush=True,
            )
    plain = sum(row["plain_bytes"] for row in results.values())
    packed = sum(row["gzip_bytes_max"] for row in results.values())
    print(f"all pages: {plain:,} B plain, {packed:,} B gzipped", flush=True)
    print(
        json.dumps(
            {
                "quick": args.quick,
                "samples": args.samples,
                "seconds": round(time.monotonic() - started, 1),
                "baseline_plain_bytes": plain,
                "gzip_bytes": packed,
                "pages": results,
            }
        )
    )


if __name__ == "__main__":
    main()
