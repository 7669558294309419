"""How long a deadline change takes to reach every client watching one deal.

    .venv/bin/python benchmarks/deadline_fanout.py [--quick] [--sizes 100,1000,5000]
        [--redis redis://127.0.0.1:6379/9]

Seeds one open deal in a throw-away installation (SQLite), starts the embedded
server (the project's ASGI app under uvicorn, in-memory channel layer) and opens
N WebSocket clients on ``ws/deals/<id>/`` (each gets its snapshot first). Then
the deadline is extended: the server process publishes the clock's
``deal.deadline`` event through realtime's ``publish`` (as a service does after
commit), stamped with the server's clock (``sent_ms``), and every client notes
when the new deadline reached it. The figure is the time from ``sent_ms`` until
the last client had it (one machine, one clock), for each N; the baseline in the
same run is the time until the first client had it.

With ``--redis`` the same again on two server processes sharing Redis
(channels-redis): half the clients on each, the change published by the first.

Each setup runs twice in the same run: realtime's fan-out (one subscription per
group per process, the event encoded once) and, as the baseline, Channels' own
groups with a channel per socket (``GROUPBUY_FANOUT_PER_SOCKET=1``) and
permessage-deflate on, as the server ran before.
The clients all run in this one process, so the figure includes their own
decoding of N messages on a loaded machine (pessimistic). Last line: JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.servers import Deployment, free_port, wait_for_port  # noqa: E402

CONNECT_CONCURRENCY = 100


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- the server process -------------------------------------------------------


def serve(port: int) -> None:
    """Run the project's ASGI app; on stdin "extend <deal> <deadline_ms>" publish
    the deadline change (as the deals service will after commit)."""
    import uvicorn

    from groupbuy.cli import _setup_django

    _setup_django()
    import logging
    from datetime import UTC, datetime

    # The server's own time to hand the event to every socket (fanout.py), in the
    # server's log: apart from the clients' time to read it.
    fanout_log = logging.getLogger("groupbuy.realtime.fanout")
    fanout_log.setLevel(logging.DEBUG)
    fanout_log.addHandler(logging.StreamHandler(sys.stderr))

    from groupbuy.clock.services import deadline_event
    from groupbuy.deals.consumers import deal_group
    from groupbuy.realtime import publish

    def read_commands() -> None:
        for line in sys.stdin:
            command, deal_id, deadline_ms = line.split()
            deadline = datetime.fromtimestamp(int(deadline_ms) / 1000, tz=UTC)
            event = deadline_event(deal_id=deal_id, deadline=deadline, reason=command)
            publish(deal_group(deal_id), event)
            print("published", flush=True)

    threading.Thread(target=read_commands, daemon=True).start()
    config = uvicorn.Config(
        "groupbuy.asgi:application",
        host="127.0.0.1",
        port=port,
        lifespan="off",
        log_level="warning",
        backlog=4096,
        # As `groupbuy serve` does; the baseline (the path before) compresses.
        ws_per_message_deflate=os.environ.get("GROUPBUY_FANOUT_PER_SOCKET") == "1",
    )
    uvicorn.Server(config).run()


# --- the clients --------------------------------------------------------------


class Watcher:
    def __init__(self, url: str):
        self.url = url
        self.socket = None
        # deadline_ms -> (receipt time, the server's sent_ms), epoch ms
        self.received: dict[int, tuple[float, float]] = {}
        self.reader = None

    async def open(self, limit: asyncio.Semaphore) -> None:
        import websockets

        origin = "http://" + self.url.split("/")[2]
        async with limit:
            self.socket = await websockets.connect(
                self.url, origin=origin, open_timeout=120, max_queue=None
            )
            snapshot = json.loads(await self.socket.recv())
            assert snapshot["type"] == "deal.snapshot", snapshot
        self.reader = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for text in self.socket:
            now_ms = time.time_ns() / 1_000_000
            event = json.loads(text)
            if event.get("type") == "deal.deadline":
                self.received[event["deadline_ms"]] = (now_ms, event["sent_ms"])

    async def close(self) -> None:
        self.reader.cancel()
        await self.socket.close()


async def measure(servers, deal_id, sizes, deadline_ms) -> dict:
    watchers: list[Watcher] = []
    limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
    results = {}
    try:
        for size in sizes:
            started = time.monotonic()
            new = [
                Watcher(servers[index % len(servers)]["url"])
                for index in range(len(watchers), size)
            ]
            await asyncio.gather(*(watcher.open(limit) for watcher in new))
            watchers += new
            connect_s = time.monotonic() - started
            deadline_ms += 60_000
            asked_ms = time.time_ns() / 1_000_000
            publisher = servers[0]["process"]
            publisher.stdin.write(f"extend {deal_id} {deadline_ms}\n".encode())
            publisher.stdin.flush()
            until = time.monotonic() + 60
            while time.monotonic() < until and not all(
                deadline_ms in watcher.received for watcher in watchers
            ):
                await asyncio.sleep(0.01)
            receipts = [
                watcher.received[deadline_ms]
                for watcher in watchers
                if deadline_ms in watcher.received
            ]
            # From the server's publish (sent_ms) to each client having it.
            arrivals = [received - sent for received, sent in receipts]
            publish_delay = receipts[0][1] - asked_ms if receipts else float("nan")
            missing = len(watchers) - len(arrivals)
            results[size] = {
                "last_client_ms": round(max(arrivals), 1) if arrivals else None,
                "first_client_ms": round(min(arrivals), 1) if arrivals else None,
                "p50_ms": round(percentile(arrivals, 0.5), 1),
                "late_over_1s": sum(value > 1000 for value in arrivals),
                "missing": missing,
                "connect_s": round(connect_s, 1),
                "command_to_publish_ms": round(publish_delay, 1),
            }
            print(
                f"N={size:5}: last client {results[size]['last_client_ms']} ms, "
                f"p50 {results[size]['p50_ms']} ms, first "
                f"{results[size]['first_client_ms']} ms; over 1 s "
                f"{results[size]['late_over_1s']}, missing {missing} "
                f"(connecting took {connect_s:.1f} s)",
                flush=True,
            )
    finally:
        await asyncio.gather(
            *(watcher.close() for watcher in watchers), return_exceptions=True
        )
    return results


def start_servers(
    deployment: Deployment, count: int, *, per_socket: bool = False
) -> list[dict]:
    servers = []
    for index in range(count):
        port = free_port()
        log_path = deployment.data_dir / f"fanout-{index}.log"
        process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)],
            env={
                **deployment.env,
                "GROUPBUY_FANOUT_PER_SOCKET": "1" if per_socket else "0",
            },
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
        )
        deployment.processes.append(process)
        wait_for_port(port, process, log_path)
        servers.append(
            {"process": process, "url": f"ws://127.0.0.1:{port}/ws/deals/DEAL/"}
        )
    return servers


def stop_servers(deployment: Deployment, servers: list[dict]) -> None:
    for server in servers:
        process = server["process"]
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # uvicorn waits for every socket to close
            process.kill()
            process.wait(timeout=30)
        deployment.processes.remove(process)


def run_setup(sizes, *, redis_url: str = "", servers_count: int = 1) -> dict:
    """Measure both paths on one installation: one subscription per group, then
    a channel per socket (the baseline), each with fresh servers and clients."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="groupbuy-fanout-") as data_dir:
        deployment = Deployment(Path(data_dir), redis_url=redis_url)
        try:
            deployment.groupbuy("migrate", "--noinput")
            deal_id = deployment.seed(
                "seed_open_deal(gtin='6901234567892', tiers=[(1, 1500)], stock=10,"
                " seconds_to_deadline=3600)"
            )["deal"]
            for key, per_socket in (("", False), ("_per_socket", True)):
                label = (
                    "a channel per socket (before)" if per_socket else "one per group"
                )
                print(f"  {label}; load average {os.getloadavg()[0]:.1f}", flush=True)
                servers = start_servers(
                    deployment, servers_count, per_socket=per_socket
                )
                for server in servers:
                    server["url"] = server["url"].replace("DEAL", deal_id)
                deadline_ms = int(time.time() * 1000) + 3_600_000
                results[key] = asyncio.run(
                    measure(servers, deal_id, sizes, deadline_ms)
                )
                stop_servers(deployment, servers)
        finally:
            deployment.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run, < 30 s")
    parser.add_argument("--sizes", default="")
    parser.add_argument("--redis", default="", help="also two servers on this Redis")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    default_sizes = "50,100" if args.quick else "100,1000,5000"
    sizes = [int(size) for size in (args.sizes or default_sizes).split(",")]
    summary = {}
    setups = [
        ("embedded", "embedded server (one process, in-memory channel layer)", {})
    ]
    if args.redis:
        setups.append(
            (
                "two_servers_redis",
                "two server processes, channels-redis",
                {"redis_url": args.redis, "servers_count": 2},
            )
        )
    for key, title, options in setups:
        print(f"{title}; {os.cpu_count()} cores", flush=True)
        for path, result in run_setup(sizes, **options).items():
            summary[key + path] = result
    for key in list(summary):
        suffix = key.removeprefix("embedded").replace("two_servers_redis", "_redis")
        summary["last_client_ms" + suffix] = {
            str(size): value["last_client_ms"] for size, value in summary[key].items()
        }
    summary["cpu_count"] = os.cpu_count()
    summary["load_average_after"] = os.getloadavg()
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
