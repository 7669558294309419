"""Profile joins in-process: where a join request's CPU goes, against the no-op.

    .venv/bin/python benchmarks/profile_join.py [--quick] [--joins N] [--top K]
        [--database-url postgres://postgres@127.0.0.1:5432/gb_hotpaths_bench]

Makes a throw-away PostgreSQL database (as ``join_throughput.py`` does), seeds
one open deal with stock for every join and one shopper with an API token per
join, and drives Django's WSGI handler in this process (the same middleware as
the server, no client library and no test client in the way). After a warm-up
(a few joins on another deal and no-op requests: what a worker does once), it
prints the CPU milliseconds per request of the no-op (``GET /api/health``) and of
a join (``POST /api/deals/{id}/join``), then a cProfile of the joins, per join.
The profile counts CPU time (not waiting); its overhead inflates the absolute
figures, the shares are the point. The last line is one JSON object with the
four CPU figures (milliseconds a request), measured without the profiler.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support.common import (
    DEFAULT_DATABASE_URL,
    REPO,
    deployment_on,
    throwaway_postgres,
)


def _environ(method: str, path: str, *, token: str = "", body: bytes = b""):
    import io

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
    if token:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return environ


def _call(handler, environ) -> str:
    status = []
    chunks = handler(environ, lambda code, headers, exc_info=None: status.append(code))
    for _chunk in chunks:
        pass
    chunks.close()
    return status[0]


def _print_profile(profile, count: int, top: int, title: str) -> None:
    import pstats

    stats = pstats.Stats(profile)
    print(f"-- {title}: {stats.total_tt * 1000 / count:.2f} ms a join under cProfile")
    print("cumulative ms a join / own ms a join / calls a join / function")
    for key in ("cumulative", "tottime"):
        rows = sorted(
            stats.stats.items(),
            key=lambda item: item[1][3 if key == "cumulative" else 2],
            reverse=True,
        )[:top]
        print(f"-- by {key}")
        for (filename, line, name), (_cc, calls, tt, ct, _callers) in rows:
            where = filename.replace(str(REPO) + "/", "")
            where = where.split("site-packages/")[-1]
            print(
                f"{ct * 1000 / count:8.2f} {tt * 1000 / count:8.2f} "
                f"{calls / count:6.1f}  {where}:{line}({name})"
            )


def _asgi_cpu_ms(
    deal: str, tokens: list[str], count: int, *, profile_top: int = 0
) -> tuple[float, float]:
    """CPU ms a no-op and a join cost through the ASGI application, as the
    server runs them (sync views on a worker thread, connections per request):
    the whole process, every thread."""
    import asyncio
    import time

    from groupbuy.asgi import application

    async def call(method: str, path: str, token: str = "", body: bytes = b""):
        headers = [(b"host", b"127.0.0.1")]
        if token:
            headers.append((b"authorization", f"Bearer {token}".encode()))
        if body:
            headers.append((b"content-type", b"application/json"))
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        never = asyncio.get_running_loop().create_future()

        async def receive():
            return messages.pop(0) if messages else await never

        status = []

        async def send(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])

        await application(scope, receive, send)
        return status[0]

    async def run():
        for _ in range(10):
            assert await call("GET", "/api/health") == 200
        started = time.process_time()
        for _ in range(count):
            assert await call("GET", "/api/health") == 200
        noop = (time.process_time() - started) * 1000 / count
        path = f"/api/deals/{deal}/join"
        started = time.process_time()
        for token in tokens[:count]:
            assert await call("POST", path, token, b'{"quantity": 1}') == 201
        join = (time.process_time() - started) * 1000 / count
        if profile_top:
            # Django gives each request its own thread for sync code (and the
            # event loop runs in this one): one profile for each side, timed by
            # the thread's own CPU, the worker's enabled around each handoff.
            import cProfile

            from asgiref.sync import SyncToAsync

            worker, loop = (cProfile.Profile(time.thread_time) for _ in range(2))
            handler = SyncToAsync.thread_handler

            def profiled(self, *args, **kwargs):
                worker.enable()
                try:
                    return handler(self, *args, **kwargs)
                finally:
                    worker.disable()

            SyncToAsync.thread_handler = profiled
            loop.enable()
            for token in tokens[count : 2 * count]:
                assert await call("POST", path, token, b'{"quantity": 1}') == 201
            loop.disable()
            SyncToAsync.thread_handler = handler
            _print_profile(worker, count, profile_top, "ASGI, the sync threads")
            _print_profile(loop, count, profile_top, "ASGI, the event loop")
        return noop, join

    # In a fresh context, as a server's request task has: the WSGI phase before
    # left values in this thread's asgiref locals, which every thread handoff
    # would copy.
    import contextvars

    return contextvars.Context().run(asyncio.run, run())


def inside(joins: int, top: int, asgi_profile: bool = False) -> None:
    """Run in the deployment's environment (Django configured)."""
    import cProfile
    import time

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    from tests.support.seeding import seed_open_deal, seed_shoppers_with_tokens

    warm = 20
    hot = seed_open_deal(
        gtin="6901234567892",
        tiers=[(1, 1500)],
        stock=4 * joins + 10,
        max_quantity_per_order=1,
    )["deal"]
    other = seed_open_deal(gtin="96385074", tiers=[(1, 1500)], stock=warm + 5)["deal"]
    tokens = seed_shoppers_with_tokens(4 * joins + warm)
    handler = WSGIHandler()
    body = b'{"quantity": 1}'

    def join(deal, token):
        status = _call(
            handler,
            _environ("POST", f"/api/deals/{deal}/join", token=token, body=body),
        )
        assert status.startswith("201"), status

    def health():
        assert _call(handler, _environ("GET", "/api/health")).startswith("200")

    for token in tokens[:warm]:
        join(other, token)
        health()
    tokens = tokens[warm:]

    def cpu_ms(run, count):
        started = time.process_time()
        for index in range(count):
            run(index)
        return (time.process_time() - started) * 1000 / count

    noop = cpu_ms(lambda _i: health(), joins)
    plain = cpu_ms(lambda i: join(hot, tokens[i]), joins)
    print(
        f"CPU a request, this process (not the database): no-op {noop:.2f} ms, "
        f"join {plain:.2f} ms ({joins} each, after {warm} warm-up joins)"
    )
    asgi_noop, asgi_join = _asgi_cpu_ms(
        hot, tokens[2 * joins :], joins, profile_top=top if asgi_profile else 0
    )
    print(
        f"the same through the ASGI application: no-op {asgi_noop:.2f} ms, "
        f"join {asgi_join:.2f} ms"
    )
    # CPU time, not wall time: waiting for PostgreSQL is not this process's cost.
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    for index in range(joins):
        join(hot, tokens[joins + index])
    profile.disable()
    _print_profile(profile, joins, top, "WSGI handler, this thread")
    figures = {
        "joins": joins,
        "noop_cpu_ms": noop,
        "join_cpu_ms": plain,
        "asgi_noop_cpu_ms": asgi_noop,
        "asgi_join_cpu_ms": asgi_join,
    }
    print(json.dumps({key: round(value, 3) for key, value in figures.items()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--joins", type=int, default=200)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument(
        "--quick", action="store_true", help="40 joins, the top 15 functions"
    )
    parser.add_argument(
        "--asgi-profile",
        action="store_true",
        help="also profile the joins through the ASGI application",
    )
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
    )
    args = parser.parse_args()
    if args.quick:
        args.joins, args.top = 40, 15
    if args.inside:
        inside(args.joins, args.top, args.asgi_profile)
        return
    with (
        throwaway_postgres(args.database_url) as database_url,
        deployment_on(database_url) as deployment,
    ):
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--inside",
                "--joins",
                str(args.joins),
                "--top",
                str(args.top),
                *(["--asgi-profile"] if args.asgi_profile else []),
            ],
            env=deployment.env,
            cwd=REPO,
            check=True,
        )


if __name__ == "__main__":
    main()
