"""Count open WebSocket connections for /metrics (wraps the ASGI websocket app)."""

from __future__ import annotations

from groupbuy.ops.metrics import websocket_connections


class CountWebSocketConnections:
    """ASGI middleware: +1 when a connection is accepted, -1 when it ends."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        accepted = False

        async def counting_send(message):
            nonlocal accepted
            if message["type"] == "websocket.accept" and not accepted:
                accepted = True
                websocket_connections.inc()
            await send(message)

        try:
            return await self.app(scope, receive, counting_send)
        finally:
            if accepted:
                websocket_connections.dec()
