"""The whole WebSocket stack as served: origin check, session auth, routing."""

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from groupbuy.accounts import services as accounts_services
from groupbuy.accounts.tests.helpers import code_sent_to
from groupbuy.asgi import application
from groupbuy.notify.tests.factories import make_user
from groupbuy.realtime.access import session_signs_in
from groupbuy.realtime.publish import publish, user_group
from groupbuy.realtime.testing import (
    closed_with,
    fresh_channel_layer,  # noqa: F401
    open_as,
    signed_in_browsers,
)

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layer"),
]

SAME_ORIGIN = (b"origin", b"http://testserver")


def signed_in_cookie() -> bytes:
    client = Client()
    client.force_login(make_user())
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()


async def test_signed_in_browser_session_opens_the_user_socket():
    cookie = await database_sync_to_async(signed_in_cookie)()
    communicator = WebsocketCommunicator(
        application, "/ws/me/", headers=[SAME_ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_json_from() == {
        "type": "notify.unread",
        "unread_count": 0,
    }
    await communicator.disconnect()


async def test_anonymous_browser_is_closed_with_4401():
    communicator = WebsocketCommunicator(application, "/ws/me/", headers=[SAME_ORIGIN])
    connected, _ = await communicator.connect()
    assert connected
    assert await communicator.receive_output() == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_other_sites_cannot_open_a_socket():
    cookie = await database_sync_to_async(signed_in_cookie)()
    communicator = WebsocketCommunicator(
        application,
        "/ws/me/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", cookie)],
    )
    connected, _ = await communicator.connect()
    assert not connected


# --- the socket ends when the right it was opened under ends -------------------


async def open_user_socket(browser: Client) -> WebsocketCommunicator:
    return await open_as(browser, "/ws/me/")


async def listening(communicator, user) -> bool:
    await sync_to_async(publish)(user_group(user.public_id), {"type": "x.news"})
    return await communicator.receive_json_from(timeout=5) == {"type": "x.news"}


async def test_signing_out_closes_that_browsers_user_socket_only():
    # given a person signed in on a phone and a laptop, and another person
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    phone, laptop = await database_sync_to_async(signed_in_browsers)(shopper, 2)
    (elsewhere,) = await database_sync_to_async(signed_in_browsers)(stranger, 1)
    sockets = [await open_user_socket(b) for b in (phone, laptop, elsewhere)]
    for communicator in sockets:
        await communicator.receive_json_from(timeout=5)  # the unread count
    # when the phone signs out
    response = await database_sync_to_async(phone.post)(reverse("web:logout"))
    assert response.status_code == 302
    # then the phone's socket closes as signed out (its page stops
    # reconnecting); the laptop and the other person still hear their events
    assert await closed_with(sockets[0]) == 4401
    assert await listening(sockets[1], shopper)
    assert await listening(sockets[2], stranger)
    for communicator in sockets[1:]:
        await communicator.disconnect()


def change_password_in(browser: Client, user) -> None:
    sent = accounts_services.password_change_request(actor=user)
    response = browser.post(
        reverse("web:password_change_verify", args=[sent.verification.public_id]),
        {"code": code_sent_to(user.phone), "new_password": "a-new-secret-42"},
    )
    assert response.status_code == 302


async def test_a_password_change_ends_the_other_browsers_sockets():
    # given a person signed in on a phone and a laptop, and another person
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    phone, laptop = await database_sync_to_async(signed_in_browsers)(shopper, 2)
    (elsewhere,) = await database_sync_to_async(signed_in_browsers)(stranger, 1)
    sockets = [await open_user_socket(b) for b in (phone, laptop, elsewhere)]
    for communicator in sockets:
        await communicator.receive_json_from(timeout=5)  # the unread count
    # when they change their password on the phone
    await database_sync_to_async(change_password_in)(phone, shopper)
    # then both their sockets close to reconnect; the other person's stays
    assert await closed_with(sockets[0]) == 4001
    assert await closed_with(sockets[1]) == 4001
    assert await listening(sockets[2], stranger)
    await sockets[2].disconnect()
    # and reconnecting, the phone listens again; the laptop, signed out by the
    # change, is refused as signed out
    again = await open_user_socket(phone)
    assert (await again.receive_json_from(timeout=5))["type"] == "notify.unread"
    assert await listening(again, shopper)
    await again.disconnect()
    refused = await open_user_socket(laptop)
    assert await closed_with(refused) == 4401


def erase_account(user) -> None:
    from django.db import transaction

    from groupbuy.core.plugins import personal_data_providers

    providers = dict(personal_data_providers())
    with transaction.atomic():
        providers["accounts"].erase(user)


