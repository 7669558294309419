"""A notification is read in the language its reader has the site in (the
inbox, the API, the live push), and sent (SMS, e-mail) in the recipient's
profile language."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext_lazy

from groupbuy.accounts.services import api_token_create
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.notify import senders
from groupbuy.notify.services import notification_enqueue
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db

# msgids the notify catalog translates
TITLE = interpolate_lazy(
    gettext_lazy("Page %(number)s of %(total)s"), {"number": 2, "total": 7}
)
BODY = gettext_lazy("Nothing here yet. News about your group-buys will appear here.")


def rendered(language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(TITLE), str(BODY)


def send_to_chinese_profile():
    shopper = make_user(preferred_language="zh-hans")
    notification = notification_enqueue(
        recipient=shopper, kind="test.languages", title=TITLE, body=BODY
    )
    return shopper, notification


def test_a_lazy_message_is_sent_in_the_profile_language_and_kept_in_the_others():
    # given the two languages read differently
    assert rendered("en") != rendered("zh-hans")
    # when
    _shopper, notification = send_to_chinese_profile()
    # then
    assert (notification.title, notification.body) == rendered("zh-hans")
    assert notification.texts == {
        "en": {"title": rendered("en")[0], "body": rendered("en")[1]}
    }
    assert notification.text_in("en") == rendered("en")
    assert notification.text_in("zh-hans") == rendered("zh-hans")
    assert "第 2 / 7 页" in senders.sms_text(notification)


def test_plain_text_is_kept_once_and_read_as_written_in_every_language():
    shopper = make_user(preferred_language="zh-hans")
    notification = notification_enqueue(
        recipient=shopper, kind="test.languages", title="Lan's kettle", body="Hi"
    )
    assert notification.texts == {}
    assert notification.text_in("en") == ("Lan's kettle", "Hi")


def test_the_inbox_and_the_api_speak_the_readers_language():
    # given a message sent while the shopper's profile was in Chinese
    shopper, _notification = send_to_chinese_profile()
    client = Client()
    client.force_login(shopper)
    # then the inbox, read in the profile's language, shows it in Chinese
    html = client.get("/inbox/").content.decode()
    assert rendered("zh-hans")[0] in html
    # and, once the site is switched to English, in English
    client.cookies["django_language"] = "en"
    html = client.get("/inbox/").content.decode()
    assert rendered("en")[0] in html
    assert rendered("zh-hans")[0] not in html
    # and the API, as the inbox, gives the profile's language whatever the
    # client's Accept-Language, or the one the language cookie switched to
    _token, secret = api_token_create(actor=shopper)
    for cookie, language in ((None, "zh-hans"), ("en", "en")):
        api = Client()
        if cookie:
            api.cookies["django_language"] = cookie
        headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
        response = api.get("/api/notify/notifications", headers=headers)
        [item] = response.json()["items"]
        assert (item["title"], item["body"]) == rendered(language)


def test_the_live_push_carries_each_language_for_each_socket_to_pick(monkeypatch):
    # ws/me/ sends each socket its reader's (notify test_consumers)
    pushed = []
    monkeypatch.setattr(senders, "publish", lambda group, event: pushed.append(event))
    _shopper, notification = send_to_chinese_profile()
    delivery = notification.deliveries.get(channel="in_app")
    with translation.override("en"):  # whoever's request caused it
        senders.send_in_app(delivery)
    shown = pushed[0]["notification"]
    assert shown["title"] == {
        "in_languages": {"zh-hans": rendered("zh-hans")[0], "en": rendered("en")[0]}
    }
    assert shown["body"] == {
        "in_languages": {"zh-hans": rendered("zh-hans")[1], "en": rendered("en")[1]}
    }
