"""WebSocket URL routes.

Besides the routes below, any groupbuy app may ship its own ``routing.py`` with a
``websocket_urlpatterns`` list (the clock's time-sync socket, say); they are
collected here, so adding a socket never means editing this file.
"""

from __future__ import annotations

import importlib

from django.apps import apps
from django.urls import path, re_path

from groupbuy.realtime.consumers import DealConsumer, UserConsumer


def _app_routes() -> list:
    routes: list = []
    for app_config in apps.get_app_configs():
        if (
            not app_config.name.startswith("groupbuy.")
            or app_config.name == __package__
        ):
            continue
        module_name = f"{app_config.name}.routing"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name == module_name:
                continue
            raise
        routes.extend(getattr(module, "websocket_urlpatterns", []))
    return routes


websocket_urlpatterns: list = [
    re_path(
        r"^ws/deals/(?P<deal_public_id>[A-Za-z0-9_-]{1,40})/$", DealConsumer.as_asgi()
    ),
    path("ws/me/", UserConsumer.as_asgi()),
    *_app_routes(),
]