async def test_erasing_an_account_closes_all_its_sockets_for_good():
    # given a person signed in on two browsers, and another person
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    browsers = await database_sync_to_async(signed_in_browsers)(shopper, 2)
    (elsewhere,) = await database_sync_to_async(signed_in_browsers)(stranger, 1)
    sockets = [await open_user_socket(b) for b in (*browsers, elsewhere)]
    for communicator in sockets:
        await communicator.receive_json_from(timeout=5)  # the unread count
    # when their account is erased
    await database_sync_to_async(erase_account)(shopper)
    # then both their sockets close as signed out; the other person's stays
    assert await closed_with(sockets[0]) == 4401
    assert await closed_with(sockets[1]) == 4401
    assert await listening(sockets[2], stranger)
    await sockets[2].disconnect()


async def test_a_sign_out_while_the_socket_joins_still_closes_it(monkeypatch):
    # given a browser whose socket passes the sign-in check, and the person
    # signing out in that browser right then, before the socket listens for it
    from groupbuy.notify.consumers import UserConsumer

    shopper = await database_sync_to_async(make_user)()
    (browser,) = await database_sync_to_async(signed_in_browsers)(shopper, 1)
    checked = UserConsumer.may_join

    async def check_then_sign_out(consumer):
        allowed = await checked(consumer)
        await database_sync_to_async(browser.post)(reverse("web:logout"))
        return allowed

    monkeypatch.setattr(UserConsumer, "may_join", check_then_sign_out)
    # when the socket opens
    communicator = await open_user_socket(browser)
    # then it is closed as signed out, having delivered nothing
    assert await closed_with(communicator) == 4401


def signs_in_before_and_after_a_password_change(user, browser) -> tuple[bool, bool]:
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    before = session_signs_in(session_key=session_key, user=user)
    user.set_password("another-secret-77")
    user.save(update_fields=["password"])
    return before, session_signs_in(session_key=session_key, user=user)


async def test_a_session_no_longer_signs_in_once_the_password_changed():
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    (browser,) = await database_sync_to_async(signed_in_browsers)(shopper, 1)
    key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    # another person's session never signs them in
    assert not await database_sync_to_async(session_signs_in)(
        session_key=key, user=stranger
    )
    assert await database_sync_to_async(signs_in_before_and_after_a_password_change)(
        shopper, browser
    ) == (True, False)


def deactivate_in_the_admin(user) -> None:
    """Support switches the person's "active" off on their admin page."""
    support = Client()
    support.force_login(make_user(is_staff=True, is_superuser=True))
    answer = support.post(
        f"/admin/accounts/user/{user.pk}/change/",
        {
            "phone": user.phone,
            "display_name": user.display_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "contact_channel": user.contact_channel,
            # "is_active" left out: its box unticked
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active


async def test_deactivating_an_account_closes_all_its_sockets_for_good():
    # given a person signed in on two browsers, and another person
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    browsers = await database_sync_to_async(signed_in_browsers)(shopper, 2)
    (elsewhere,) = await database_sync_to_async(signed_in_browsers)(stranger, 1)
    sockets = [await open_user_socket(b) for b in (*browsers, elsewhere)]
    for communicator in sockets:
        await communicator.receive_json_from(timeout=5)  # the unread count
    # when support switches their account off in the admin
    await database_sync_to_async(deactivate_in_the_admin)(shopper)
    # then both their sockets close as signed out; the other person's stays
    assert await closed_with(sockets[0]) == 4401
    assert await closed_with(sockets[1]) == 4401
    assert await listening(sockets[2], stranger)
    await sockets[2].disconnect()
    # and a socket opened again from either browser is refused as signed out
    refused = await open_user_socket(browsers[0])
    assert await closed_with(refused) == 4401


def deactivate_in_a_shell(user) -> None:
    """Someone switches the person off with a plain save, not the admin."""
    user.is_active = False
    user.save()


async def test_an_account_switched_off_outside_the_admin_closes_its_sockets_too():
    # given a person signed in, and another person
    shopper = await database_sync_to_async(make_user)()
    stranger = await database_sync_to_async(make_user)()
    (browser,) = await database_sync_to_async(signed_in_browsers)(shopper, 1)
    (elsewhere,) = await database_sync_to_async(signed_in_browsers)(stranger, 1)
    sockets = [await open_user_socket(b) for b in (browser, elsewhere)]
    for communicator in sockets:
        await communicator.receive_json_from(timeout=5)  # the unread count
    # when their account is switched off by a save in a shell
    await database_sync_to_async(deactivate_in_a_shell)(shopper)
    # then their socket closes as signed out; the other person's stays
    assert await closed_with(sockets[0]) == 4401
    assert await listening(sockets[1], stranger)
    await sockets[1].disconnect()
