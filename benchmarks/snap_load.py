"""40 shoppers snap at once against one server process: memory, latency, 503s.

    .venv/bin/python benchmarks/snap_load.py            # camera-size photos
    .venv/bin/python benchmarks/snap_load.py --quick    # snap-page size, < 30 s

Starts a throw-away installation (SQLite in a temporary data directory,
migrated, one open deal seeded through the services as ``tests/support`` does)
and one ``groupbuy serve`` process on a free port, with the snap rate limits
off so only the recognition bound decides. Then, from this process:

1. baseline: one snap alone (after one warm-up snap that loads the models),
   its latency and the server's resident memory (RSS) afterwards;
2. load: ``--parallel`` snaps (default 40) sent together, half a barcode label
   (the fast path), half a photo with nothing to find (OCR and appearance: the
   slow path), while a thread samples the server's RSS every 20 ms. ``--quick``
   sends 1024 × 768 barcode photos only, so no OCR model loads.

Prints peak RSS, p50/p95 latency of the answered snaps, and how many got 503
(with ``Retry-After``) because the recognition queue was full; the last line
is one JSON object. Recognition slots and queue length come from the server's
settings (``GROUPBUY_SNAP_RECOGNITION_*``) and can be set with ``--slots`` and
``--queue``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.servers import Deployment, free_port  # noqa: E402

GTIN = "6901234567892"


def rss_bytes(pid: int) -> int:
    """Return the resident memory of ``pid`` and its children, in bytes."""
    total = 0
    for process in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in _children(child)]


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval_s = pid, interval_s
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid))
            time.sleep(self.interval_s)


def make_photos(size: tuple[int, int]) -> dict[str, bytes]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    from groupbuy.snap.tests.helpers import barcode_jpeg, blank_jpeg

    return {
        "barcode": barcode_jpeg(GTIN, size=size, seed=1),
        "nothing": blank_jpeg(size=size, seed=2),
    }


def snap(client: httpx.Client, photo: bytes) -> tuple[int, float, str]:
    """POST one photo; status 0 when the connection failed (server gone)."""
    started = time.perf_counter()
    try:
        response = client.post(
            "/api/snap", files={"photo": ("p.jpg", photo, "image/jpeg")}
        )
    except httpx.HTTPError:
        return 0, time.perf_counter() - started, ""
    elapsed = time.perf_counter() - started
    return response.status_code, elapsed, response.headers.get("retry-after", "")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_parallel(base_url: str, photos: list[bytes]) -> list[tuple[int, float, str]]:
    results: list = [None] * len(photos)
    barrier = threading.Barrier(len(photos))

    def one(index: int) -> None:
        with httpx.Client(base_url=base_url, timeout=120) as client:
            barrier.wait()
            results[index] = snap(client, photos[index])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(photos))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small photos, < 30 s")
    parser.add_argument("--parallel", type=int, default=40)
    parser.add_argument("--slots", type=int, help="GROUPBUY_SNAP_RECOGNITION_SLOTS")
    parser.add_argument("--queue", type=int, help="GROUPBUY_SNAP_RECOGNITION_QUEUE")
    parser.add_argument(
        "--malloc-arena-max", type=int, help="MALLOC_ARENA_MAX of the server"
    )
    args = parser.parse_args()
    size = (1024, 768) if args.quick else (4000, 3000)
    env = {
        "GROUPBUY_SNAP_SNAPS_PER_MINUTE": "0",
        "GROUPBUY_SNAP_ANONYMOUS_SNAPS_PER_MINUTE": "0",
    }
    if args.slots is not None:
        env["GROUPBUY_SNAP_RECOGNITION_SLOTS"] = str(args.slots)
    if args.queue is not None:
        env["GROUPBUY_SNAP_RECOGNITION_QUEUE"] = str(args.queue)
    if args.malloc_arena_max is not None:
        env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)

    began = time.perf_counter()
    photos = make_photos(size)
    # Quick: the barcode path only (no OCR model to load); full: half each.
    kinds = ["barcode"] if args.quick else ["barcode", "nothing"]
    data_dir = tempfile.TemporaryDirectory(prefix="groupbuy-snap-load-")
    deployment = Deployment(Path(data_dir.name), extra_env=env)
    try:
        # One Django start for both: migrate, then seed through the services.
        deployment.run_python(
            "from django.core.management import call_command\n"
            "call_command('migrate', verbosity=0)\n"
            "from tests.support.seeding import seed_open_deal\n"
            f"seed_open_deal(gtin='{GTIN}', tiers=[(2, 1500)], stock=50)\n"
        )
        print(f"set up in {time.perf_counter() - began:.1f} s", flush=True)
        port = free_port()
        base_url = deployment.serve(port, with_worker=False)
        server = deployment.processes[-1]
        with httpx.Client(base_url=base_url, timeout=120) as client:
            snap(client, photos[kinds[-1]])  # warm-up: models and indexes load
            idle_rss = rss_bytes(server.pid)
            baseline_status, baseline_s, _ = snap(client, photos[kinds[-1]])
            baseline_rss = rss_bytes(server.pid)
        print(f"warmed up at {time.perf_counter() - began:.1f} s", flush=True)
        kinds = kinds * args.parallel
        batch = [photos[kind] for kind in kinds[: args.parallel]]
        sampler = RssSampler(server.pid)
        sampler.start()
        load_started = time.perf_counter()
        results = run_parallel(base_url, batch)
        load_s = time.perf_counter() - load_started
        sampler.stopped.set()
        sampler.join()
        server_alive = server.poll() is None
    finally:
        deployment.stop()
        data_dir.cleanup()

    answered = [elapsed for status, elapsed, _ in results if status == 200]
    busy = [r for r in results if r[0] == 503]
    other = sorted({status for status, _, _ in results if status not in (200, 503)})
    summary = {
        "benchmark": "snap_load",
        "quick": args.quick,
        "photo_size": f"{size[0]}x{size[1]}",
        "photos": sorted(set(kinds)),
        "photo_kb": {kind: len(photos[kind]) // 1024 for kind in sorted(set(kinds))},
        "parallel": args.parallel,
        "baseline_status": baseline_status,
        "baseline_latency_ms": round(baseline_s * 1000),
        "idle_rss_mb": round(idle_rss / 2**20),
        "baseline_rss_mb": round(baseline_rss / 2**20),
        "peak_rss_mb": round(sampler.peak / 2**20),
        "answered": len(answered),
        "busy_503": len(busy),
        "retry_after": sorted({r[2] for r in busy}),
        "other_statuses": other,
        "connection_failures": sum(1 for r in results if r[0] == 0),
        "server_alive": server_alive,
        "settings": {key: env[key] for key in sorted(env) if "PER_MINUTE" not in key},
        "p50_ms": round(percentile(answered, 0.5) * 1000),
        "p95_ms": round(percentile(answered, 0.95) * 1000),
        "mean_ms": round(statistics.fmean(answered) * 1000) if answered else None,
        "load_seconds": round(load_s, 1),
        "total_seconds": round(time.perf_counter() - began, 1),
    }
    print(
        f"baseline: one snap {summary['baseline_latency_ms']} ms, "
        f"RSS {summary['baseline_rss_mb']} MB (idle {summary['idle_rss_mb']} MB)"
    )
    print(
        f"{args.parallel} parallel: peak RSS {summary['peak_rss_mb']} MB, "
        f"{len(answered)} answered (p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms), {len(busy)} got 503"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
