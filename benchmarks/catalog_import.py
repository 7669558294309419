"""Moving a shop's catalogue in: seconds and queries to import N products from
a CSV file, against adding them one by one through the services.

    .venv/bin/python benchmarks/catalog_import.py [--quick] [--rows N]

On a fresh SQLite database (a copy of a migrated one), for a new shop each:
the import reads a file of N new products with barcodes and prices, previews
it (``catalogue_import_upload``, no job) and applies it
(``catalogue_import_confirm``); the baseline adds the same N products with
``product_create`` and lists each with ``listing_create``, as the console's
forms do one at a time. The same file is also imported a second time (every
row unchanged, nothing written). Queries are counted as they run
(``connection.execute_wrapper``). ``--quick``: 200 rows (default 2,000).
Last line: one JSON object.
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

HEADER = "gtin,name_zh,name_en,brand,spec,category,description,price_yuan,on_sale\n"


def setup_django(data_dir: str) -> None:
    from tests.support.servers import copy_migrated_sqlite

    copy_migrated_sqlite(Path(data_dir))
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    import django

    django.setup()


def _shop(number: int):
    from groupbuy.accounts.models import MerchantMembership, User
    from groupbuy.catalog.models import Merchant

    owner = User.objects.create_user(f"+8613700{number:06d}", "bench-password-1")
    merchant = Merchant.objects.create(name=f"搬家超市{number}")
    MerchantMembership.objects.create(
        user=owner, merchant=merchant, role=MerchantMembership.Role.OWNER
    )
    return owner, merchant


def _rows(count: int, start: int) -> list[tuple[str, str, str, int]]:
    from groupbuy.catalog.gtin import gtin_check_digit

    rows = []
    for n in range(start, start + count):
        body = f"29{n:010d}"
        gtin = body + str(gtin_check_digit(body))
        rows.append((gtin, f"商品{n}号", f"Product {n}", 100 + n % 5000))
    return rows


def _file(rows) -> bytes:
    lines = [
        f"{gtin},{name_zh},{name_en},,,,,{price_fen / 100:.2f},yes\n"
        for gtin, name_zh, name_en, price_fen in rows
    ]
    return (HEADER + "".join(lines)).encode("utf-8")


def _measure(work) -> dict:
    from django.db import connection

    # Counted as they run: Django's own query log keeps only the last 9,000.
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        work()
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 3), "queries": len(executed)}


def measure(count: int) -> dict:
    from django.test.utils import override_settings

    from groupbuy.catalog.models import Listing
    from groupbuy.catalog.services import (
        catalogue_import_confirm,
        catalogue_import_upload,
        listing_create,
        product_create,
    )

    def import_file(owner, merchant, data):
        upload = catalogue_import_upload(actor=owner, merchant=merchant, data=data)
        catalogue_import_confirm(actor=owner, catalogue_import=upload)

    owner, merchant = _shop(1)
    data = _file(_rows(count, 0))
    with override_settings(GROUPBUY_CATALOG_IMPORT_JOB_ROWS=count):
        imported = _measure(lambda: import_file(owner, merchant, data))
        again = _measure(lambda: import_file(owner, merchant, data))
    assert Listing.objects.filter(merchant=merchant).count() == count

    owner_2, merchant_2 = _shop(2)

    def one_by_one():
        for gtin, name_zh, name_en, price_fen in _rows(count, count):
            product = product_create(
                actor=owner_2,
                merchant=merchant_2,
                gtin=gtin,
                name_zh=name_zh,
                name_en=name_en,
            )
            listing_create(
                actor=owner_2, merchant=merchant_2, product=product, price_fen=price_fen
            )

    baseline = _measure(one_by_one)
    return {"import": imported, "import_again": again, "one_by_one": baseline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 rows")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.rows or (200 if args.quick else 2000)
    with tempfile.TemporaryDirectory(prefix="groupbuy-catalog-import-") as data_dir:
        setup_django(data_dir)
        results = measure(count)
    for name, figures in results.items():
        print(
            f"{name:>13}: {figures['seconds']:8.3f} s {figures['queries']:6d} queries"
        )
    speedup = results["one_by_one"]["seconds"] / max(results["import"]["seconds"], 1e-9)
    print(json.dumps({"rows": count, **results, "speedup": round(speedup, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
