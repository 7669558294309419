"""Run under tests.plugin_app.settings: exercise every plug-in point, print JSON.

A separate process, because the project's URLconf, API and ASGI routes are
built once at import, from the INSTALLED_APPS of that process.
"""

import asyncio
import contextlib
import io
import json

import django

django.setup()

from channels.testing import WebsocketCommunicator  # noqa: E402
from django.test import Client  # noqa: E402

from groupbuy import cli  # noqa: E402
from groupbuy.asgi import application  # noqa: E402
from groupbuy.core.plugins import notification_kinds  # noqa: E402


async def socket_greeting() -> dict:
    communicator = WebsocketCommunicator(
        application,
        "/ws/plugin-app/lobby/",
        headers=[(b"origin", b"http://testserver")],
    )
    connected, _ = await communicator.connect()
    assert connected
    greeting = await communicator.receive_json_from()
    await communicator.disconnect()
    return greeting


client = Client()
api = client.get("/api/plugin-app/ping")
page = client.get("/plugin-app/")
more = client.get("/more/")
output = io.StringIO()
with contextlib.redirect_stdout(output):
    exit_code = cli.main(["plugin-hello", "from", "the", "probe"])
print(
    json.dumps(
        {
            "api": [api.status_code, api.json()],
            "page": [page.status_code, page.content.decode()],
            "more": [more.status_code, more.content.decode()],
            "socket": asyncio.run(socket_greeting()),
            "cli": [exit_code, output.getvalue()],
            "kinds": {kind: str(label) for kind, label in notification_kinds().items()},
        }
    )
)
