"""The clock estimators on a modelled network, without sockets or event loops.

    .venv/bin/python benchmarks/clock_model.py [--quick] [--clients N]

The same paths as benchmarks/clock_sync.py (5 ms each way, uniform jitter per
direction of 0, 10 or 50 ms; offsets ±5 s, drift ±100 ppm) and the protocol's
real schedule (a burst of 8 on connect, a probe every 30 s, 300 s), but the
delays are drawn, not suffered: what is left is the arithmetic's own error. It
separates the algorithm from the measurement: clock_sync.py's figures also
count the loaded machine's scheduling delays as network delay.

For each path: p50/p95 of |estimated − true server time| read every 100 ms, for
the estimator in use (lines through every probe's interval, one shared drift),
the previous one (each interval widened on its own), and the estimator in use
with client clocks that do not drift at all (near the floor of this schedule:
what the jitter alone leaves).
Loss and stalls are left out. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from groupbuy.clock.sync import SyncWindow, best_sample, sample_from

JITTERS_MS = (0, 10, 50)
BASE_MS = 5.0
SERVER_MS = 0.05
READ_EVERY_MS = 100.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_client(rng, *, jitter_ms, duration_s, interval_s, drift):
    offset = rng.uniform(-5_000, 5_000)

    def local(true_ms: float) -> float:
        return true_ms + offset + drift * true_ms

    windows = {
        "protocol": SyncWindow(),
        "previous": SyncWindow(shared_drift=False),
    }

    def probe(at_ms: float):
        up = BASE_MS + rng.uniform(0, jitter_ms)
        down = BASE_MS + rng.uniform(0, jitter_ms)
        t1 = at_ms + up
        t2 = t1 + SERVER_MS
        return sample_from(local(at_ms), t1, t2, local(t2 + down)), t2 + down

    now = 0.0
    burst = []
    for _ in range(8):
        sample, now = probe(now)
        burst.append(sample)
    for window in windows.values():
        window.add(best_sample(burst), probes=burst)
    errors = {name: [] for name in windows}
    next_probe = now + interval_s * 1000
    end = now + duration_s * 1000
    while now < end:
        now += READ_EVERY_MS
        if now >= next_probe:
            sample, _arrived = probe(now)
            for window in windows.values():
                window.add(sample)
            next_probe += interval_s * 1000
        for name, window in windows.items():
            errors[name].append(abs(window.server_ms(local(now)) - now))
    return errors


def run_path(jitter_ms, args) -> dict:
    pooled = {"protocol": [], "previous": [], "no_drift": []}
    for index in range(args.clients):
        seed = jitter_ms * 10_000 + index
        drift = random.Random(seed).uniform(-100e-6, 100e-6)
        for name, values in run_client(
            random.Random(seed),
            jitter_ms=jitter_ms,
            duration_s=args.duration,
            interval_s=args.probe_interval,
            drift=drift,
        ).items():
            pooled[name] += values
        pooled["no_drift"] += run_client(
            random.Random(seed),
            jitter_ms=jitter_ms,
            duration_s=args.duration,
            interval_s=args.probe_interval,
            drift=0.0,
        )["protocol"]
    return {
        name: {
            "p50_ms": round(percentile(values, 0.5), 3),
            "p95_ms": round(percentile(values, 0.95), 3),
        }
        for name, values in pooled.items()
    } | {"errors": pooled}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--clients", type=int, default=None)
    args = parser.parse_args()
    args.clients = args.clients or (4 if args.quick else 30)
    args.duration = 120 if args.quick else 300
    args.probe_interval = 30
    print(
        f"{args.clients} clients per path, {args.duration} s, a probe every "
        f"{args.probe_interval} s after a burst of 8; base {BASE_MS:g} ms each way"
    )
    summary = {"clients_per_path": args.clients, "duration_s": args.duration}
    pooled = {"protocol": [], "previous": [], "no_drift": []}
    for jitter in JITTERS_MS:
        result = run_path(jitter, args)
        for name in pooled:
            pooled[name] += result["errors"][name]
        print(
            f"jitter 0-{jitter:2} ms: "
            + " | ".join(
                f"{name} p50 {result[name]['p50_ms']:6.2f} p95 "
                f"{result[name]['p95_ms']:6.2f} ms"
                for name in pooled
            )
        )
        summary[f"jitter_{jitter}"] = {name: result[name] for name in pooled}
    for name, values in pooled.items():
        summary[f"p95_ms_symmetric_{name}"] = round(percentile(values, 0.95), 3)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
