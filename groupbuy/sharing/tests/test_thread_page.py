"""The thread page: headed, its replies a polite live log, each reply and the
share itself saying who wrote it and when."""

from datetime import UTC, datetime

import pytest

from groupbuy.sharing.models import Message, Share
from groupbuy.sharing.services import message_post
from groupbuy.sharing.tests.factories import make_share, make_user

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
        '  <ol class="thread-messages" id="thread-messages">'
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
