"""How close simulated clients get to the server's clock, through a delay proxy.

    .venv/bin/python benchmarks/clock_sync.py [--quick] [--clients N]
        [--duration S] [--probe-interval S] [--drift-span S]

Starts the real server (``uvicorn groupbuy.asgi:application``) and, per
scenario, a loopback delay proxy (benchmarks/support/delay_proxy.py) with its own
per-direction base latency, jitter, loss and stalls. Each simulated client has a
clock off by up to ±5 s and drifting by up to ±100 ppm, and runs the clock
protocol (groupbuy.clock.client: a burst of 8 to 64 probes back to back on
connect, the lowest round trip kept, then a probe whenever the stated bound
has widened, at most one a second, at least one every 30 s). Every 100 ms
after its first sync each client notes
|estimated server time − true server time| (the true server clock is this
machine's clock, which the server reads too), and the same for a naive client
that trusts the first reply (server time = t2 when it arrives), and for the
estimator used before the shared-drift lines (each probe's interval widened on
its own by any plausible drift), all from the same probes in the same run.

``--quick`` runs the real schedule for 15 s only (the burst and the first
periodic probes; the fallback's least-squares drift over 6 s instead of 2
minutes). Prints p50/p95/p99 per scenario; for asymmetric paths also as a ratio
to half the asymmetry (the bound no two-way protocol can beat), and the probes
each client sent a minute (in all, and over the last 2 minutes of a full run).
Last line: JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from support.delay_proxy import Path as NetPath  # noqa: E402
from support.delay_proxy import proxy_port, start_proxy  # noqa: E402

from groupbuy.clock.client import ClockClient  # noqa: E402
from tests.support.servers import free_port, wait_for_port  # noqa: E402


@dataclass(frozen=True)
class Scenario:
    name: str
    up: NetPath
    down: NetPath

    @property
    def half_asymmetry_ms(self) -> float:
        return abs(self.up.base_ms - self.down.base_ms) / 2

    @property
    def is_symmetric(self) -> bool:
        return self.up.base_ms == self.down.base_ms


def _symmetric(jitter_ms: float) -> Scenario:
    path = NetPath(base_ms=5, jitter_ms=jitter_ms, loss=0.01, stall=0.01)
    return Scenario(f"symmetric, jitter 0-{jitter_ms:g} ms", path, path)


def _asymmetric(up_ms: float, down_ms: float) -> Scenario:
    return Scenario(
        f"asymmetric, {up_ms:g} ms up / {down_ms:g} ms down",
        NetPath(base_ms=up_ms, jitter_ms=2, loss=0.01, stall=0.01),
        NetPath(base_ms=down_ms, jitter_ms=2, loss=0.01, stall=0.01),
    )


SCENARIOS = [
    _symmetric(0),
    _symmetric(10),
    _symmetric(50),
    _asymmetric(5, 25),
    _asymmetric(40, 5),
]


MEASURE_EVERY_S = 0.1


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def true_ms() -> float:
    return time.time_ns() / 1_000_000


def skewed_clock(rng: random.Random):
    offset_ms = rng.uniform(-5_000, 5_000)
    drift = rng.uniform(-100e-6, 100e-6)
    start = true_ms()
    return lambda: (now := true_ms()) + offset_ms + drift * (now - start)


async def run_client(url, rng, *, duration_s, probe_interval_s, drift_span_s):
    client = ClockClient(
        url,
        local_clock=skewed_clock(rng),
        probe_interval_ms=probe_interval_s * 1000,
        drift_min_span_ms=drift_span_s * 1000,
    )
    errors: list[float] = []
    naive: list[float] = []
    previous: list[float] = []
    bounds: list[float] = []
    await client.connect()
    prober = asyncio.create_task(client.run())
    steady_from = None  # probes sent before the last 2 minutes
    try:
        start = time.monotonic()
        until = start + duration_s
        while time.monotonic() < until:
            await asyncio.sleep(MEASURE_EVERY_S)
            if steady_from is None and time.monotonic() >= until - 120:
                steady_from = client.sent_probes
            truth = true_ms()
            errors.append(abs(client.server_now_ms() - truth))
            naive.append(abs(client.naive_server_now_ms() - truth))
            previous.append(abs(client.previous_server_now_ms() - truth))
            bounds.append(client.error_bound_ms())
    finally:
        prober.cancel()
        await client.close()
    rate = client.sent_probes / (duration_s / 60)
    steady = None
    if steady_from is not None and duration_s >= 240:
        steady = (client.sent_probes - steady_from) / 2
    return errors, naive, bounds, client.lost_probes, previous, rate, steady


async def run_scenario(scenario, server_port, args, seed):
    proxy = await start_proxy(
        upstream_port=server_port, up=scenario.up, down=scenario.down, seed=seed
    )
    url = f"ws://127.0.0.1:{proxy_port(proxy)}/ws/clock/"
    rng = random.Random(seed)
    results = await asyncio.gather(
        *(
            run_client(
                url,
                random.Random(rng.random()),
                duration_s=args.duration,
                probe_interval_s=args.probe_interval,
                drift_span_s=args.drift_span,
            )
            for _ in range(args.clients)
        )
    )
    proxy.close()
    errors = [value for result in results for value in result[0]]
    naive = [value for result in results for value in result[1]]
    bounds = [value for result in results for value in result[2]]
    previous = [value for result in results for value in result[4]]
    steady = [result[6] for result in results if result[6] is not None]
    within = sum(
        error <= bound + 1 for error, bound in zip(errors, bounds, strict=True)
    )
    return {
        "scenario": scenario.name,
        "symmetric": scenario.is_symmetric,
        "half_asymmetry_ms": scenario.half_asymmetry_ms,
        "samples": len(errors),
        "p50_ms": percentile(errors, 0.50),
        "p95_ms": percentile(errors, 0.95),
        "p99_ms": percentile(errors, 0.99),
        "naive_p50_ms": percentile(naive, 0.50),
        "naive_p95_ms": percentile(naive, 0.95),
        "naive_p99_ms": percentile(naive, 0.99),
        "previous_p50_ms": percentile(previous, 0.50),
        "previous_p95_ms": percentile(previous, 0.95),
        "within_stated_bound_plus_1ms": within / len(errors),
        "lost_probes": sum(result[3] for result in results),
        "probes_per_min": sum(result[5] for result in results) / len(results),
        "steady_probes_per_min": sum(steady) / len(steady) if steady else None,
        "errors": errors,
        "naive": naive,
        "previous": previous,
    }


def start_server(data_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "GROUPBUY_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "groupbuy.settings",
        "PYTHONPATH": str(REPO),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    for key in ("DATABASE_URL", "REDIS_URL"):
        env.pop(key, None)
    log_path = data_dir / "server.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "groupbuy.asgi:application",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    wait_for_port(port, process, log_path)
    return process, port


def run_scenario_in_process(scenario, port, args, seed):
    return asyncio.run(run_scenario(scenario, port, args, seed))


def run_all(args) -> dict:
    # One process per scenario (its proxy and its clients), so that one event
    # loop's lag, which a client would count as network delay, stays small.
    with tempfile.TemporaryDirectory(prefix="groupbuy-clock-") as data_dir:
        server, port = start_server(Path(data_dir))
        try:
            with ProcessPoolExecutor(max_workers=len(SCENARIOS)) as pool:
                futures = [
                    pool.submit(
                        run_scenario_in_process, scenario, port, args, index + 1
                    )
                    for index, scenario in enumerate(SCENARIOS)
                ]
                results = [future.result() for future in futures]
        finally:
            server.terminate()
            server.wait(timeout=15)
    return summarise(results, args)


def summarise(results, args) -> dict:
    print(
        f"{args.clients} clients per scenario, {args.duration:g} s each, adaptive "
        f"schedule (1 to 1/{args.probe_interval:g} probes a second), fallback drift "
        f"over {args.drift_span:g} s; "
        f"offsets ±5 s, drift ±100 ppm; loss 1 %, stalls 1 % of chunks"
    )
    for result in results:
        ratio = ""
        if not result["symmetric"]:
            ratio = result["p95_ms"] / result["half_asymmetry_ms"]
            ratio = f"  p95/half-asymmetry {ratio:.2f}"
        print(
            f"{result['scenario']:40} protocol p50 {result['p50_ms']:6.2f} "
            f"p95 {result['p95_ms']:6.2f} p99 {result['p99_ms']:6.2f} ms | naive p50 "
            f"{result['naive_p50_ms']:7.2f} p95 {result['naive_p95_ms']:7.2f} p99 "
            f"{result['naive_p99_ms']:7.2f} ms | previous estimator p50 "
            f"{result['previous_p50_ms']:6.2f} p95 {result['previous_p95_ms']:6.2f} ms"
            f" | within bound "
            f"{result['within_stated_bound_plus_1ms']:.3f}, lost probes "
            f"{result['lost_probes']}, probes/min {result['probes_per_min']:.1f}"
            + (
                f" (last 2 min {result['steady_probes_per_min']:.1f})"
                if result["steady_probes_per_min"] is not None
                else ""
            )
            + ratio
        )
    symmetric = [r for r in results if r["symmetric"]]
    asymmetric = [r for r in results if not r["symmetric"]]
    pooled = [value for r in symmetric for value in r["errors"]]
    pooled_naive = [value for r in symmetric for value in r["naive"]]
    pooled_previous = [value for r in symmetric for value in r["previous"]]
    ratios = [
        value / r["half_asymmetry_ms"] for r in asymmetric for value in r["errors"]
    ]
    excess = [
        value - r["half_asymmetry_ms"] for r in asymmetric for value in r["errors"]
    ]
    return {
        "clients_per_scenario": args.clients,
        "duration_s": args.duration,
        "probe_interval_s": args.probe_interval,
        "p50_ms_symmetric": round(percentile(pooled, 0.50), 3),
        "p95_ms_symmetric": round(percentile(pooled, 0.95), 3),
        "p99_ms_symmetric": round(percentile(pooled, 0.99), 3),
        "p95_ms_naive_symmetric": round(percentile(pooled_naive, 0.95), 3),
        "p95_ms_previous_estimator_symmetric": round(
            percentile(pooled_previous, 0.95), 3
        ),
        "within_stated_bound_plus_1ms": round(
            min(r["within_stated_bound_plus_1ms"] for r in results), 4
        ),
        "load_average": os.getloadavg(),
        "asymmetric_ratio_p95": round(percentile(ratios, 0.95), 3),
        "asymmetric_p95_ms_over_half_asymmetry": round(percentile(excess, 0.95), 3),
        "scenarios": {
            r["scenario"]: {
                key: round(r[key], 3)
                for key in (
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "naive_p95_ms",
                    "previous_p95_ms",
                    "within_stated_bound_plus_1ms",
                    "probes_per_min",
                )
            }
            for r in results
        },
        "steady_probes_per_min": {
            r["scenario"]: r["steady_probes_per_min"] for r in results
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--clients", type=int, default=None)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--probe-interval", type=float, default=None)
    parser.add_argument("--drift-span", type=float, default=None)
    args = parser.parse_args()
    quick = {"clients": 6, "duration": 15, "probe_interval": 30, "drift_span": 6}
    full = {"clients": 10, "duration": 300, "probe_interval": 30, "drift_span": 120}
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    summary = run_all(args)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
