"""The Report link and form on a thread's reply, and the operators' queue."""

import pytest
from django.utils import translation

from groupbuy.moderation.models import Report
from groupbuy.moderation.services import report_hide
from groupbuy.moderation.tests.factories import (
    make_operator,
    make_staff,
    make_thread_reply,
    make_user,
    report_message,
)
from groupbuy.sharing.services import message_post

pytestmark = pytest.mark.django_db


def test_a_reply_of_someone_else_has_a_report_link_ones_own_has_none(client):
    sender, friend, share, reply = make_thread_reply()
    link = f'href="/moderation/replies/{reply.public_id}/report/"'
    client.force_login(sender)
    assert link in client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    client.force_login(friend)
    assert (
        link not in client.get(f"/sharing/threads/{share.public_id}/").content.decode()
    )


def test_a_participant_reports_a_reply_through_the_form(client):
    sender, _friend, share, reply = make_thread_reply()
    client.force_login(sender)
    url = f"/moderation/replies/{reply.public_id}/report/"
    form = client.get(url)
    assert form.status_code == 200 and "Buy fake watches" in form.content.decode()
    answer = client.post(url, {"reason": "fraud", "note": "a scam"}, follow=True)
    assert answer.redirect_chain[-1][0] == f"/sharing/threads/{share.public_id}/"
    assert "the platform&#x27;s operators will look at it" in answer.content.decode()
    assert Report.objects.get().reason == "fraud"
    # a missing reason is a form error, nothing is added
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and Report.objects.count() == 1


def test_someone_outside_the_thread_gets_a_404_and_reports_nothing(client):
    _sender, _friend, _share, reply = make_thread_reply()
    client.force_login(make_user())
    url = f"/moderation/replies/{reply.public_id}/report/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_the_queue_shows_open_reports_with_masked_reporter_and_hides_on_request(client):
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    client.force_login(make_operator())
    page = client.get("/operator/reports/").content.decode()
    assert "Buy fake watches at example.test" in page
    assert sender.phone not in page and sender.phone[-4:] in page
    assert f'id="hide-{report.public_id}"' in page
    client.post(f"/operator/reports/{report.public_id}/hide/")
    assert Report.objects.get().status == "hidden"
    assert "No reports." in client.get("/operator/reports/").content.decode()
    closed = client.get("/operator/reports/?status=hidden").content.decode()
    assert f'id="report-{report.public_id}"' in closed


def test_the_queue_and_its_actions_are_refused_to_shoppers_and_shop_staff(client):
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    for person in (sender, make_staff("owner"), make_staff("cashier")):
        client.force_login(person)
        assert client.get("/operator/reports/").status_code == 403
        page = f"/operator/reports/{report.public_id}/"
        assert client.get(page).status_code == 403
        for action in ("hide", "dismiss"):
            url = f"/operator/reports/{report.public_id}/{action}/"
            assert client.post(url).status_code == 403
    assert Report.objects.get().status == "open"


def test_a_hidden_reply_shows_the_notice_to_every_participant(client):
    sender, friend, share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    report_hide(actor=make_operator(), report_id=report.public_id)
    for person in (sender, friend):
        client.force_login(person)
        page = client.get(f"/sharing/threads/{share.public_id}/").content.decode()
        assert "This message was removed by the platform." in page
        assert "Buy fake watches" not in page
        assert f"/moderation/replies/{reply.public_id}/report/" not in page
        api = client.get(f"/api/sharing/threads/{share.public_id}").json()
        (shown,) = api["messages"]
        assert shown["body"] == "This message was removed by the platform."
        assert shown["is_removed"] is True


def test_the_report_form_of_a_hidden_reply_shows_the_notice_and_reports_nothing(
    client,
):
    sender, _friend, _share, reply = make_thread_reply()
    third = make_user()
    _share.participants.create(user=third, role="recipient", joined_at=reply.created_at)
    report = report_message(actor=sender, message=reply, reason="spam").report
    report_hide(actor=make_operator(), report_id=report.public_id)
    client.force_login(third)
    url = f"/moderation/replies/{reply.public_id}/report/"
    page = client.get(url).content.decode()
    assert "Buy fake watches" not in page
    assert "This message was removed by the platform." in page
    refused = client.post(url, {"reason": "spam"})
    assert refused.status_code == 400
    assert "The platform has already removed this message." in refused.content.decode()
    assert Report.objects.count() == 1


def test_an_operator_reads_the_reply_among_the_thread_around_it(client):
    # given a thread of a comment, the reported reply and an answer to it
    sender, _friend, share, reply = make_thread_reply()
    message_post(actor=sender, share=share, body="Please stop")
    report = report_message(actor=sender, message=reply, reason="spam").report
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    # when the operator opens the report
    page = client.get(f"/operator/reports/{report.public_id}/").content.decode()
    # then the reply is shown, marked, before the answer
    assert "Reply in a share&#x27;s thread" in page
    assert f'data-id="{reply.public_id}" aria-current="true"' in page
    assert page.index("Buy fake watches") < page.index("Please stop")
    assert client.get("/operator/reports/rpt_nothing/").status_code == 404


def test_the_queue_and_a_report_join_reason_and_note_with_a_chinese_colon(client):
    # An ASCII ": " between the reason and the note read as a typo in Chinese.
    # given a report with a note, and an operator who reads Chinese
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(
        actor=sender, message=reply, reason="spam", note="广告"
    ).report
    client.force_login(make_user(is_staff=True, preferred_language="zh-hans"))
    with translation.override("zh-hans"):
        reason = report.get_reason_display()
    # when they open the queue and the report
    pages = [
        client.get("/operator/reports/").content.decode(),
        client.get(f"/operator/reports/{report.public_id}/").content.decode(),
    ]
    # then both write the reason and the note as Chinese does
    for page in pages:
        assert f"{reason}：广告" in page
        assert f"{reason}: " not in page


@pytest.mark.parametrize("where", ["queue", "report"])
def test_hide_asks_first_saying_it_cannot_be_undone(client, where):
    # A hidden item is gone for everyone and its author is told at once: one
    # stray tap on Hide (it sat beside Dismiss) did that with nothing asked.
    # given an open report, and an operator who reads English
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    client.force_login(make_user(is_staff=True, preferred_language="en"))
    url = {
        "queue": "/operator/reports/",
        "report": f"/operator/reports/{report.public_id}/",
    }[where]
    # when they open the page
    page = client.get(url).content.decode()
    # then Hide opens a confirmation, whose button alone posts the hide
    confirm = page[page.index(f'id="hide-confirm-{report.public_id}"') :]
    confirm = confirm[: confirm.index("</details>")]
    assert f'<summary class="button" id="hide-{report.public_id}">Hide…' in confirm
    assert "It cannot be shown again." in confirm
    assert f'action="/operator/reports/{report.public_id}/hide/"' in confirm
    assert f'id="hide-{report.public_id}-confirm">Hide</button>' in confirm
    assert page.count(f'action="/operator/reports/{report.public_id}/hide/"') == 1
    assert Report.objects.get().status == "open"
