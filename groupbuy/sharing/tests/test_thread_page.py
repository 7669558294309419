"""The thread page: headed, its replies a polite live log, each reply and the
share itself saying who wrote it and when."""

from datetime import UTC, datetime

import pytest

from groupbuy.accounts.phones import mask_phone
from groupbuy.realtime.publish import user_group
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Message, Share
from groupbuy.sharing.selectors import reply_author_key
from groupbuy.sharing.services import message_post, share_send, thread_mark_read
from groupbuy.sharing.tests.factories import make_product, make_share, make_user

pytestmark = pytest.mark.django_db


def test_the_thread_page_has_a_heading_a_live_log_and_labelled_people(client):
    # given a share with a reply, sent at 11:14 UTC (19:14 in Shanghai)
    sender = make_user(preferred_language="en", display_name="Lan")
    friend = make_user(preferred_language="en", display_name="Mei")
    share = make_share(sender=sender, recipients=[friend], comment="Shall we?")
    message_post(actor=friend, share=share, body="Count me in")
    sent_at = datetime(2026, 12, 6, 11, 14, tzinfo=UTC)
    Share.objects.filter(pk=share.pk).update(created_at=sent_at)
    Message.objects.update(created_at=sent_at)
    # when the sender opens it
    client.force_login(sender)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then it is headed, and the replies are a polite live log around the list
    assert '<h1 id="thread-title">Conversation about Jasmine tea</h1>' in page
    assert (
        '<div id="thread-log" role="log" aria-live="polite" aria-label="Replies">\n'
        '  <ol class="thread-messages" id="thread-messages"'
    ) in page
    # and the people line is labelled
    assert (
        '<span id="thread-people-label">In this conversation:</span> '
        '<span id="thread-people">Lan, Mei</span>'
    ) in page
    # and the share says who sent it and when, as a reply does
    assert (
        '<p class="small muted" id="share-sent"><strong>Lan</strong> · '
        '<time datetime="2026-12-06T19:14:00+08:00">2026-12-06 19:14</time></p>'
    ) in page
    assert (
        '<p class="small muted message-meta"><strong class="message-author">Mei'
        '</strong> · <time datetime="2026-12-06T19:14:00+08:00">2026-12-06 19:14'
        "</time>"
    ) in page
    # and the page gives its script the site's time zone for live replies
    assert 'data-time-zone="Asia/Shanghai"' in page


def test_a_live_receipt_names_the_reader_as_each_readers_page_does(pushed):
    # given Lan's share to Mei (whom Lan calls "Mum") and Zhu, by number
    lan = make_user(display_name="Lan")
    mei, zhu = make_user(display_name="Mei"), make_user(display_name="Zhu")
    share = share_send(
        actor=lan,
        product=make_product(),
        contacts=[Contact(name="Mum", address=mei.phone), Contact("", zhu.phone)],
        comment="Shall we?",
    )
    pushed.clear()
    # when Mei reads the thread
    thread_mark_read(actor=mei, share=share)
    # then Lan's receipt names her "Mum", Zhu's her masked number, as their
    # pages' "Read by" do; neither gives her key (she has not spoken)
    receipts = {group: event for group, event in pushed}
    assert receipts == {
        user_group(lan.public_id): {
            "type": "sharing.read",
            "share": share.public_id,
            "reader_key": "",
            "reader_name": "Mum",
            "read_at": receipts[user_group(lan.public_id)]["read_at"],
        },
        user_group(zhu.public_id): {
            "type": "sharing.read",
            "share": share.public_id,
            "reader_key": "",
            "reader_name": mask_phone(mei.phone),
            "read_at": receipts[user_group(zhu.public_id)]["read_at"],
        },
    }
    assert "Mei" not in str(pushed)


def test_each_reply_gives_the_page_its_author_and_readers_for_live_receipts(client):
    # given a reply Lan has read
    lan = make_user(preferred_language="en", display_name="Lan")
    mei = make_user(preferred_language="en", display_name="Mei")
    share = make_share(sender=lan, recipients=[mei])
    message = message_post(actor=mei, share=share, body="Count me in")
    meis_key = reply_author_key(share=share, user_id=mei.pk)
    thread_mark_read(actor=lan, share=share)
    # when Mei opens the thread
    client.force_login(mei)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then the reply carries its author's key in the thread (the page's own
    # for Mei) and its readers, and the list the words "Read by", for the
    # script to add a reader live
    assert (
        f'data-message-id="{message.public_id}" data-author-key="{meis_key}" '
        'data-readers="[&quot;Lan&quot;]"'
    ) in page
    assert f'data-reader-key="{meis_key}"' in page
    assert 'id="thread-messages" data-read-by-label="Read by"' in page


def test_a_reload_does_not_name_the_reader_among_a_replys_readers(client):
    # given Lan's share to Mei and Zhu (named: Zhu said hello); Mei replied,
    # and Zhu has read it
    lan = make_user(preferred_language="en", display_name="Lan")
    mei = make_user(preferred_language="en", display_name="Mei")
    zhu = make_user(preferred_language="en", display_name="Zhu")
    share = make_share(sender=lan, recipients=[mei, zhu])
    message_post(actor=zhu, share=share, body="Hello")
    message = message_post(actor=mei, share=share, body="Count me in")
    thread_mark_read(actor=zhu, share=share)
    client.force_login(lan)
    client.get(f"/sharing/threads/{share.public_id}/")  # opening it reads it
    # when Lan loads the thread again
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    # then the reply is read by Zhu, not by Lan herself, as the live page
    # (whose receipts go to the others only) says it
    assert "Read by Zhu</span>" in page
    assert (
        f'data-message-id="{message.public_id}" data-author-key="'
        f'{reply_author_key(share=share, user_id=mei.pk)}" '
        'data-readers="[&quot;Zhu&quot;]"'
    ) in page
    # and so does the API's thread
    thread = client.get(f"/api/sharing/threads/{share.public_id}").json()
    assert thread["messages"][1]["read_by"] == ["Zhu"]
    # and Zhu, reloading in turn, sees Lan's reading and not her own
    client.force_login(zhu)
    page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    assert "Read by Lan</span>" in page
