"""What the project's wiring asks the apps for: routes, middleware, commands."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from django.apps import apps as django_apps

from groupbuy.core.plugins.declaration import GroupbuyApp
from groupbuy.core.plugins.registry import (
    MODULE_NAME,
    app_declaration,
    app_declarations,
    installed_apps,
    load,
)


def api_routers() -> list[tuple[str, Any]]:
    """Return (mount prefix, Ninja router) pairs: "/catalog", "/" for the root."""
    return [
        (f"/{prefix.strip('/')}", load(reference))
        for app in installed_apps()
        for prefix, reference in app.api_routers.items()
    ]


def url_patterns() -> list:
    """Return one ``include()`` per declared URLconf, in app order."""
    from django.urls import include, path

    return [
        path(prefix, include(module))
        for app in installed_apps()
        for prefix, module in app.urls.items()
    ]


def _wrapped(application: Any, attribute: str) -> Any:
    references = [
        reference for app in installed_apps() for reference in getattr(app, attribute)
    ]
    for reference in reversed(references):
        application = load(reference)(application)
    return application


def wrap_http_application(application: Any) -> Any:
    """Return ``application`` wrapped in every app's declared HTTP middleware."""
    return _wrapped(application, "http_middleware")


def wrap_websocket_application(application: Any) -> Any:
    """Return ``application`` wrapped in every app's WebSocket middleware."""
    return _wrapped(application, "websocket_middleware")


def websocket_urlpatterns() -> list:
    """Return the Channels routes of every app, consumers instantiated."""
    from django.urls import path, re_path

    routes = []
    for app in installed_apps():
        for pattern, reference in app.websocket_routes:
            route = re_path if pattern.startswith("^") else path
            routes.append(route(pattern, load(reference).as_asgi()))
    return routes


def cli_commands() -> dict[str, Callable[[list[str]], int | None]]:
    """Return ``groupbuy`` subcommands by name; two apps may not share one.

    Found without setting Django up when it is not (the ``groupbuy`` command):
    a command from ``cli_commands`` sets it up before it is imported, one from
    ``standalone_cli_commands`` never does."""
    commands: dict[str, Callable[[list[str]], int | None]] = {}
    for app in _apps_for_commands():
        for declared, needs_django in (
            (app.cli_commands, True),
            (app.standalone_cli_commands, False),
        ):
            for name, reference in declared.items():
                if name in commands:
                    raise ValueError(f"two apps declare the `groupbuy {name}` command")
                commands[name] = _lazy_command(reference, needs_django=needs_django)
    return commands


def _apps_for_commands() -> list[GroupbuyApp]:
    if django_apps.ready:
        return installed_apps()
    # Only the app packages and their declarations are imported (what Django's
    # own first loading phase imports), not the models.
    from django.apps import AppConfig
    from django.conf import settings

    configs = [
        AppConfig.create(entry)
        for entry in settings.INSTALLED_APPS
        if _may_declare_commands(entry)
    ]
    return [app for app in map(app_declaration, configs) if app]


def _may_declare_commands(entry: str) -> bool:
    """Whether the INSTALLED_APPS ``entry`` may hold a declaration: False only
    for an app package with no ``groupbuy_app`` module beside its files, found
    without importing it or its parents. Importing Django's admin, Ninja, Huey
    (with psycopg and redis)… took ~0.6 s of CPU of the ~1.1 s that a
    standalone command (``groupbuy station``, on a shop's till) spent finding
    its own. An AppConfig's dotted path, or anything not found as plain
    directories, is created as before."""
    import importlib.machinery
    import importlib.util
    from pathlib import Path

    parts = entry.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
        for depth in range(2, len(parts) + 1):
            if spec is None or spec.submodule_search_locations is None:
                return True
            spec = importlib.machinery.PathFinder.find_spec(
                ".".join(parts[:depth]), list(spec.submodule_search_locations)
            )
    except (ImportError, ValueError):
        return True
    if spec is None or not spec.submodule_search_locations:
        return True
    folders = [Path(folder) for folder in spec.submodule_search_locations]
    if not all(folder.is_dir() for folder in folders):
        return True
    return any(
        (folder / f"{MODULE_NAME}.py").exists() or (folder / MODULE_NAME).is_dir()
        for folder in folders
    )


def _lazy_command(
    reference: str, *, needs_django: bool
) -> Callable[[list[str]], int | None]:
    def run(argv: list[str]) -> int | None:
        if needs_django and not django_apps.ready:
            import django

            django.setup()
        return load(reference)(argv)

    run.reference = reference  # type: ignore[attr-defined]
    return run


def demo_loaders() -> list[tuple[str, Callable[..., None]]]:
    """Return (app label, loader) for every app that ships demo data."""
    return [
        (app.label, load(app.demo_data)) for app in installed_apps() if app.demo_data
    ]


def upload_limits() -> list[tuple[re.Pattern, Callable[[], int]]]:
    """Return (path pattern, function giving its files' most bytes) of every
    app, in app order."""
    return list(_upload_limits(tuple(django_apps.get_app_configs())))


@functools.lru_cache(maxsize=8)
def _upload_limits(configs: tuple) -> tuple:
    # Cached: the body limit is looked up for every HTTP request.
    return tuple(
        (re.compile(pattern), load(reference))
        for app in app_declarations(configs)
        for pattern, reference in app.upload_paths
    )
