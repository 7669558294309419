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

from groupbuy.core.plugins import websocket_urlpatterns  # noqa: E402
from groupbuy.ops.websockets import CountWebSocketConnections  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": CountWebSocketConnections(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns()))
            )
        ),
    }
)
