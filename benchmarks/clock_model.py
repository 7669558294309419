"""The clock estimators on a modelled network, without sockets or event loops.

    .venv/bin/python benchmarks/clock_model.py [--quick] [--clients N] [--seed S]

The same paths as benchmarks/clock_sync.py (5 ms each way, uniform jitter per
direction of 0, 10 or 50 ms; 5 up / 25 down and 40 up / 5 down with 2 ms of
jitter; offsets ±5 s, drift ±100 ppm) and the protocol's real schedule (the
adaptive one of groupbuy/clock/sync.py: a burst of 8 to 64 back to back, then a
probe when probe_due says so; 300 s), but the delays are drawn, not suffered:
what is left is the arithmetic's and the schedule's own error. It separates the
algorithm from the measurement: clock_sync.py's figures also count the loaded
machine's scheduling delays as network delay. Deterministic for a --seed:
choose parameters on one seed, report on another.

For each path: p50/p95 of |estimated − true server time| read every 100 ms
after the connect burst, for the estimator in use (lines through every probe's
interval, one shared drift), the previous one (each interval widened on its
own, same probes), the estimator in use with client clocks that do not drift
at all, and the estimator in use on DESIGN.md's fixed schedule (a burst of 8,
a probe every 30 s); and the probes a client sent a minute (in all, and over
the last 2 minutes). Loss and stalls are left out. Last line: JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from groupbuy.clock.sync import (
    BURST_PROBES,
    PROBE_INTERVAL_MS,
    SyncWindow,
    best_sample,
    burst_done,
    probe_due,
    sample_from,
)

JITTERS_MS = (0, 10, 50)
ASYMMETRIC = ((5.0, 25.0), (40.0, 5.0))  # up, down; 2 ms of jitter each way
BASE_MS = 5.0
SERVER_MS = 0.05
READ_EVERY_MS = 100.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_client(rng, *, path, duration_s, drift, adaptive=True):
    """One client's errors per estimator, read every 100 ms after its connect
    burst, and how many probes it sent (in all, and in the last two minutes)."""
    offset = rng.uniform(-5_000, 5_000)

    def local(true_ms: float) -> float:
        return true_ms + offset + drift * true_ms

    windows = {
        "protocol": SyncWindow(),
        "previous": SyncWindow(shared_drift=False),
    }
    schedule = windows["protocol"]
    sent_at: list[float] = []

    def probe(at_ms: float):
        sent_at.append(at_ms)
        up_ms, down_ms, jitter_ms = path
        up = up_ms + rng.uniform(0, jitter_ms)
        down = down_ms + rng.uniform(0, jitter_ms)
        t1 = at_ms + up
        t2 = t1 + SERVER_MS
        return sample_from(local(at_ms), t1, t2, local(t2 + down)), t2 + down

    # The connect burst: each probe sent when the previous reply arrives.
    now = 0.0
    burst = []
    while True:
        sample, now = probe(now)
        burst.append(sample)
        for window in windows.values():
            window.add_probe(sample)
        if not adaptive and len(burst) == BURST_PROBES:
            break
        if adaptive and burst_done(schedule, burst, sent=len(burst)):
            break
    for window in windows.values():
        window.add_round(best_sample(burst))
    errors = {name: [] for name in windows}
    outside_bound = 0  # readings of the estimator in use beyond its stated bound
    last_probe = now
    end = now + duration_s * 1000
    while now < end:
        now += READ_EVERY_MS
        if adaptive:
            due = probe_due(schedule, local(now), local(last_probe))
        else:
            due = now - last_probe >= PROBE_INTERVAL_MS
        if due:
            sample, _arrived = probe(now)
            last_probe = now
            for window in windows.values():
                window.add(sample)
        for name, window in windows.items():
            errors[name].append(abs(window.server_ms(local(now)) - now))
        bound = schedule.error_bound_ms(local(now))
        outside_bound += errors["protocol"][-1] > bound + 1e-6
    steady = [at for at in sent_at if at >= end - 120_000]
    return errors, {
        "probes": len(sent_at),
        "burst": len(burst),
        "steady_per_min": len(steady) / 2,
        "outside_bound": outside_bound,
    }


ESTIMATORS = ("protocol", "previous", "no_drift", "fixed_schedule")


def run_path(path, args) -> dict:
    pooled = {name: [] for name in ESTIMATORS}
    counts = []
    up_ms, down_ms, jitter_ms = path
    for index in range(args.clients):
        seed = args.seed * 1_000_000 + jitter_ms * 10_000 + index
        seed += 0 if up_ms == down_ms else int(up_ms * 100_000)
        drift = random.Random(seed).uniform(-100e-6, 100e-6)
        common = {"path": path, "duration_s": args.duration}
        errors, count = run_client(random.Random(seed), drift=drift, **common)
        counts.append(count)
        for name, values in errors.items():
            pooled[name] += values
        errors, _ = run_client(random.Random(seed), drift=0.0, **common)
        pooled["no_drift"] += errors["protocol"]
        errors, _ = run_client(
            random.Random(seed), drift=drift, adaptive=False, **common
        )
        pooled["fixed_schedule"] += errors["protocol"]
    minutes = args.duration / 60
    probes = {
        "per_client_per_min": round(
            sum(c["probes"] for c in counts) / len(counts) / minutes, 2
        ),
        "steady_per_client_per_min": round(
            sum(c["steady_per_min"] for c in counts) / len(counts), 2
        ),
        "burst_mean": round(sum(c["burst"] for c in counts) / len(counts), 1),
        "readings_outside_bound": sum(c["outside_bound"] for c in counts),
    }
    return {
        name: {
            "p50_ms": round(percentile(values, 0.5), 3),
            "p95_ms": round(percentile(values, 0.95), 3),
        }
        for name, values in pooled.items()
    } | {"errors": pooled, "probes": probes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument(
        "--seed", type=int, default=0, help="seed family (tune on one, report another)"
    )
    args = parser.parse_args()
    args.clients = args.clients or (4 if args.quick else 30)
    args.duration = args.duration or (120 if args.quick else 300)
    print(
        f"{args.clients} clients per path, {args.duration:g} s, seed {args.seed}; "
        f"base {BASE_MS:g} ms each way; adaptive schedule (fixed_schedule: a burst "
        f"of {BURST_PROBES}, a probe every {PROBE_INTERVAL_MS / 1000:g} s)"
    )
    summary = {
        "clients_per_path": args.clients,
        "duration_s": args.duration,
        "seed": args.seed,
    }
    pooled = {name: [] for name in ESTIMATORS}
    paths = [(BASE_MS, BASE_MS, jitter) for jitter in JITTERS_MS]
    paths += [(up, down, 2.0) for up, down in ASYMMETRIC]
    for path in paths:
        up_ms, down_ms, jitter = path
        result = run_path(path, args)
        half = abs(up_ms - down_ms) / 2
        if half:
            name = f"{up_ms:g} up / {down_ms:g} down"
        else:
            name = f"jitter 0-{jitter:g} ms"
            for estimator in pooled:
                pooled[estimator] += result["errors"][estimator]
        probes = result["probes"]
        print(
            f"{name:18}: "
            + " | ".join(
                f"{estimator} p50 {result[estimator]['p50_ms']:5.2f} p95 "
                f"{result[estimator]['p95_ms']:5.2f}"
                for estimator in pooled
            )
            + f" ms | burst {probes['burst_mean']:g}, probes/min "
            f"{probes['per_client_per_min']:g} (last 2 min "
            f"{probes['steady_per_client_per_min']:g}), outside bound "
            f"{probes['readings_outside_bound']}"
            + (
                f" | p95/half-asymmetry {result['protocol']['p95_ms'] / half:.3f}"
                if half
                else ""
            )
        )
        summary[name] = {estimator: result[estimator] for estimator in pooled} | {
            "probes": probes
        }
        if half:
            summary[name]["ratio_p95"] = round(result["protocol"]["p95_ms"] / half, 3)
    for name, values in pooled.items():
        summary[f"p95_ms_symmetric_{name}"] = round(percentile(values, 0.95), 3)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
