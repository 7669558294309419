"""A share's thread tells its people apart by keys of its own, never by their
account ids: each reply, each participant and each read receipt carries the
person's key in that thread (``core.ids.author_key``), another in every other
thread, so nothing a thread gives a client links its people to their accounts
or to their other threads. Until 2026-12-07 they carried ``usr_…`` ids."""

import html
import json
import re

import pytest

from groupbuy.sharing.services import message_post, thread_mark_read
from groupbuy.sharing.tests.factories import make_product, make_share, make_user
from groupbuy.sharing.tests.test_api import bearer

pytestmark = pytest.mark.django_db


def _api(client, user, method: str, path: str, **body):
    call = client.post if method == "post" else client.get
    answer = call(
        f"/api/sharing{path}",
        body or None,
        content_type="application/json",
        headers=bearer(user),
    )
    assert answer.status_code in (200, 201), answer.content
    return answer


def _share_between_lan_and_mei(client):
    """Lan shares with Mei (a member she picks), and they reply in turn."""
    lan, mei = make_user(display_name="Lan"), make_user(display_name="Mei")
    sent = _api(
        client,
        lan,
        "post",
        "/shares",
        product_id=make_product().public_id,
        member_ids=[mei.public_id],
    ).json()
    return lan, mei, sent["id"]


def test_a_threads_answers_name_each_person_by_their_key_in_it(client, pushed):
    # given Lan's share with Mei, a reply of each, and both having read it
    lan, mei, share_id = _share_between_lan_and_mei(client)
    thread = f"/threads/{share_id}"
    meis = _api(client, mei, "post", f"{thread}/messages", body="Count me in")
    lans = _api(client, lan, "post", f"{thread}/messages", body="Great")
    _api(client, mei, "post", f"{thread}/read")
    # when each reads the thread
    seen_by = {
        person: _api(client, person, "get", thread).json() for person in (lan, mei)
    }
    # then each reply carries its author's key, not their account id
    mei_key, lan_key = meis.json()["author_key"], lans.json()["author_key"]
    assert mei_key != lan_key and "" not in (mei_key, lan_key)
    for answer in (meis.json(), lans.json()):
        assert "author" not in answer and answer["is_mine"] is True
    for person, mine in ((lan, lan_key), (mei, mei_key)):
        messages = seen_by[person]["messages"]
        assert [m["author_key"] for m in messages] == [mei_key, lan_key]
        assert [m["is_mine"] for m in messages] == [
            k == mine for k in (mei_key, lan_key)
        ]
        # and each participant the key their replies carry, where "id" was
        assert [p["author_key"] for p in seen_by[person]["participants"]] == [
            lan_key,
            mei_key,
        ]
        assert "id" not in seen_by[person]["participants"][0]
    # and no answer, nor any live event, names an account
    answers = [
        meis,
        lans,
        _api(client, lan, "get", "/threads"),
        _api(client, lan, "get", thread),
    ]
    for text in [answer.content.decode() for answer in answers]:
        assert "usr_" not in text
    assert "usr_" not in json.dumps([event for _group, event in pushed])


def test_a_live_reply_tells_each_reader_whether_it_is_theirs(client, pushed):
    # given Lan's share with Mei
    lan, mei, share_id = _share_between_lan_and_mei(client)
    pushed.clear()
    # when Mei replies
    reply = _api(client, mei, "post", f"/threads/{share_id}/messages", body="Hi")
    # then each copy carries her key, and only her own says it is hers
    copies = {group: event["message"] for group, event in pushed}
    assert {group: copy["is_mine"] for group, copy in copies.items()} == {
        f"user.{lan.public_id}": False,
        f"user.{mei.public_id}": True,
    }
    assert {copy["author_key"] for copy in copies.values()} == {
        reply.json()["author_key"]
    }
    assert all("author" not in copy for copy in copies.values())


def test_one_person_has_another_key_in_each_thread(client):
    # given Mei in two of Lan's shares
    lan, mei = make_user(display_name="Lan"), make_user(display_name="Mei")
    shares = [make_share(sender=lan, recipients=[mei]) for _ in range(2)]
    # when Mei replies in both
    replies = [
        _api(client, mei, "post", f"/threads/{share.public_id}/messages", body="Me")
        for share in shares
    ]
    # then her replies carry two keys, and so do her places in the threads
    first, second = (reply.json()["author_key"] for reply in replies)
    assert first != second
    theirs = [
        _api(client, lan, "get", f"/threads/{share.public_id}").json()
        for share in shares
    ]
    assert [thread["participants"][1]["author_key"] for thread in theirs] == [
        first,
        second,
    ]


def test_a_receipt_gives_its_readers_key_once_they_are_named(pushed):
    # given Lan's share to Mei by her number: Mei is not named until she replies
    lan, mei = make_user(display_name="Lan"), make_user(display_name="Mei")
    share = make_share(sender=lan, recipients=[mei])
    # when Mei reads it, then replies and reads it again
    thread_mark_read(actor=mei, share=share)
    message_post(actor=mei, share=share, body="Count me in")
    (mei_key,) = {
        event["message"]["author_key"]
        for _group, event in pushed
        if event["type"] == "sharing.message"
    }
    thread_mark_read(actor=mei, share=share)
    # then Lan's first receipt gives no key (a key tells nothing, but she is
    # no one yet), the second the key of Mei's reply, for Lan's page to leave
    # it out of the replies Mei read
    receipts = [event for _group, event in pushed if event["type"] == "sharing.read"]
    assert [receipt["reader_key"] for receipt in receipts] == ["", mei_key]
    assert all("reader" not in receipt for receipt in receipts)


def _attribute(page: str, name: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(rf'{name}="([^"]*)"', page)]


def test_the_thread_page_gives_its_script_keys_not_account_ids(client):
    # given a reply of each in Lan's share with Mei, read by both
    lan = make_user(preferred_language="en", display_name="Lan")
    mei = make_user(preferred_language="en", display_name="Mei")
    share = make_share(sender=lan, recipients=[mei])
    message_post(actor=mei, share=share, body="Count me in")
    message_post(actor=lan, share=share, body="Great")
    keys = {}
    for person in (lan, mei):
        thread_mark_read(actor=person, share=share)
        client.force_login(person)
        # when each opens the thread page
        page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
        # then its reader is their key, and each reply its author's
        (keys[person],) = _attribute(page, "data-reader-key")
        keys[person, "replies"] = _attribute(page, "data-author-key")
        assert "data-me=" not in page and "data-author=" not in page
        assert lan.public_id not in page and mei.public_id not in page
    assert keys[lan] != keys[mei]
    assert keys[lan, "replies"] == keys[mei, "replies"] == [keys[mei], keys[lan]]
