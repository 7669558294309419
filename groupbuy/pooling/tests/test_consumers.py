"""The pool and contact sockets: members (the two sides) get the history and
live messages; others are refused."""

import json
import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone, translation

from groupbuy.catalog.models import Product
from groupbuy.pooling import services
from groupbuy.pooling.consumers import ContactConsumer, PoolConsumer
from groupbuy.pooling.models import CartReport, Pool
from groupbuy.pooling.tests.factories import (
    make_promotion,
    make_request,
    make_shop,
    make_user,
)
from groupbuy.realtime.publish import publish, user_group
from groupbuy.realtime.testing import (
    closed_with,
    fresh_channel_layer,  # noqa: F401
    open_as,
    signed_in_browsers,
)

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

application = URLRouter(
    [
        path("ws/pools/<str:pool_id>/", PoolConsumer.as_asgi()),
        path("ws/contacts/<str:contact_id>/", ContactConsumer.as_asgi()),
    ]
)


def _confirmed_pool():
    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    users = [make_user(), make_user()]
    for user, amount in zip(users, (18_000, 12_000), strict=True):
        make_request(user=user, promotion=promotion, branch=branch, amount_fen=amount)
    # the online step matched them as the second request committed
    pool = Pool.objects.get()
    for user in users:
        pool = services.pool_answer(actor=user, pool=pool, accept=True)
    services.chat_post(actor=users[0], pool=pool, body="first")
    return pool, users, owner


async def _connect(pool_id, user, room="pools"):
    communicator = WebsocketCommunicator(application, f"/ws/{room}/{pool_id}/")
    communicator.scope["user"] = user
    connected, _sub = await communicator.connect()
    assert connected
    return communicator


async def test_members_get_history_then_live_messages():
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    await sync_to_async(_reading_in)(users[1], "en")  # named in their language
    socket = await _connect(pool.public_id, users[1])
    history = await socket.receive_json_from()
    assert [m["body"] for m in history["messages"]] == ["first"]
    # with the pool's state, for a page rendered before its socket joined
    assert (history["state"], history["answered"]) == ("confirmed", len(users))
    await sync_to_async(services.chat_post)(actor=users[0], pool=pool, body="till 3")
    event = await socket.receive_json_from()
    assert (event["type"], event["message"]["body"]) == ("pooling.chat", "till 3")
    assert event["message"]["author"] == "Shopper A"
    await socket.disconnect()


def _first_message_sent_at(pool, moment):
    pool.messages.update(created_at=moment)


async def test_the_history_and_live_messages_write_times_as_the_api_does(
    monkeypatch,
):
    # given a pool chat whose message was sent at a moment with microseconds
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    sent_at = timezone.now().replace(microsecond=123456)
    await sync_to_async(_first_message_sent_at)(pool, sent_at)
    monkeypatch.setattr(timezone, "now", lambda: sent_at)
    socket = await _connect(pool.public_id, users[1])
    # when
    history = await socket.receive_json_from()
    await sync_to_async(services.chat_post)(actor=users[0], pool=pool, body="till 3")
    event = await socket.receive_json_from()
    await socket.disconnect()
    # then
    written = sent_at.strftime("%Y-%m-%dT%H:%M:%S.123Z")
    assert [m["created_at"] for m in history["messages"]] == [written]
    assert event["message"]["created_at"] == written


@pytest.mark.parametrize(
    ("saved", "headers", "named"),
    [
        # their saved language over the browser's
        ("zh-hans", [(b"accept-language", b"en")], "顾客 A"),
        ("en", [(b"accept-language", b"zh-CN,zh")], "Shopper A"),
        # unless they just switched with the language cookie, as on the pages
        ("en", [(b"cookie", b"django_language=zh-hans")], "顾客 A"),
        ("zh-hans", [(b"cookie", b"csrftoken=x; django_language=en")], "Shopper A"),
    ],
)
async def test_the_history_names_authors_in_the_readers_language(
    settings, saved, headers, named
):
    # given a pool chat, and a member reading it in a language not the site's
    # default (a socket has no language of its own: it spoke the default)
    settings.LANGUAGE_CODE = "en" if named == "顾客 A" else "zh-hans"
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    users[1].preferred_language = saved
    await sync_to_async(users[1].save)(update_fields=["preferred_language"])
    # when they open its socket
    socket = WebsocketCommunicator(
        application, f"/ws/pools/{pool.public_id}/", headers=headers
    )
    socket.scope["user"] = users[1]
    assert (await socket.connect())[0]
    history = await socket.receive_json_from()
    await socket.disconnect()
    # then its history names the author as their page does
    assert [message["author"] for message in history["messages"]] == [named]


