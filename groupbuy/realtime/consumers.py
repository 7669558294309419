"""The base of every app's WebSocket consumer.

A consumer only forwards what services publish (``groupbuy.realtime.publish``)
as ``{"type": "push.event", "event": {...}}`` group messages; it never writes.
An app subclasses ``GroupConsumer`` and says who may connect (``may_join``),
which groups the socket listens to (``groups_for_connection``) and what to send
first (``on_joined``, a snapshot say). Refusals close the socket after accepting
it, because a browser only sees the close code of an accepted socket, and the
client scripts stop reconnecting on the 44xx codes.

A signed-in socket also ends when the right it was opened under ends
(``realtime.access``): signing out, a password change, leaving a room.

``self.language`` is the reader's language (``realtime.language``); a consumer
with ``speaks_readers_language`` sends each socket an event's texts given in
every language in that one.
"""

from __future__ import annotations

import asyncio
import json
from functools import cached_property

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from groupbuy.realtime import access, fanout
from groupbuy.realtime.language import encoded_in_language, socket_language
from groupbuy.realtime.publish import note_socket_loop

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class GroupConsumer(AsyncJsonWebsocketConsumer):
    """Accept, check ``may_join``, join the groups, then ``on_joined``."""

    # The close code of a refused connection; 4401 and 4404 are the others used.
    refused_close_code = CLOSE_FORBIDDEN
    # Whether the events pushed here may hold texts in every language
    # (``realtime.language.in_each_language``): each socket is then sent them
    # in its reader's language, and an event is encoded once per language.
    speaks_readers_language = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group_hubs = []  # this process's subscriptions it is in (fanout.py)
        self.listening: list[str] = []  # the groups joined, whichever the way
        self.is_ended = False  # closed by the server: nothing more is delivered

    async def may_join(self) -> bool:
        """Return whether this connection may listen; the default lets anyone."""
        return True

    def groups_for_connection(self) -> list[str]:
        """Return the groups this socket listens to (from ``self.scope``)."""
        return []

    def control_groups(self) -> list[str]:
        """Return the groups that tell this socket when to end, joined first."""
        return []

    async def still_allowed(self) -> bool:
        """Return whether the connection may still listen, asked once the
        control groups are joined: what ended its right before then was told
        to nobody. The default has nothing to ask."""
        return True

    async def on_joined(self) -> None:
        """Send what the client needs first. Called after the groups are joined,
        so no event can fall between a snapshot sent here and the first push."""

    async def connect(self) -> None:
        await self.accept()
        if not await self.may_join():
            await self.close(code=self.refused_close_code)
            return
        for group in self.control_groups():
            await self.join(group)
        if not await self.still_allowed():
            await self.end(self.refused_close_code)
            return
        for group in self.groups_for_connection():
            await self.join(group)
        await self.on_joined()

    async def join(self, group: str) -> None:
        note_socket_loop(asyncio.get_running_loop())
        self.listening.append(group)
        if self.channel_layer is None:
            return
        if getattr(settings, "GROUPBUY_FANOUT_PER_SOCKET", False):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups.append(group)  # the base class leaves them on close
            return
        # Through the process's one subscription to the group, not a channel of
        # the socket's own: see fanout.py for why.
        await fanout.join(self, group)

    async def websocket_disconnect(self, message) -> None:
        await fanout.leave_all(self)
        await super().websocket_disconnect(message)

    async def end(self, code: int) -> None:
        """Close with ``code`` and deliver nothing more. The groups are left
        when the disconnect follows, in the socket's own task: this may run in
        a group's fan-out task, which leaving its last group would cancel."""
        self.is_ended = True
        await self.close(code=code)

    async def dispatch(self, message) -> None:
        if self.is_ended and not message["type"].startswith("websocket."):
            return
        await super().dispatch(message)

    @cached_property
    def language(self) -> str:
        """The language of whoever opened the socket (``realtime.language``)."""
        return socket_language(self.scope)

    async def push_event(self, message: dict) -> None:
        if self.speaks_readers_language:
            await self.send(text_data=encoded_in_language(message, self.language))
        else:
            await self.send_json(message["event"])

    async def push_encoded(self, text: str, message: dict) -> None:
        """Send a group's event already encoded once for every socket; a
        subclass that overrides ``push_event``, or speaks its reader's
        language, gets the message there instead."""
        if self.is_ended:
            return
        if (
            type(self).push_event is GroupConsumer.push_event
            and not self.speaks_readers_language
        ):
            await self.send(text_data=text)
        else:
            await self.push_event(message)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    @classmethod
    async def decode_json(cls, text_data):
        # A malformed frame from a client is ignored rather than crashing the
        # consumer (which would close the socket with 1011).
        try:
            return json.loads(text_data)
        except ValueError:
            return None


class SignedInConsumer(GroupConsumer):
    """A consumer only signed-in people may open (closed with 4401 otherwise)."""

    refused_close_code = CLOSE_NOT_SIGNED_IN

    async def may_join(self) -> bool:
        user = self.scope.get("user")
        return user is not None and user.is_authenticated

    def control_groups(self) -> list[str]:
        return [access.access_group(self.scope["user"].public_id)]

    async def still_allowed(self) -> bool:
        # The session was read before the socket listened to its access group:
        # read it again (a socket opened with no session, as in tests, is not).
        if not self.session_key:
            return True
        if await database_sync_to_async(access.session_signs_in)(
            session_key=self.session_key, user=self.scope["user"]
        ):
            return True
        self.refused_close_code = CLOSE_NOT_SIGNED_IN
        return False

    @property
    def session_key(self) -> str:
        session = self.scope.get("session")
        return (session.session_key if session is not None else None) or ""

    async def access_ended(self, message: dict) -> None:
        """Close when the right this socket was opened under ends (see
        ``realtime.access``); a message meant for other sockets is ignored."""
        if access.is_meant(
            message, session_key=self.session_key, groups=self.listening
        ):
            await self.end(access.CLOSE_CODES[message["reason"]])
