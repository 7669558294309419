"""A thread page open while others write and operators hide: a reply arriving
live by someone else gets Report, the reader's own does not, and a reply hidden
is replaced by the platform's notice on every page open then."""

import html
import re

import pytest

from groupbuy.realtime.language import event_in_language
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.services import message_post, message_remove
from groupbuy.sharing.tests.factories import make_product, make_share, make_user

pytestmark = pytest.mark.django_db

NOTICE = "This message was removed by the platform."
ZH_NOTICE = "这条消息已被平台删除。"


def _thread_page(client, user, share) -> str:
    client.force_login(user)
    page = client.get(f"/sharing/threads/{share.public_id}/")
    return page.content.decode()


def _reader_key(page: str) -> str:
    """The key the page gives its script for its reader's replies."""
    return html.unescape(re.search(r'data-reader-key="([^"]*)"', page).group(1))


def _replies(pushed) -> list[dict]:
    return [event for _group, event in pushed if event["type"] == "sharing.message"]


def test_a_live_reply_carries_its_authors_key_in_the_thread_not_their_name(pushed):
    # given Lan's share to Mei, and another of Lan's to Mei
    lan = make_user(display_name="Lan")
    mei = make_user(display_name="Mei")
    share = make_share(sender=lan, recipients=[mei])
    other_share = make_share(sender=lan, recipients=[mei])
    # when Mei replies in both
    message_post(actor=mei, share=share, body="Count me in")
    message_post(actor=mei, share=other_share, body="Me too")
    # then every copy of a reply carries one key for Mei in its thread, the
    # same for each reader, opaque (neither her id nor her name), and another
    # in the other thread
    keys = {}
    for event in _replies(pushed):
        message = event["message"]
        keys.setdefault(message["share"], set()).add(message["author_key"])
    assert [len(found) for found in keys.values()] == [1, 1]
    first, second = (found.pop() for found in keys.values())
    assert first != second
    assert mei.public_id not in first and "Mei" not in first


def test_the_page_gives_its_script_the_readers_key_and_the_live_report_link(
    client, pushed
):
    # given Mei's reply in Lan's share
    lan = make_user(preferred_language="en", display_name="Lan")
    mei = make_user(preferred_language="en", display_name="Mei")
    share = make_share(sender=lan, recipients=[mei])
    reply = message_post(actor=mei, share=share, body="Count me in")
    (mei_key,) = {event["message"]["author_key"] for event in _replies(pushed)}
    # when each opens the thread
    lans_page = _thread_page(client, lan, share)
    meis_page = _thread_page(client, mei, share)
    # then each page knows its reader by the key their replies carry
    assert _reader_key(meis_page) == mei_key
    assert _reader_key(lans_page) not in ("", mei_key)
    # and the link the script copies for a reply arriving live is the one the
    # reply shown has, but for its id
    placeholder, live_link = re.search(
        r'<template id="reply-report" data-item-id="([^"]+)">(.*?)</template>',
        lans_page,
        re.DOTALL,
    ).groups()
    shown = re.search(
        rf'<span class="reply-actions">.*?id="report-{reply.public_id}".*?</span>',
        lans_page,
    )
    assert live_link.replace(placeholder, reply.public_id) == shown.group(0)


def test_hiding_a_reply_tells_each_participants_open_pages_once_in_their_language(
    pushed,
):
    # given Mei's reply, with a product attached, in Lan's share to Mei and Zhu
    lan, mei, zhu = make_user(), make_user(), make_user()
    share = make_share(sender=lan, recipients=[mei, zhu])
    reply = message_post(
        actor=mei, share=share, body="Buy fakes", product=make_product()
    )
    pushed.clear()
    # when an operator hides it, twice
    operator = make_user(is_staff=True)
    message_remove(actor=operator, message=reply)
    message_remove(actor=operator, message=reply)
    # then each participant's pages were told once, with the notice in each
    # reader's language and nothing of the reply's text or product
    groups = [group for group, _event in pushed]
    assert sorted(groups) == sorted(user_group(p.public_id) for p in (lan, mei, zhu))
    for _group, event in pushed:
        assert event_in_language(event, "en") == {
            "type": "sharing.message.removed",
            "message": {
                "id": reply.public_id,
                "share": share.public_id,
                "body": NOTICE,
            },
        }
        assert event_in_language(event, "zh-hans")["message"]["body"] == ZH_NOTICE
    assert "Buy fakes" not in str(pushed)
