"""The ``groupbuy`` command.

groupbuy serve [--host H] [--port P] [--no-worker]
    the whole embedded system in one process: web, WebSockets and job worker
groupbuy demo [--no-serve] [--host H] [--port P]
    migrate, load the demo data (idempotent), print the logins, then serve, in
    demo mode (GROUPBUY_DEMO_MODE: generated secrets, the sandbox payments)
groupbuy worker
    a job worker alone (the many-machines mode, with REDIS_URL)
groupbuy <app command> ...
    a subcommand an installed app declares in its groupbuy_app.py
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


def refuse_unsafe_configuration() -> None:
    """Exit with the system checks' errors (groupbuy.core.checks) if there are any.

    Outside DEBUG and demo mode this stops a server or worker that would run on
    built-in secrets, with no allowed hosts or with the sandbox taking payments,
    and prints our warnings (no SMS provider, …) without stopping.
    """
    from django.core import checks

    messages = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if not message.is_silenced()
    ]
    errors = [message for message in messages if message.is_serious()]
    # Ours only: Django's own deployment warnings are about settings demo mode
    # leaves off on purpose (HTTPS), and would be printed at every demo start.
    warnings = [
        message
        for message in messages
        if not message.is_serious() and (message.id or "").startswith("groupbuy.W")
    ]
    if warnings and not errors:
        print("groupbuy starts, but:", file=sys.stderr)
        for warning in warnings:
            print(f"  {warning}", file=sys.stderr)
    if not errors:
        return
    print("groupbuy will not start until this is fixed:", file=sys.stderr)
    for error in errors:
        print(f"  {error}", file=sys.stderr)
    print(
        "For a local try-out run `groupbuy demo`; for production set the "
        "environment described in docs/deployment.md.",
        file=sys.stderr,
    )
    sys.exit(2)


def default_public_url(*, host: str, port: int) -> None:
    """Point links in SMS and e-mail at the address this server listens on.

    Only when GROUPBUY_PUBLIC_URL is not set (production sets it): without this
    `groupbuy demo --port 8010` would send links to 127.0.0.1:8000.
    """
    if os.environ.get("GROUPBUY_PUBLIC_URL"):
        return
    # A wildcard address is no address to click; the machine itself answers.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    os.environ["GROUPBUY_PUBLIC_URL"] = f"http://{shown}:{port}"


def serve(*, host: str, port: int, with_worker: bool = True) -> None:
    import uvicorn

    _setup_django()
    refuse_unsafe_configuration()
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
        # Django's LOGGING (structured, redacted) formats uvicorn's records too;
        # the ops middleware writes the one line per request.
        log_config=None,
        access_log=False,
        # SIGTERM: stop accepting, let running requests finish (this long).
        timeout_graceful_shutdown=settings.GROUPBUY_GRACEFUL_SHUTDOWN_SECONDS,
        ws_ping_interval=20,
        # No permessage-deflate: pushes are small JSON events, and compressing
        # each for each socket (a compressor per connection) cost ~15 times the
        # framing: 87 vs 6 µs a socket, the bulk of a fan-out to 5,000 watchers
        # (docs/benchmarks.md, "Deadline fan-out").
        ws_per_message_deflate=False,
        # X-Forwarded-For is believed only from GROUPBUY_TRUSTED_PROXIES, by
        # groupbuy.core.net; uvicorn's own handling would trust any local peer.
        proxy_headers=False,
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
    refuse_unsafe_configuration()
    from django.conf import settings
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    # What Huey's run_huey command does, with the consumer below.
    autodiscover_modules("tasks")
    config = ConsumerConfig(**settings.HUEY.get("consumer", {}))
    config.validate()
    huey_logger = logging.getLogger("huey")
    if not huey_logger.handlers:
        config.setup_logger(huey_logger)
    consumer_keeping_early_stop_signals(HUEY, **config.values).run()


STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


def consumer_keeping_early_stop_signals(huey, **options):
    """Return Huey's consumer, made to keep a stop signal that arrives as it starts.

    Huey starts its worker threads (whose start-up hook writes the worker's
    heartbeat) before it installs its signal handlers, so a SIGTERM in between
    killed a worker that looked started outright (exit -15, no graceful stop).
    """
    import signal

    from huey.consumer import Consumer

    class Kept(Consumer):
        def start(self):
            kept = []
            for name in STOP_SIGNALS:
                signal.signal(
                    getattr(signal, name), lambda signum, _: kept.append(signum)
                )
            super().start()  # installs Huey's own handlers last
            for signum in kept:
                signal.raise_signal(signum)

    return Kept(huey, **options)


def demo(*, serve_after: bool, host: str, port: int) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo")
    if serve_after:
        serve(host=host, port=port)


def app_commands() -> dict:
    """Return the subcommands the installed apps declare, by name (found without
    setting Django up: each command does that itself if it needs it)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    from groupbuy.core.plugins import cli_commands

    return cli_commands()


def manage(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["groupbuy", *argv])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command == "demo":
        # Before Django reads its settings: demo mode generates its secrets.
        os.environ["GROUPBUY_DEMO_MODE"] = "1"
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
        if command == "demo":
            # Not for `serve`: production must set the address (check E003).
            default_public_url(host=args.host, port=args.port)
        if command == "serve":
            serve(host=args.host, port=args.port, with_worker=not args.no_worker)
        elif command == "demo":
            demo(serve_after=not args.no_serve, host=args.host, port=args.port)
        else:
            worker()
        return 0
    if command in ("help", "-h", "--help"):
        print(__doc__)
        names = sorted(app_commands())
        if names:
            print("App commands: " + ", ".join(names))
        return 0
    commands = app_commands()
    if command in commands:
        return commands[command](argv[1:]) or 0
    manage(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