def _reading_in(user, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


async def _connect_reading_in(pool, user, language: str):
    await sync_to_async(_reading_in)(user, language)
    socket = await _connect(pool.public_id, user)
    await socket.receive_json_from()  # the history
    return socket


def _hidden_by_an_operator_in(language: str, message) -> None:
    from groupbuy.pooling.services.removal import chat_message_remove

    with translation.override(language):
        chat_message_remove(actor=None, message=message)


async def test_a_live_message_names_its_author_in_each_readers_language():
    # given a pool chat open in English on one member's page, in Chinese on
    # the other's
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    english = await _connect_reading_in(pool, users[0], "en")
    chinese = await _connect_reading_in(pool, users[1], "zh-hans")
    # when the English member writes (their request speaks English)
    with translation.override("en"):
        message = await sync_to_async(services.chat_post)(
            actor=users[0], pool=pool, body="till 3"
        )
    # then each page names the author as its own history does
    english_live = (await english.receive_json_from())["message"]
    chinese_live = (await chinese.receive_json_from())["message"]
    assert (english_live["author"], chinese_live["author"]) == ("Shopper A", "顾客 A")
    # and the rest of the message is the same for both, its author's key too
    assert {**chinese_live, "author": "Shopper A"} == english_live
    # when an operator reading Chinese hides the message
    await sync_to_async(_hidden_by_an_operator_in)("zh-hans", message)
    # then each page replaces it with the notice in its reader's language
    english_removed = (await english.receive_json_from())["message"]
    chinese_removed = (await chinese.receive_json_from())["message"]
    assert english_removed == {
        "id": message.public_id,
        "body": "This message was removed by the platform.",
    }
    assert chinese_removed == {
        "id": message.public_id,
        "body": "这条消息已被平台删除。",
    }
    for socket in (english, chinese):
        await socket.disconnect()


async def _queries_posting_with_open_pages(pool, users, languages) -> int:
    """The queries run while a message is posted and reaches a page of the pool
    open in each of ``languages`` (its second member's), the sockets' included:
    asgiref runs them in its one sync thread, where the count is taken."""
    sockets = []
    for language in languages:
        sockets.append(await _connect_reading_in(pool, users[1], language))
    queries = CaptureQueriesContext(connection)
    await sync_to_async(queries.__enter__)()
    await sync_to_async(services.chat_post)(actor=users[0], pool=pool, body="hello")
    for socket in sockets:
        assert (await socket.receive_json_from())["type"] == "pooling.chat"
    await sync_to_async(queries.__exit__)(None, None, None)
    for socket in sockets:
        await socket.disconnect()
    return await sync_to_async(len)(queries)  # read in that thread too


async def test_naming_the_author_in_each_readers_language_costs_no_query_per_page():
    # given a pool chat
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    # when a message is posted with one page open, then with four in two
    # languages
    one = await _queries_posting_with_open_pages(pool, users, ["en"])
    four = await _queries_posting_with_open_pages(
        pool, users, ["en", "zh-hans", "zh-hans", "en"]
    )
    # then the pages cost no query: the names came with the event
    assert four == one


def _key_on_the_page(pool, user) -> str:
    """The key the pool's page gives its script for ``user``'s own messages."""
    browser = signed_in_browsers(user, 1)[0]
    page = browser.get(reverse("pooling:pool", args=[pool.public_id]))
    return re.search(r'data-reader-key="([^"]*)"', page.content.decode()).group(1)


def _second_pool_of(user):
    """Another confirmed pool ``user`` is in, at another shop."""
    from groupbuy.pooling.tests.leaving import confirmed_pool

    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    with pytest.MonkeyPatch.context() as patch:
        pool, _users = confirmed_pool(
            patch,
            promotion=promotion,
            branch=branch,
            amounts=(18_000, 12_000),
            users=[user, make_user()],
        )
    return pool


async def test_a_message_carries_its_authors_key_on_every_path_and_in_its_pool_only():
    # given a pool chat the first member wrote in, open on the second's page
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    socket = await _connect(pool.public_id, users[1])
    # when the second writes too
    history = await socket.receive_json_from()
    await sync_to_async(services.chat_post)(actor=users[1], pool=pool, body="till 3")
    live = (await socket.receive_json_from())["message"]
    await socket.disconnect()
    # then each message carries its author's key, the one their page knows
    # them by, and two members' keys differ
    first, second = [
        await sync_to_async(_key_on_the_page)(pool, user) for user in users
    ]
    assert [m["author_key"] for m in history["messages"]] == [first]
    assert live["author_key"] == second
    assert first != second
    # and the same person is known by another key in another pool
    elsewhere = await sync_to_async(_second_pool_of)(users[0])
    assert await sync_to_async(_key_on_the_page)(elsewhere, users[0]) != first


@pytest.mark.parametrize("who", ["stranger", "merchant owner"])
async def test_another_user_or_merchant_is_refused(who):
    pool, _users, owner = await sync_to_async(_confirmed_pool)()
    intruder = owner if who == "merchant owner" else await sync_to_async(make_user)()
    socket = await _connect(pool.public_id, intruder)
    closing = await socket.receive_output()
    assert closing == {"type": "websocket.close", "code": 4404}


def _contact(*, accept: bool):
    """A shopper asked one who plans to buy tea; the other side answered."""
    _merchant, branch, owner = make_shop()
    tea = Product.objects.create(name_zh="茶", name_en="Tea")
    asker, planner = make_user(), make_user()
    cart = CartReport.objects.create(
        user=planner,
        branch=branch,
        kind=CartReport.Kind.INTENDED,
        amount_fen=5_000,
        items=[{"product_id": tea.public_id, "quantity": 1}],
        window_start_at=timezone.now(),
        window_end_at=timezone.now() + timedelta(hours=2),
    )
    services.profile_update(
        actor=planner, max_group_size=4, max_walk_m=500, is_discoverable=True
    )
    contact = services.contact_request(actor=asker, cart=cart, product=tea)
    services.contact_answer(actor=planner, contact=contact, accept=accept)
    if accept:
        services.contact_chat_post(actor=asker, contact=contact, body="hello")
    return contact, asker, planner, owner


async def test_the_two_sides_of_a_contact_get_history_then_live_messages():
    contact, asker, planner, _owner = await sync_to_async(_contact)(accept=True)
    socket = await _connect(contact.public_id, planner, room="contacts")
    history = await socket.receive_json_from()
    assert [m["body"] for m in history["messages"]] == ["hello"]
    await sync_to_async(services.contact_chat_post)(
        actor=asker, contact=contact, body="Saturday?"
    )
    event = await socket.receive_json_from()
    assert (event["type"], event["message"]["body"]) == ("pooling.chat", "Saturday?")
    # labelled with the number the page shows both sides once accepted
    assert event["message"]["author"] == asker.phone
    assert history["messages"][0]["author"] == asker.phone
    await socket.disconnect()


async def test_a_declined_contact_has_no_history():
    contact, asker, _planner, _owner = await sync_to_async(_contact)(accept=False)
    socket = await _connect(contact.public_id, asker, room="contacts")
    assert (await socket.receive_json_from())["messages"] == []
    await socket.disconnect()


@pytest.mark.parametrize("who", ["stranger", "merchant owner"])
async def test_another_user_or_merchant_is_refused_a_contact(who):
    contact, _asker, _planner, owner = await sync_to_async(_contact)(accept=True)
    intruder = owner if who == "merchant owner" else await sync_to_async(make_user)()
    socket = await _connect(contact.public_id, intruder, room="contacts")
    closing = await socket.receive_output()
    assert closing == {"type": "websocket.close", "code": 4404}


async def test_a_message_posted_while_joining_is_not_lost(monkeypatch):
    # given a member whose socket passes the membership check, and a message
    # posted right then, before the socket has joined the pool's group
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    checked = PoolConsumer.may_join

    async def check_then_someone_posts(consumer):
        allowed = await checked(consumer)
        await sync_to_async(services.chat_post)(
            actor=users[0], pool=pool, body="posted while joining"
        )
        return allowed

    monkeypatch.setattr(PoolConsumer, "may_join", check_then_someone_posts)
    socket = await _connect(pool.public_id, users[1])
    # then the history the socket gets has it
    history = await socket.receive_json_from()
    assert [m["body"] for m in history["messages"]] == ["first", "posted while joining"]
    await socket.disconnect()


async def test_the_numbers_being_shown_reach_open_pages_but_no_number_does():
    # given a confirmed pool of two, the first member's page open
    pool, users, _owner = await sync_to_async(_confirmed_pool)()
    socket = await _connect(pool.public_id, users[0])
    history = await socket.receive_json_from()
    assert history["phones_shown"] is False
    # when the first agrees to show their number, then the second
    events = []
    for user in users:
        await sync_to_async(services.pool_phone_consent)(
            actor=user, pool=pool, agree=True
        )
        events.append(await socket.receive_json_from())
    # then the page hears that the numbers are shown once both agreed (it asks
    # for itself again to see them), and no event carries a number
    assert [(e["type"], e["phones_shown"]) for e in events] == [
        ("pooling.pool", False),
        ("pooling.pool", True),
    ]
    for user in users:
        assert user.phone[-11:] not in json.dumps([history, *events])
    await socket.disconnect()


# --- a chat's socket ends with the sign-in it was opened under -------------------


@pytest.mark.usefixtures("fresh_channel_layer")
@pytest.mark.parametrize("room", ["pools", "contacts"])
async def test_signing_out_closes_that_members_chat_and_the_other_keeps_it(room):
    # given both sides of a chat with its page open in their browsers, and the
    # shop's owner signed in with their own socket open
    if room == "pools":
        chat, users, owner = await sync_to_async(_confirmed_pool)()
    else:
        chat, asker, planner, owner = await sync_to_async(_contact)(accept=True)
        users = [asker, planner]
    browsers = [
        (await database_sync_to_async(signed_in_browsers)(user, 1))[0] for user in users
    ]
    sockets = [await open_as(b, f"/ws/{room}/{chat.public_id}/") for b in browsers]
    for socket in sockets:
        await socket.receive_json_from(timeout=5)  # the history
    (owner_browser,) = await database_sync_to_async(signed_in_browsers)(owner, 1)
    owner_socket = await open_as(owner_browser, "/ws/me/")
    await owner_socket.receive_json_from(timeout=5)  # the unread count
    # when the first signs out
    await database_sync_to_async(browsers[0].post)(reverse("web:logout"))
    # then their chat closes as signed out; the other still gets new messages
    assert await closed_with(sockets[0]) == 4401
    if room == "pools":
        await sync_to_async(services.chat_post)(actor=users[1], pool=chat, body="hi")
    else:
        await sync_to_async(services.contact_chat_post)(
            actor=users[1], contact=chat, body="hi"
        )
    event = await sockets[1].receive_json_from(timeout=5)
    assert (event["type"], event["message"]["body"]) == ("pooling.chat", "hi")
    assert await sockets[0].receive_nothing()
    await sockets[1].disconnect()
    # and the shop's owner still hears their own events
    await sync_to_async(publish)(user_group(owner.public_id), {"type": "x.news"})
    assert await owner_socket.receive_json_from(timeout=5) == {"type": "x.news"}
    await owner_socket.disconnect()


# --- leaving a pool, ending a contact: that person's sockets end, not others' ---


async def _closed_after_news(communicator) -> int:
    """The code the socket closes with; news published in the same commit may
    come first (the room's group and the person's are told apart)."""
    while True:
        output = await communicator.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"]


def _pool_of_three():
    """A confirmed pool of ¥160 + ¥150 + ¥50 at 满300减50: without the third the
    others still reach the tier."""
    from groupbuy.pooling.tests.leaving import confirmed_pool

    merchant, branch, owner = make_shop()
    promotion = make_promotion(merchant=merchant, owner=owner)
    with pytest.MonkeyPatch.context() as patch:
        return confirmed_pool(
            patch, promotion=promotion, branch=branch, amounts=(16_000, 15_000, 5_000)
        )


@pytest.mark.usefixtures("fresh_channel_layer")
async def test_leaving_closes_the_leavers_pool_sockets_and_tells_the_others():
    # given the three members' pool pages open, and the leaver's personal socket
    pool, users = await sync_to_async(_pool_of_three)()
    browsers = [
        (await database_sync_to_async(signed_in_browsers)(user, 1))[0] for user in users
    ]
    path = f"/ws/pools/{pool.public_id}/"
    sockets = [await open_as(browser, path) for browser in browsers]
    for socket in sockets:
        await socket.receive_json_from(timeout=5)  # the history
    personal = await open_as(browsers[2], "/ws/me/")
    await personal.receive_json_from(timeout=5)  # the unread count
    # when the third leaves
    await sync_to_async(services.pool_leave)(actor=users[2], pool=pool)
    # then their pool socket closes as no longer taking part
    assert await _closed_after_news(sockets[2]) == 4403
    # the others' stay open and hear who left, then the pool's new state
    for socket in sockets[:2]:
        left = await socket.receive_json_from(timeout=5)
        assert (left["type"], left["seat"]) == ("pooling.left", "C")
        state = await socket.receive_json_from(timeout=5)
        assert (state["type"], state["state"], state["left"]) == (
            "pooling.pool",
            "confirmed",
            1,
        )
    await sync_to_async(services.chat_post)(actor=users[0], pool=pool, body="till 3")
    event = await sockets[1].receive_json_from(timeout=5)
    assert event["message"]["body"] == "till 3"
    # and the leaver's other sockets are theirs still
    await sync_to_async(publish)(user_group(users[2].public_id), {"type": "x.news"})
    while (await personal.receive_json_from(timeout=5))["type"] != "x.news":
        pass
    # a socket they open on the pool again is refused
    again = await open_as(browsers[2], path)
    assert await closed_with(again) == 4403
    for socket in (*sockets[:2], personal):
        await socket.disconnect()


@pytest.mark.usefixtures("fresh_channel_layer")
async def test_ending_a_contact_closes_the_enders_socket_and_tells_the_other():
    contact, asker, planner, _owner = await sync_to_async(_contact)(accept=True)
    browsers = [
        (await database_sync_to_async(signed_in_browsers)(user, 1))[0]
        for user in (asker, planner)
    ]
    path = f"/ws/contacts/{contact.public_id}/"
    sockets = [await open_as(browser, path) for browser in browsers]
    for socket in sockets:
        await socket.receive_json_from(timeout=5)  # the history
    await sync_to_async(services.contact_end)(actor=asker, contact=contact)
    assert await _closed_after_news(sockets[0]) == 4403
    event = await sockets[1].receive_json_from(timeout=5)
    assert event == {"type": "pooling.contact", "state": "ended"}
    await sockets[1].disconnect()


@pytest.mark.usefixtures("fresh_channel_layer")
async def test_ending_the_promotion_tells_a_confirmed_pools_open_pages():
    # given a confirmed pool's members with its page open
    pool, users = await sync_to_async(_pool_of_three)()
    browsers = [
        (await database_sync_to_async(signed_in_browsers)(user, 1))[0] for user in users
    ]
    path = f"/ws/pools/{pool.public_id}/"
    sockets = [await open_as(browser, path) for browser in browsers]
    for socket in sockets:
        await socket.receive_json_from(timeout=5)  # the history
    # when the shop ends the promotion
    promotion = await sync_to_async(lambda: pool.promotion)()
    await sync_to_async(services.promotion_end)(actor=None, promotion=promotion)
    # then each open page hears it, with when it ended, and the pool stays
    await sync_to_async(promotion.refresh_from_db)()
    for socket in sockets:
        event = await socket.receive_json_from(timeout=5)
        assert event == {
            "type": "pooling.promotion_ended",
            "pool_id": pool.public_id,
            "ended_at": promotion.ends_at.isoformat(),
        }
        await socket.disconnect()


async def test_a_socket_joining_after_the_promotion_ended_learns_it_on_joining():
    # given a confirmed pool, its socket joining while the promotion runs
    pool, users, owner = await sync_to_async(_confirmed_pool)()
    socket = await _connect(pool.public_id, users[0])
    history = await socket.receive_json_from()
    assert history["promotion_ended_at"] is None
    await socket.disconnect()
    # when the shop ends the promotion before a page's socket joins (the
    # notice went out to nobody that page could hear)
    promotion = await sync_to_async(lambda: pool.promotion)()
    await sync_to_async(services.promotion_end)(actor=owner, promotion=promotion)
    await sync_to_async(promotion.refresh_from_db)()
    # then the state the socket gets on joining says when it ended
    socket = await _connect(pool.public_id, users[1])
    history = await socket.receive_json_from()
    assert history["promotion_ended_at"] == promotion.ends_at.isoformat()
    await socket.disconnect()
