"""A signed-in socket ends when the right it was opened under ends
(``realtime.access``), with a consumer of the tests' own (realtime imports no
app)."""

from types import SimpleNamespace

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from groupbuy.realtime import access
from groupbuy.realtime.access import (
    ACCESS_ENDED,
    SIGN_IN_CHANGED,
    SIGNED_OUT,
    sockets_end,
)
from groupbuy.realtime.publish import publish
from groupbuy.realtime.tests.rooms import application

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]


@pytest.fixture(autouse=True)
def sessions_hold(monkeypatch):
    """The tests' sessions are names only: each still signs its person in (the
    served stack's tests read real ones, notify/tests/test_socket_asgi.py)."""
    monkeypatch.setattr(access, "session_signs_in", lambda **_kwargs: True)


@pytest.fixture(params=["one subscription per process", "a channel per socket"])
def fanout_mode(request, settings):
    settings.GROUPBUY_FANOUT_PER_SOCKET = request.param == "a channel per socket"


def person(public_id: str):
    return SimpleNamespace(public_id=public_id, is_authenticated=True)


async def open_private(user, session_key: str, room: str = "") -> WebsocketCommunicator:
    path = f"/ws/private/{room}/" if room else "/ws/private/"
    communicator = WebsocketCommunicator(application, path)
    communicator.scope["user"] = user
    communicator.scope["session"] = SimpleNamespace(session_key=session_key)
    connected, _subprotocol = await communicator.connect()
    assert connected
    return communicator


async def still_listening(communicator, group: str = "private") -> bool:
    await sync_to_async(publish)(group, {"type": "x.news"})
    return await communicator.receive_json_from(timeout=5) == {"type": "x.news"}


async def closed_with(communicator) -> int:
    closing = await communicator.receive_output(timeout=5)
    assert closing["type"] == "websocket.close"
    return closing["code"]


@pytest.mark.usefixtures("fanout_mode")
async def test_signing_out_closes_that_browsers_sockets_only():
    # given one person signed in on a phone and a laptop, and another person
    ada, bob = person("usr_ada"), person("usr_bob")
    phone = await open_private(ada, "phone-session")
    laptop = await open_private(ada, "laptop-session")
    other = await open_private(bob, "phone-session")
    # when the phone signs out
    await sync_to_async(sockets_end)(
        user_public_id="usr_ada", reason=SIGNED_OUT, session_key="phone-session"
    )
    # then the phone's socket closes as signed out; the laptop and the other
    # person still hear what is published
    assert await closed_with(phone) == 4401
    assert await still_listening(laptop)
    assert await still_listening(other)
    await sync_to_async(publish)("private", {"type": "x.after"})
    assert await phone.receive_nothing()
    await laptop.disconnect()
    await other.disconnect()


@pytest.mark.usefixtures("fanout_mode")
async def test_a_sign_in_change_closes_every_socket_of_the_person_to_reconnect():
    ada, bob = person("usr_ada"), person("usr_bob")
    phone = await open_private(ada, "phone-session")
    laptop = await open_private(ada, "laptop-session")
    other = await open_private(bob, "bob-session")
    await sync_to_async(sockets_end)(user_public_id="usr_ada", reason=SIGN_IN_CHANGED)
    assert await closed_with(phone) == 4001
    assert await closed_with(laptop) == 4001
    assert await still_listening(other)
    await other.disconnect()


@pytest.mark.usefixtures("fanout_mode")
async def test_leaving_a_room_closes_the_sockets_of_that_room_only():
    # given a person with a socket in two rooms
    ada = person("usr_ada")
    tea = await open_private(ada, "phone-session", room="tea")
    cake = await open_private(ada, "phone-session", room="cake")
    # when their right to the tea room ends
    await sync_to_async(sockets_end)(
        user_public_id="usr_ada", reason=ACCESS_ENDED, groups=["private.tea"]
    )
    # then that room's socket closes as forbidden, the other still listens
    assert await closed_with(tea) == 4403
    assert await still_listening(cake, "private.cake")
    await cake.disconnect()


async def test_nothing_closes_when_the_transaction_rolls_back():
    ada = person("usr_ada")
    phone = await open_private(ada, "phone-session")

    def sign_in_changes_then_rolls_back():
        with transaction.atomic():
            sockets_end(user_public_id="usr_ada", reason=SIGN_IN_CHANGED)
            transaction.set_rollback(True)

    await sync_to_async(sign_in_changes_then_rolls_back)()
    assert await still_listening(phone)
    await phone.disconnect()


async def test_an_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        sockets_end(user_public_id="usr_ada", reason="bored")
