"""CPU a new groupbuy process spends starting, and on its first request. One run.

    .venv/bin/python benchmarks/startup.py [--quick] [--rounds R] [--path /]
        [--old-tree DIR]

Start-up is paid per process (every server, worker, management command and
test subprocess), so each round starts new Python processes, in a throw-away
data dir holding a migrated SQLite database (a copy of the one the tests
share: tests.support.servers). Two variants alternate, so a busy neighbour
hits both alike:

- now: the code as it is;
- before (the baseline): the same code in a process that first imports what
  the start-up path imported until 2026-12-07 and no longer does: OpenCV,
  numpy, rapidfuzz, zxing-cpp, httpx, vobject, py_vapid, segno, the snap
  recognition modules, and the coupons' Base45 table built as it was (65,536
  Python calls).

``--old-tree DIR`` adds a third variant, ``old_tree``: the same steps in a
checkout of older code (``git archive <commit> | tar -x -C DIR``), to check
that the baseline stands for it.

Each process reads its own CPU time (``time.process_time``: user + system,
which a busy neighbour inflates far less than wall-clock time) after each
step: the interpreter (``python``), ``django.setup()`` (``setup``), the
URLconf with the API's routers (``urlconf``), the ASGI application
(``asgi``), its first request (``first_response``: GET ``--path`` through the
ASGI app, no network) and a second one (``second_response``). Every figure is
CPU seconds from the process's start. The groupbuy modules are compiled to
bytecode first, as ``make bytecode`` does (where Python may not write it, each
process would compile them again).

Last line: one JSON object: per variant the median over rounds of each step,
and ``saved_*``: before less now, to the URLconf and to the first response.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

STEPS = ("python", "setup", "urlconf", "asgi", "first_response", "second_response")

# What the start-up path imported until 2026-12-07 and no longer does (the
# modules a process holds after django.setup(), the URLconf, the ASGI app and
# GET / on 9d167d64, less those it holds now).
IMPORTED_AT_START_BEFORE = (
    "cv2",
    "numpy",
    "rapidfuzz",
    "zxingcpp",
    "httpx",
    "vobject.base",
    "py_vapid",
    "segno",
    "cryptography.hazmat.primitives.serialization",
    "groupbuy.snap.recognition.barcode",
    "groupbuy.snap.recognition.classifier",
    "groupbuy.snap.recognition.deblur",
    "groupbuy.snap.recognition.reference_index",
    "groupbuy.snap.recognition.shortlist",
    "groupbuy.snap.recognition.text_match",
)

# Run with ``python -c``, so the driver's own imports are not counted.
CHILD = """
import time
marks = {"python": time.process_time()}
import asyncio, importlib, json, sys
if sys.argv[1]:
    for name in sys.argv[1].split(","):
        importlib.import_module(name)
    from groupbuy.coupons import base45_tables
    [base45_tables._triple(value) for value in range(65_536)]
import django
django.setup()
marks["setup"] = time.process_time()
from django.urls import get_resolver
get_resolver().url_patterns
marks["urlconf"] = time.process_time()
from groupbuy.asgi import application
marks["asgi"] = time.process_time()


async def get(path):
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path,
        "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80),
    }
    sent, done, asked = [], asyncio.Event(), []

    async def receive():
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await application(scope, receive, send)
    return sent[0]["status"]


statuses = [asyncio.run(get(sys.argv[2]))]
marks["first_response"] = time.process_time()
statuses.append(asyncio.run(get(sys.argv[2])))
marks["second_response"] = time.process_time()
print(json.dumps({"marks": marks, "statuses": statuses}))
"""


def child_environment(data_dir: Path, tree: Path) -> dict[str, str]:
    environment = {
        **os.environ,
        "GROUPBUY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
        "PYTHONPATH": str(tree),
        "DEBUG": "0",
        "GROUPBUY_DEMO_MODE": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    for key in ("DATABASE_URL", "REDIS_URL", "GROUPBUY_HUEY_IMMEDIATE"):
        environment.pop(key, None)
    return environment


def start_once(*, data_dir: Path, tree: Path, preimport: str, path: str) -> dict:
    """CPU seconds from a new process's start to the end of each step."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, preimport, path],
        env=child_environment(data_dir, tree),
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the measured process failed:\n{result.stderr}")
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    if answer["statuses"] != [200, 200]:
        raise RuntimeError(f"GET {path} answered {answer['statuses']}")
    return answer["marks"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--rounds", type=int, default=0)
    parser.add_argument("--path", default="/", help="the first request's path")
    parser.add_argument("--old-tree", type=Path, help="a checkout of older code")
    args = parser.parse_args()
    rounds = args.rounds or (2 if args.quick else 10)
    from tests.support.servers import copy_migrated_sqlite

    variants = {
        "now": (REPO, ""),
        "before": (REPO, ",".join(IMPORTED_AT_START_BEFORE)),
    }
    if args.old_tree:
        variants["old_tree"] = (args.old_tree.resolve(), "")
    for tree, _preimport in set(variants.values()):
        compileall.compile_dir(tree / "groupbuy", quiet=1)
    marks: dict[str, list[dict]] = {name: [] for name in variants}
    with tempfile.TemporaryDirectory(prefix="groupbuy-bench-") as data_dir:
        copy_migrated_sqlite(Path(data_dir))
        for round_number in range(rounds):
            # Alternate which goes first, so neither always starts on a warmer cache.
            order = list(variants.items())
            if round_number % 2:
                order.reverse()
            for name, (tree, preimport) in order:
                marks[name].append(
                    start_once(
                        data_dir=Path(data_dir),
                        tree=tree,
                        preimport=preimport,
                        path=args.path,
                    )
                )
    medians = {
        name: {
            step: round(statistics.median(m[step] for m in runs), 3) for step in STEPS
        }
        for name, runs in marks.items()
    }
    for name, steps in medians.items():
        print(f"{name:>8}: " + ", ".join(f"{step} {steps[step]:.3f}" for step in STEPS))
    report = {
        "benchmark": "startup",
        "path": args.path,
        "rounds": rounds,
        "cpu_seconds": medians,
        "saved_to_urlconf_s": round(
            medians["before"]["urlconf"] - medians["now"]["urlconf"], 3
        ),
        "saved_to_first_response_s": round(
            medians["before"]["first_response"] - medians["now"]["first_response"], 3
        ),
        "quick": args.quick,
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
