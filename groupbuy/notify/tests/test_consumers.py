"""ws/me/: a signed-in person's own events, starting with the unread count."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy

from groupbuy.core.plugins import websocket_urlpatterns
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.tests.factories import make_user
from groupbuy.realtime.publish import publish, user_group
from groupbuy.realtime.testing import fresh_channel_layer  # noqa: F401

# Consumers reach the database through database_sync_to_async, in other threads,
# so every test needs real transactions.
pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

application = URLRouter(websocket_urlpatterns())


async def connect(path: str, user=None) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path)
    if user is not None:
        communicator.scope["user"] = user
    connected, _subprotocol = await communicator.connect()
    assert connected
    return communicator


async def test_user_socket_rejects_anonymous_with_4401():
    from django.contrib.auth.models import AnonymousUser

    communicator = await connect("/ws/me/", user=AnonymousUser())
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_user_socket_starts_with_the_unread_count_and_gets_only_own_events():
    # given
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    assert await communicator.receive_json_from() == {
        "type": "notify.unread",
        "unread_count": 0,
    }
    # when
    await sync_to_async(publish)(
        user_group(stranger.public_id), {"type": "x.for_stranger"}
    )
    await sync_to_async(publish)(
        user_group(shopper.public_id), {"type": "x.for_shopper"}
    )
    # then
    assert await communicator.receive_json_from() == {"type": "x.for_shopper"}
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


def enqueue_and_commit(recipient, *, roll_back: bool = False):
    with transaction.atomic():
        notification = notification_enqueue(
            recipient=recipient,
            kind="deals.deal.succeeded",
            title="Your group-buy succeeded",
            body="Pick up your coupon.",
            url="/orders/",
        )
        if roll_back:
            transaction.set_rollback(True)
    return notification.public_id


async def test_user_socket_receives_notify_new_after_commit():
    # given
    shopper = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    await communicator.receive_json_from()
    # when
    notification_id = await database_sync_to_async(enqueue_and_commit)(shopper)
    # then
    event = await communicator.receive_json_from()
    assert event["type"] == "notify.new"
    assert event["unread_count"] == 1
    assert event["notification"]["id"] == notification_id
    assert event["notification"]["title"] == "Your group-buy succeeded"
    assert event["notification"]["url"] == "/orders/"
    assert event["notification"]["read_at"] is None
    assert await communicator.receive_nothing(timeout=0.1)
    await communicator.disconnect()


async def test_user_socket_receives_nothing_when_the_transaction_rolls_back():
    shopper = await database_sync_to_async(make_user)()
    communicator = await connect("/ws/me/", user=shopper)
    await communicator.receive_json_from()
    await database_sync_to_async(enqueue_and_commit)(shopper, roll_back=True)
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("saved", "headers", "notice"),
    [
        ("zh-hans", [(b"accept-language", b"en")], "这条消息已被平台删除。"),
        (
            "",
            [(b"accept-language", b"en")],
            "This message was removed by the platform.",
        ),
    ],
)
async def test_user_socket_sends_a_text_given_in_each_language_in_its_readers(
    saved, headers, notice
):
    # given a shopper's socket, their language saved or their browser's
    from django.utils.translation import gettext

    from groupbuy.realtime.language import in_each_language

    shopper = await database_sync_to_async(make_user)(preferred_language=saved)
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    communicator.scope["user"] = shopper
    assert (await communicator.connect())[0]
    await communicator.receive_json_from()
    # when an event for many readers gives its text in every language
    text = await sync_to_async(in_each_language)(
        lambda: gettext("This message was removed by the platform.")
    )
    await sync_to_async(publish)(
        user_group(shopper.public_id), {"type": "x.notice", "body": text}
    )
    # then the socket gets it in its reader's
    assert await communicator.receive_json_from() == {
        "type": "x.notice",
        "body": notice,
    }
    await communicator.disconnect()


# msgids the notify catalog translates
TITLE = gettext_lazy("Page %(number)s of %(total)s")
BODY = gettext_lazy("Nothing here yet. News about your group-buys will appear here.")


def enqueue_translated_and_commit(recipient) -> None:
    """A notification whose words the catalogs translate, committed."""
    with transaction.atomic():
        notification_enqueue(
            recipient=recipient, kind="test.languages", title=TITLE, body=BODY
        )


def rendered_title(language: str) -> str:
    with translation.override(language):
        return str(TITLE)


async def connect_with_cookie(user, cookie: str | None) -> WebsocketCommunicator:
    headers = [(b"accept-language", b"zh-hans")]
    if cookie:
        headers.append((b"cookie", f"django_language={cookie}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=headers)
    communicator.scope["user"] = user
    assert (await communicator.connect())[0]
    await communicator.receive_json_from()  # notify.unread
    return communicator


async def test_a_switch_of_the_sites_language_is_the_live_pushes_language_too():
    # given a shopper whose saved language is Chinese, signed in on the site
    shopper = await database_sync_to_async(make_user)(preferred_language="zh-hans")

    def switch_to_english():
        client = Client()
        client.force_login(shopper)
        client.post("/language/", {"language": "en", "next": "/"})
        shopper.refresh_from_db()
        return client.cookies["django_language"].value

    # when they switch the site to English from the header, and the page's
    # socket opens with the cookie that set
    cookie = await database_sync_to_async(switch_to_english)()
    communicator = await connect_with_cookie(shopper, cookie)
    await database_sync_to_async(enqueue_translated_and_commit)(shopper)
    # then their saved language is English, and a new notification is pushed
    # in English (as its SMS and e-mail are written)
    assert (cookie, shopper.preferred_language) == ("en", "en")
    event = await communicator.receive_json_from()
    assert event["notification"]["title"] == await sync_to_async(rendered_title)("en")
    await communicator.disconnect()


async def test_each_socket_gets_a_notification_in_its_pages_language():
    # given a shopper who saved Chinese but has the site in English in one
    # browser (switched there before signing in, or saved Chinese since on
    # another device), and another browser without a language cookie
    shopper = await database_sync_to_async(make_user)(preferred_language="zh-hans")
    english_page = await connect_with_cookie(shopper, "en")
    other_page = await connect_with_cookie(shopper, None)
    # when a notification is made for them
    await database_sync_to_async(enqueue_translated_and_commit)(shopper)
    # then each socket shows it as its page speaks: the cookie's, else the saved
    english = await english_page.receive_json_from()
    chinese = await other_page.receive_json_from()
    assert english["notification"]["title"] == await sync_to_async(rendered_title)("en")
    assert chinese["notification"]["title"] == await sync_to_async(rendered_title)(
        "zh-hans"
    )
    assert english["notification"]["title"] != chinese["notification"]["title"]
    await english_page.disconnect()
    await other_page.disconnect()
