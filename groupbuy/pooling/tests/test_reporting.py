"""Reporting a pool chat's or a contact chat's message (moderation's kinds):
who may report it, and what Hide and Dismiss do to it."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.moderation.models import Report
from groupbuy.moderation.selectors import item_for_reporter
from groupbuy.moderation.services import report_dismiss, report_hide, report_item
from groupbuy.moderation.tests.factories import make_operator
from groupbuy.notify.models import Notification
from groupbuy.pooling import selectors, services
from groupbuy.pooling.models import ContactMessage
from groupbuy.pooling.services import removal
from groupbuy.pooling.tests.factories import auth, make_user
from groupbuy.pooling.tests.leaving import confirmed_pool, contact_between
from groupbuy.realtime.language import event_in_language
from groupbuy.web.templatetags import page_parts

pytestmark = pytest.mark.django_db
NOTICE = "This message was removed by the platform."
ZH_NOTICE = "这条消息已被平台删除。"


@pytest.fixture(params=["pool-messages", "contact-messages"])
def room(request, shop, monkeypatch):
    """A chat with a message someone wrote and someone else there to report
    it: path, message, author, reporter, history (of the room), its page, the
    shop's owner, and the live events the room was sent."""
    published = []
    if request.param == "pool-messages":
        _merchant, branch, owner, promotion = shop
        pool, (author, reporter) = confirmed_pool(
            monkeypatch, promotion=promotion, branch=branch, amounts=(16_000, 15_000)
        )
        message = services.chat_post(actor=author, pool=pool, body="Buy fakes here")
        monkeypatch.setattr(
            removal, "publish_to_pool", lambda *args: published.append(args)
        )
        history = lambda: selectors.chat_history(pool=pool)  # noqa: E731
        page = reverse("pooling:pool", args=[pool.public_id])
    else:
        contact, author, reporter, owner = contact_between(accept=True)
        message = ContactMessage.objects.get(contact=contact)
        monkeypatch.setattr(
            removal, "publish_to_contact", lambda *args: published.append(args)
        )
        history = lambda: selectors.contact_chat_history(contact=contact)  # noqa: E731
        page = reverse("pooling:contact", args=[contact.public_id])
    for person in (author, reporter):  # the tests read the English pages
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    return {
        "path": request.param,
        "message": message,
        "author": author,
        "reporter": reporter,
        "history": history,
        "page": page,
        "owner": owner,
        "published": published,
    }


def _report(room, reason="spam", user=None):
    item = item_for_reporter(
        user=user or room["reporter"],
        path=room["path"],
        item_id=room["message"].public_id,
    )
    return report_item(actor=user or room["reporter"], item=item, reason=reason)


def test_someone_in_the_chat_reports_a_message_once_and_a_repeat_answers_it(room):
    # when the other side of the chat reports the message twice
    first = _report(room)
    second = _report(room, reason="fraud")
    # then one open report names the message by its kind
    assert first.is_new and not second.is_new
    report = Report.objects.get()
    assert second.report.pk == report.pk
    kind = {"pool-messages": "pool_message", "contact-messages": "contact_message"}
    assert (report.item_kind, report.item_id, report.reason) == (
        kind[room["path"]],
        room["message"].public_id,
        "spam",
    )
    # and its author may not report their own
    with pytest.raises(DomainError) as own:
        _report(room, user=room["author"])
    assert own.value.code == "own_item"


def test_someone_outside_the_chat_gets_a_404_and_reports_nothing(room):
    for outsider in (make_user(), room["owner"]):
        with pytest.raises(DomainError) as refused:
            _report(room, user=outsider)
        assert refused.value.status == 404
    assert not Report.objects.exists()


def test_hiding_replaces_the_message_for_everyone_live_and_tells_its_author(
    room, django_capture_on_commit_callbacks
):
    # given a report of the message
    report = _report(room).report
    operator = make_operator()
    # when an operator hides it, twice
    with django_capture_on_commit_callbacks(execute=True):
        report_hide(actor=operator, report_id=report.public_id)
    with django_capture_on_commit_callbacks(execute=True):
        report_hide(actor=operator, report_id=report.public_id)
    # then the chat shows the notice in its place (for everyone: one history)
    (shown,) = room["history"]()
    assert (shown["body"], shown["is_removed"]) == (NOTICE, True)
    message = type(room["message"]).objects.get(pk=room["message"].pk)
    assert message.body == room["message"].body and message.removed_at is not None
    # and the pages open now were told once, with the notice (each in its
    # reader's language)
    ((_room_id, event),) = room["published"]
    assert event_in_language(event, "en") == {
        "type": "pooling.chat.removed",
        "message": {"id": message.public_id, "body": NOTICE},
    }
    assert event_in_language(event, "zh-hans")["message"]["body"] == ZH_NOTICE
    # and its author is told once, with a link to the chat
    told = Notification.objects.get(
        recipient=room["author"], kind="moderation.item.hidden"
    )
    assert told.url.startswith(room["page"])
    assert AuditEntry.objects.filter(action__endswith="removed").count() == 1
    # and a message hidden may not be reported again
    with pytest.raises(DomainError) as again:
        _report(room)
    assert again.value.code == "already_removed"


def test_dismissing_leaves_the_message_and_closes_the_report(room):
    report = _report(room).report
    report_dismiss(actor=make_operator(), report_id=report.public_id)
    (shown,) = room["history"]()
    assert (shown["body"], shown["is_removed"]) == (room["message"].body, False)
    assert Report.objects.get().status == "dismissed"
    assert room["published"] == []
    assert not Notification.objects.filter(kind="moderation.item.hidden").exists()


