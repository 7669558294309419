"""The ``groupbuy`` command.

groupbuy serve [--host H] [--port P] [--no-worker]
    the whole embedded system in one process: web, WebSockets and job worker
groupbuy demo [--no-serve] [--host H] [--port P]
    migrate, load the demo data (idempotent), print the logins, then serve
groupbuy worker
    a job worker alone (the many-machines mode, with REDIS_URL)
groupbuy <anything else>
    passed to Django's manage.py (migrate, createsuperuser, shell…)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

logger = logging.getLogger("groupbuy")


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    import django

    django.setup()


def serve(*, host: str, port: int, with_worker: bool = True) -> None:
    import uvicorn

    _setup_django()
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    # Register every app's jobs (periodic ones included) before the consumer
    # starts; otherwise a module would only be imported by a request touching it.
    autodiscover_modules("tasks")
    consumer = None
    if with_worker and not HUEY.immediate:
        consumer_options = dict(settings.HUEY.get("consumer", {}))
        consumer = HUEY.create_consumer(**consumer_options)
        # Consumer.start() installs signal handlers, so it runs on the main thread
        # before uvicorn installs its own (which then take over SIGINT/SIGTERM).
        consumer.start()
    config = uvicorn.Config(
        "groupbuy.asgi:application",
        host=host,
        port=port,
        lifespan="off",
        log_level="info",
        ws_ping_interval=20,
    )
    server = uvicorn.Server(config)
    print(
        f"groupbuy serving on http://{host}:{port}/"
        f"{' with the job worker' if consumer else ''}",
        flush=True,
    )
    try:
        server.run()
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def worker() -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("run_huey")


def demo(*, serve_after: bool, host: str, port: int) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if serve_after:
        serve(host=host, port=port)


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["groupbuy", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command in ("serve", "demo", "worker"):
        parser = argparse.ArgumentParser(prog=f"groupbuy {command}")
        parser.add_argument(
            "--host", default=os.environ.get("GROUPBUY_HOST", "127.0.0.1")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve without the embedded job worker",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="demo only: load the data and exit"
        )
        args = parser.parse_args(argv[1:])
        if command == "serve":
            serve(host=args.host, port=args.port, with_worker=not args.no_worker)
        elif command == "demo":
            demo(serve_after=not args.no_serve, host=args.host, port=args.port)
        else:
            worker()
        return
    if command == "station":
        from groupbuy.coupons.station.cli import main as station_main

        raise SystemExit(station_main(argv[1:]))
    if command in ("help", "-h", "--help"):
        print(__doc__)
        return
    manage(argv)


if __name__ == "__main__":
    main()
