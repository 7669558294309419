"""``ws/pools/<pool_id>/``: a pool's live state and chat, for its members only;
``ws/contacts/<contact_id>/``: the chat of an accepted contact request, for its
two sides only. A member who left the pool, or a side of a conversation that
was ended, is refused with 4403 (their sockets open then were closed so).

Like the realtime consumers it only forwards what services publish; posting a
message goes through the API (one write path), the socket carries the echo.
Everything a chat socket is sent is in its reader's language: the history is
read in it, and a live message comes with its author's name (and a removed
message with the platform's notice) in every language, of which each socket
is sent its reader's (``groupbuy.realtime.language``).
"""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.utils import translation

from groupbuy.core.errors import DomainError
from groupbuy.pooling.live import contact_group, pool_group
from groupbuy.realtime.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_FOUND,
    CLOSE_NOT_SIGNED_IN,
    SignedInConsumer,
)


def _pool_history(pool) -> dict:
    """The pool's messages (none until its chat opens) and its state: a page
    rendered before an answer its socket joined too late to hear still learns
    of it."""
    from groupbuy.pooling import selectors
    from groupbuy.pooling.services.answers import pool_state

    pool.refresh_from_db(fields=["state"])  # it may have been confirmed since
    confirmed = pool.state == pool.State.CONFIRMED
    messages = selectors.chat_history(pool=pool) if confirmed else []
    return {"messages": messages, **pool_state(pool)}


def _contact_history(contact) -> dict:
    from groupbuy.pooling import selectors

    contact.refresh_from_db(fields=["state"])  # it may have been accepted since
    if contact.state != contact.State.ACCEPTED:
        return {"messages": []}
    return {"messages": selectors.contact_chat_history(contact=contact)}


def _pool_of_member(user, pool_id: str):
    from groupbuy.pooling import selectors

    return selectors.pool_get_for_member(user=user, pool_id=pool_id)


def _contact_of_side(user, contact_id: str):
    from groupbuy.pooling import selectors

    return selectors.contact_get_for_user(user=user, contact_id=contact_id)


def _pool_left_by(pool, user) -> bool:
    from groupbuy.pooling import selectors

    return selectors.member_has_left(pool=pool, user=user)


def _contact_ended(contact, user) -> bool:
    return contact.state == contact.State.ENDED


class _ChatConsumer(SignedInConsumer):
    """4401 when signed out, 4404 for a room one is not in; on joining, the
    room's history (empty until its chat opens), in the reader's language.

    The history is read once the socket is in the room's group: a message
    posted between the membership check and joining the group would otherwise
    reach neither the history nor the socket. One posted after joining may come
    both ways; the page shows each message once (by id)."""

    url_kwarg: str
    # a live message names its author in each reader's language, as the
    # history does; until 2026-12-07 in the poster's for everyone
    speaks_readers_language = True
    room_for = None  # (user, room id) -> the room; a DomainError when not in it
    # room -> {"messages": its messages ([] until its chat opens), …}
    history_of = None
    group_for = None  # room id -> channel group
    # (room, user) -> whether they no longer take part (refused with 4403)
    has_ended_for = None

    @property
    def room_id(self) -> str:
        return self.scope["url_route"]["kwargs"][self.url_kwarg]

    async def may_join(self) -> bool:
        if not await super().may_join():
            self.refused_close_code = CLOSE_NOT_SIGNED_IN
            return False
        try:
            self.room = await database_sync_to_async(type(self).room_for)(
                self.scope["user"], self.room_id
            )
        except DomainError:
            self.refused_close_code = CLOSE_NOT_FOUND
            return False
        if await database_sync_to_async(type(self).has_ended_for)(
            self.room, self.scope["user"]
        ):
            # a pool left, a conversation ended: nothing more comes to them here
            self.refused_close_code = CLOSE_FORBIDDEN
            return False
        return True

    def groups_for_connection(self) -> list[str]:
        return [type(self).group_for(self.room_id)]

    async def on_joined(self) -> None:
        history = await database_sync_to_async(self._history)()
        await self.send_json({"type": "pooling.history", **history})

    def _history(self) -> dict:
        # Its authors are named as the reader's page names them ("Shopper A"
        # or "顾客 A"); until 2026-12-07 always in the site's language.
        with translation.override(self.language):
            return type(self).history_of(self.room)


class PoolConsumer(_ChatConsumer):
    url_kwarg = "pool_id"
    room_for = staticmethod(_pool_of_member)
    history_of = staticmethod(_pool_history)
    group_for = staticmethod(pool_group)
    has_ended_for = staticmethod(_pool_left_by)


class ContactConsumer(_ChatConsumer):
    url_kwarg = "contact_id"
    room_for = staticmethod(_contact_of_side)
    history_of = staticmethod(_contact_history)
    group_for = staticmethod(contact_group)
    has_ended_for = staticmethod(_contact_ended)
