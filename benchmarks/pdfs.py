"""CPU per printable coupon and per settlement statement (fpdf2 + Noto CJK).

    .venv/bin/python benchmarks/pdfs.py [--quick] [--rounds N] [--profile]

In one process on a fresh SQLite database (a copy of a migrated one): a shop
with two branches whose deal sold three coupons, two of them redeemed, so the
statement lists two redemptions and the coupon still shows its QR code. In
Chinese (``zh-hans``), as a Chinese reader prints them. Each round makes the
coupon and the statement PDF twice, in turn:

- ``old``: ``pdf.add_font`` for every document, as until 2026-12-07 (fpdf2
  parses the whole .ttc face: the baseline, measured in the same run);
- ``parsed_once``: the whole face, parsed once per process (the first half
  of ``groupbuy.coupons.pdf_fonts``);
- ``new``: the face's common characters, cut out once into the data
  directory and parsed once per process (what the PDFs do now).

CPU time of this process (``time.process_time``) per PDF, median and best of
``--rounds`` (``--quick``: 3, default 25); each way's first PDF (``new``'s
cuts the common characters out of the face: the data directory is new) is
reported apart. ``--profile``: cProfile of one coupon
and one statement PDF each way: the phases (the font's parse, its subsetting),
then the 25 costliest functions by own time.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SETTINGS = "groupbuy.settings_test"


def setup_django(data_dir: str) -> None:
    # The test settings: the sandbox pays for the seeded orders, jobs run inline.
    from tests.support.servers import copy_migrated_sqlite

    copy_migrated_sqlite(Path(data_dir), settings=SETTINGS)
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    import logging

    logging.disable(logging.INFO)


def seed():
    """A coupon with its code still to show, and a statement of two
    redemptions: what a shopper and a shop owner print."""
    from groupbuy.coupons.services import coupon_redeem_online
    from groupbuy.coupons.statements import statement_for, statement_period
    from groupbuy.coupons.tests.factories import (
        confirmed_orders,
        coupon_for,
        make_branch,
        make_station,
    )

    station = make_station(name="海南鲜果超市")
    orders = confirmed_orders(station.merchant, quantities=(1, 2, 3))
    for order in orders[:2]:
        coupon = coupon_for(order)
        coupon_redeem_online(
            actor=station.owner,
            merchant=station.merchant,
            code=coupon.code,
            quantity=coupon.quantity,
        )
    # Branches after the redemptions: with two, a redemption must name one.
    branches = [
        make_branch(station.merchant, name="人民路店"),
        make_branch(station.merchant, name="滨海大道店"),
    ]
    start, end = statement_period(None, None)
    statement = statement_for(merchant=station.merchant, start=start, end=end)
    return coupon_for(orders[2]), branches, statement


def old_add_font(pdf, *, family, path, collection_font_number=0):
    """The path before: fpdf2 parses the font for every document."""
    pdf.add_font(family, fname=path, collection_font_number=collection_font_number)


def ways():
    """How each way gets its font: (the face, how a font is added)."""
    from groupbuy.coupons import pdf_fonts

    def whole_face(path, number):
        return pdf_fonts.CjkFace(path, number, common=None)

    return {
        "new": (pdf_fonts.cjk_face, pdf_fonts.add_shared_font),
        "parsed_once": (whole_face, pdf_fonts.add_shared_font),
        "old": (whole_face, old_add_font),
    }


def use(way) -> None:
    from groupbuy.coupons import pdf_fonts

    pdf_fonts.cjk_face, pdf_fonts.add_shared_font = way


def makers(coupon, branches, statement):
    from groupbuy.coupons import pdfs

    return {
        "coupon": lambda: pdfs.coupon_pdf(coupon, branches=branches),
        "statement": lambda: pdfs.statement_pdf(statement),
    }


def cpu_ms(make) -> tuple[float, bytes]:
    started = time.process_time()
    pdf = make()
    return (time.process_time() - started) * 1000, pdf


def run(rounds: int, documents, ways) -> tuple[dict, dict]:
    """CPU ms per PDF of each document made each way, alternating so a change
    in the machine's load falls on both; and the first PDF of each way."""
    samples = {(d, w): [] for d in documents for w in ways}
    first = {}
    for index in range(rounds):
        for document, make in documents.items():
            for way, how in ways.items():
                use(how)
                spent, pdf = cpu_ms(make)
                assert pdf.startswith(b"%PDF")
                if index == 0 and way not in first:
                    first[way] = round(spent, 1)
                else:
                    samples[document, way].append(spent)
    return samples, first


def profile(documents, ways) -> None:
    for way, how in ways.items():
        use(how)
        for document, make in documents.items():
            make()  # the parse once per process is not what this profiles
            profiler = cProfile.Profile()
            profiler.enable()
            make()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            # The phases: the whole PDF, fpdf2's font parse (add_font), its
            # fonts written at output, fontTools' subsetting among them.
            phases = (
                r"(pdfs.py.*_pdf\)|add_font|_add_fonts|subset/__init__.*\(subset\))"
            )
            stats.sort_stats("cumulative").print_stats(phases)
            stats.sort_stats("tottime").print_stats(25)
            print(f"--- {document} PDF, {way} ---")
            print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    rounds = args.rounds or (3 if args.quick else 25)
    with tempfile.TemporaryDirectory(prefix="groupbuy-pdfs-") as data_dir:
        setup_django(data_dir)
        from django.utils import translation

        from groupbuy.coupons import pdfs

        if pdfs.cjk_font() is None:
            sys.exit("no CJK font: the PDFs would be in Helvetica, nothing to measure")
        with translation.override("zh-hans"):
            documents = makers(*seed())
            chosen = ways()  # before use() replaces what it reads
            samples, first = run(rounds, documents, chosen)
            if args.profile:
                profile(documents, chosen)
    figures = {
        "rounds": rounds,
        **{f"first_{w}_pdf_cpu_ms": ms for w, ms in first.items()},
    }
    for (document, way), spent in sorted(samples.items()):
        median, best = statistics.median(spent), min(spent)
        figures[f"{document}_{way}_cpu_ms"] = round(median, 1)
        figures[f"{document}_{way}_best_cpu_ms"] = round(best, 1)
        print(f"{document:9} {way}: median {median:6.1f} ms, best {best:6.1f} ms CPU")
    for document in documents:
        figures[f"{document}_ratio"] = round(
            figures[f"{document}_new_cpu_ms"] / figures[f"{document}_old_cpu_ms"], 2
        )
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
