"""Reporting a reply, and the operators' hide and dismiss."""

import pytest

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.moderation.models import Report
from groupbuy.moderation.services import report_dismiss, report_hide
from groupbuy.moderation.tests.factories import (
    make_operator,
    make_thread_reply,
    make_user,
    report_message,
)
from groupbuy.notify.models import Notification
from groupbuy.sharing.models import Message

pytestmark = pytest.mark.django_db


def test_a_participant_reports_a_reply_once_and_a_repeat_answers_the_same_report():
    # given the sender of a share and a reply their friend wrote in it
    sender, _friend, _share, reply = make_thread_reply()
    # when the sender reports it twice
    first = report_message(actor=sender, message=reply, reason="spam", note=" ads ")
    second = report_message(actor=sender, message=reply, reason="fraud")
    # then there is one open report, with the first reason, audited once
    assert first.is_new and not second.is_new
    assert second.report.pk == first.report.pk
    report = Report.objects.get()
    assert (report.reason, report.note, report.status) == ("spam", "ads", "open")
    assert AuditEntry.objects.filter(action="moderation.report.created").count() == 1


def test_reporting_ones_own_reply_or_an_unknown_reason_is_refused():
    _sender, friend, _share, reply = make_thread_reply()
    with pytest.raises(DomainError) as own:
        report_message(actor=friend, message=reply, reason="spam")
    assert own.value.code == "own_item"
    with pytest.raises(DomainError) as reason:
        report_message(actor=_sender, message=reply, reason="boring")
    assert reason.value.code == "invalid_reason"
    with pytest.raises(DomainError) as long_note:
        report_message(actor=_sender, message=reply, reason="other", note="x" * 201)
    assert long_note.value.code == "note_too_long"
    assert not Report.objects.exists()


def test_reports_are_limited_per_day(settings):
    # given a limit of 2 reports a day
    settings.GROUPBUY_MODERATION_REPORTS_PER_DAY = 2
    reporter = make_user()
    replies = []
    for _ in range(3):
        _s, _f, share, reply = make_thread_reply()
        share.participants.create(
            user=reporter, role="recipient", joined_at=reply.created_at
        )
        replies.append(reply)
    report_message(actor=reporter, message=replies[0], reason="spam")
    report_message(actor=reporter, message=replies[1], reason="spam")
    # when they report a third reply
    with pytest.raises(DomainError) as refused:
        report_message(actor=reporter, message=replies[2], reason="spam")
    # then it is refused with a 429, and the repeat of an open one still answers
    assert (refused.value.code, refused.value.status) == ("rate_limited", 429)
    assert Report.objects.count() == 2
    assert not report_message(actor=reporter, message=replies[0], reason="spam").is_new


def test_hiding_closes_every_open_report_of_the_reply_and_tells_its_author_once(
    django_capture_on_commit_callbacks,
):
    # given two participants reporting the same reply
    sender, friend, share, reply = make_thread_reply()
    third = make_user()
    share.participants.create(user=third, role="recipient", joined_at=reply.created_at)
    first = report_message(actor=sender, message=reply, reason="fraud").report
    other = report_message(actor=third, message=reply, reason="spam").report
    operator = make_operator()
    # when an operator hides it, twice
    with django_capture_on_commit_callbacks(execute=True):
        hidden = report_hide(actor=operator, report_id=first.public_id)
    again = report_hide(actor=operator, report_id=first.public_id)
    # then the reply is removed, both reports are closed, the author is told once
    assert hidden.status == again.status == "hidden"
    assert Message.objects.get(pk=reply.pk).removed_at is not None
    assert set(Report.objects.values_list("status", flat=True)) == {"hidden"}
    other.refresh_from_db()
    assert other.closed_by == operator
    told = Notification.objects.filter(recipient=friend, kind="moderation.item.hidden")
    assert told.count() == 1
    assert AuditEntry.objects.filter(action="moderation.report.hidden").count() == 2
    assert AuditEntry.objects.filter(action="sharing.message.removed").count() == 1
    # and a dismissed request after it is refused rather than undoing the hiding
    with pytest.raises(DomainError) as refused:
        report_dismiss(actor=operator, report_id=first.public_id)
    assert refused.value.status == 409


def test_dismissing_leaves_the_reply_and_is_safe_to_repeat():
    sender, friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="offensive").report
    operator = make_operator()
    report_dismiss(actor=operator, report_id=report.public_id)
    again = report_dismiss(actor=operator, report_id=report.public_id)
    assert again.status == "dismissed"
    assert Message.objects.get(pk=reply.pk).removed_at is None
    assert (
        not Notification.objects.filter(recipient=friend)
        .filter(kind="moderation.item.hidden")
        .exists()
    )
    assert AuditEntry.objects.filter(action="moderation.report.dismissed").count() == 1
    # the sender may report the reply again: a new report
    assert report_message(actor=sender, message=reply, reason="spam").is_new


def test_only_operators_hide_or_dismiss():
    sender, friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    for person in (sender, friend):
        for action in (report_hide, report_dismiss):
            with pytest.raises(DomainError) as refused:
                action(actor=person, report_id=report.public_id)
            assert refused.value.status == 403
    report.refresh_from_db()
    assert report.status == "open"


def test_a_reporters_export_holds_their_reports_and_erasure_empties_their_notes():
    from groupbuy.moderation.personal_data import ModerationPersonalData

    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="other", note="rude")
    provider = ModerationPersonalData()
    (exported,) = provider.export(sender).records["reports"]
    assert (exported["id"], exported["item_kind"], exported["item_id"]) == (
        report.report.public_id,
        "reply",
        reply.public_id,
    )
    assert exported["note"] == "rude"
    provider.erase(sender)
    assert Report.objects.get().note == ""
    assert Report.objects.get().reason == "other"
