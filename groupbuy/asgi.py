"""ASGI entry point: HTTP through Django, WebSockets through Channels.

The WebSocket routes are the apps' own, declared in their groupbuy_app.py.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groupbuy.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from groupbuy.core.body_limits import BodyLimitMiddleware  # noqa: E402
from groupbuy.core.plugins import (  # noqa: E402
    websocket_urlpatterns,
    wrap_http_application,
    wrap_websocket_application,
)

application = ProtocolTypeRouter(
    {
        # Body limits first: nothing over its limit reaches an app or Django.
        "http": BodyLimitMiddleware(wrap_http_application(django_asgi_app)),
        "websocket": wrap_websocket_application(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
            )
        ),
    }
)