def test_the_api_reports_for_someone_in_the_chat_and_404s_for_others(client, room):
    url = f"/api/moderation/{room['path']}/{room['message'].public_id}/report"

    def post(user):
        return client.post(
            url,
            {"reason": "offensive"},
            content_type="application/json",
            headers=auth(user),
        )

    # another shopper and the shop's owner may not tell it exists
    assert post(make_user()).status_code == 404
    assert post(room["owner"]).status_code == 404
    assert post(room["reporter"]).status_code == 201
    assert post(room["reporter"]).status_code == 200
    assert Report.objects.count() == 1


def test_the_page_offers_report_on_the_others_messages_and_the_notice_once_hidden(
    client, room
):
    link = f'href="/moderation/{room["path"]}/{room["message"].public_id}/report/"'
    client.force_login(room["reporter"])
    assert link in client.get(room["page"]).content.decode()
    client.force_login(room["author"])
    assert link not in client.get(room["page"]).content.decode()
    # once hidden, everyone reads the notice and no one may report it
    report_hide(actor=make_operator(), report_id=_report(room).report.public_id)
    for person in (room["author"], room["reporter"]):
        client.force_login(person)
        page = client.get(room["page"]).content.decode()
        assert NOTICE in page and room["message"].body not in page
        assert link not in page


def _live_report_link(page: str) -> tuple[str, str] | None:
    """The Report link the chat's script copies for a message arriving live:
    (its placeholder id, the link), or None when the page holds none."""
    found = re.search(
        r'<template id="chat-report" data-item-id="([^"]+)">(.*?)</template>',
        page,
        re.DOTALL,
    )
    return found.groups() if found else None


def _reader_key(page: str) -> str:
    """The key the page gives its script for its reader's messages."""
    return html.unescape(re.search(r'data-reader-key="([^"]*)"', page).group(1))


def test_the_page_gives_its_script_the_report_link_of_messages_arriving_live(
    client, room
):
    # given someone in the chat reading its page, a message of another shown
    client.force_login(room["reporter"])
    page = client.get(room["page"], headers={"Accept-Language": "en"})
    page = page.content.decode()
    # then the link the script copies for a message arriving live is the one
    # the message shown has, but for its id
    placeholder, live_link = _live_report_link(page)
    message_id = room["message"].public_id
    shown = re.search(
        rf'<span class="reply-actions">.*?id="report-{message_id}".*?</span>', page
    )
    assert live_link.replace(placeholder, message_id) == shown.group(0)
    # and the page gives its reader's key, the one their messages carry in
    # any language (not their name: a message comes named in its poster's),
    # so that the script offers Report on the others' messages only
    assert room["history"]()[0]["author_key"] != _reader_key(page)
    client.force_login(room["author"])
    page = client.get(room["page"], headers={"Accept-Language": "en"})
    assert room["history"]()[0]["author_key"] == _reader_key(page.content.decode())


def test_an_ended_conversation_knows_its_reader_by_the_key_of_their_messages(
    client,
):
    # given a contact chat the asker wrote in, read by them while it was open
    contact, asker, planner, _owner = contact_between(accept=True)
    client.force_login(asker)
    page = client.get(reverse("pooling:contact", args=[contact.public_id]))
    reader_key = _reader_key(page.content.decode())
    # when the other side ends it (its authors are named "Shopper A/B" now,
    # where the open page named the asker by their number)
    services.contact_end(actor=planner, contact=contact)
    # then the earlier messages the page loads still carry the asker's key
    history = selectors.contact_chat_history(contact=contact)
    assert [message["author_key"] for message in history] == [reader_key]


def test_no_report_link_for_live_messages_without_an_app_that_reports(
    client, room, monkeypatch
):
    # given no app filling the chat messages' actions (moderation not there)
    monkeypatch.setattr(page_parts, "page_part_templates", lambda slot: [])
    client.force_login(room["reporter"])
    # then the chat's page gives its script no Report link to copy
    page = client.get(room["page"], headers={"Accept-Language": "en"})
    assert _live_report_link(page.content.decode()) is None


def test_the_operators_read_the_kind_and_the_message_among_its_neighbours(client, room):
    # given a report of the message, with a reply written after it
    report = _report(room).report
    operator = make_user(is_staff=True, preferred_language="en")
    client.force_login(operator)
    # then the queue names its kind and links to the report's page
    queue = client.get("/operator/reports/").content.decode()
    label = {"pool-messages": "pool chat", "contact-messages": "contact chat"}
    assert f"Message in a {label[room['path']]}" in queue
    assert f'href="/operator/reports/{report.public_id}/"' in queue
    # where the message is shown as it was written, marked as the one reported
    page = client.get(f"/operator/reports/{report.public_id}/").content.decode()
    reported = f'data-id="{room["message"].public_id}" aria-current="true"'
    assert reported in page and room["message"].body in page
    detail = client.get(
        f"/api/operator/reports/{report.public_id}", headers=auth(operator)
    ).json()
    assert [(each["text"], each["is_reported"]) for each in detail["context"]][-1] == (
        room["message"].body,
        True,
    )
    assert detail["context_url"] == (
        f"http://testserver/operator/reports/{report.public_id}/"
    )
