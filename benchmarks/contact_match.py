"""Import and match an address book against the members, by keyed hashes.

    .venv/bin/python benchmarks/contact_match.py [--quick]
        [--members 100000] [--entries 5000]

Creates a throw-away SQLite installation, migrates it, adds ``members`` members
(bulk inserted, no password hashing) and writes a vCard of ``entries`` contacts,
half of them members. Then, in the same run:

1. baseline: a plain in-memory set lookup of the same normalised numbers in a
   Python set of the members' numbers (what matching would cost with raw
   numbers in memory and no database);
2. cold: ``vcard_parse`` + ``contact_book_import`` the first time, which also
   hashes every member's number into ``MemberPhoneHash``;
3. warm: the same import again (the member hashes exist; this is the cost a
   person sees).

Last line: one JSON object with ``seconds`` (warm import and match) and
``ratio`` (warm seconds / baseline seconds).
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


def setup_django(data_dir: str) -> None:
    os.environ["GROUPBUY_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def add_members(count: int) -> list[str]:
    from groupbuy.accounts.models import User

    phones = [f"+86137{index:08d}" for index in range(count)]
    User.objects.bulk_create(
        (User(phone=phone, password="!") for phone in phones), batch_size=5000
    )
    return phones


def vcard(entries: int, member_phones: list[str]) -> bytes:
    cards = []
    for index in range(entries):
        if index % 2 == 0:
            phone = member_phones[(index * 7919) % len(member_phones)]
            shown = f"{phone[3:6]} {phone[6:10]} {phone[10:]}"
        else:
            shown = f"139 {index:04d} {index % 10000:04d}"
        cards.append(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Contact {index}\r\n"
            f"TEL;TYPE=CELL:{shown}\r\nEND:VCARD\r\n"
        )
    return "".join(cards).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=5_000)
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.entries = 20_000, 1_000
    with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
        setup_django(data_dir)
        from groupbuy.accounts.models import User
        from groupbuy.sharing.contacts import vcard_parse
        from groupbuy.sharing.services import contact_book_import

        started = time.perf_counter()
        member_phones = add_members(args.members)
        print(f"members: {args.members} added in {time.perf_counter() - started:.1f} s")
        data = vcard(args.entries, member_phones)
        owner = User.objects.create(phone="+8613600000000", password="!")

        contacts = vcard_parse(data)
        numbers = [contact.address for contact in contacts]
        member_set = set(member_phones)
        started = time.perf_counter()
        baseline_found = sum(1 for number in numbers if number in member_set)
        baseline = time.perf_counter() - started

        def import_once() -> tuple[float, int]:
            began = time.perf_counter()
            book = contact_book_import(
                actor=owner, contacts=vcard_parse(data), source="vcard"
            )
            elapsed = time.perf_counter() - began
            return elapsed, book.entries.filter(member__isnull=False).count()

        cold, cold_found = import_once()
        warm, warm_found = import_once()
        assert cold_found == warm_found == baseline_found, (
            cold_found,
            warm_found,
            baseline_found,
        )
        print(f"vCard: {args.entries} entries, {len(data) / 1e6:.2f} MB")
        print(
            f"baseline set lookup: {baseline * 1000:.3f} ms, {baseline_found} members"
        )
        print(f"cold import + match (hashes every member): {cold:.2f} s")
        print(f"warm import + match: {warm:.2f} s, {warm_found} members")
        result = {
            "members": args.members,
            "entries": args.entries,
            "matched": warm_found,
            "seconds": round(warm, 3),
            "cold_seconds": round(cold, 3),
            "baseline_seconds": round(baseline, 6),
            "ratio": round(warm / baseline, 1) if baseline else None,
        }
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
