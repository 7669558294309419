"""Reports the release before wrote (its ``message`` column alone): the
migration names their items, and rows it writes during the deploy work."""

from importlib import import_module

import pytest
from django.apps import apps

from groupbuy.moderation.models import Report
from groupbuy.moderation.selectors import report_list_for_operator, reports_with_items
from groupbuy.moderation.services import report_hide
from groupbuy.moderation.tests.factories import (
    make_operator,
    make_thread_reply,
    report_message,
)
from groupbuy.sharing.models import Message

pytestmark = pytest.mark.django_db


def _written_by_the_release_before(reply, reporter) -> Report:
    report = report_message(actor=reporter, message=reply, reason="spam").report
    # the release before named the reply by its column alone
    Report.objects.filter(pk=report.pk).update(message=reply, item_kind="", item_id="")
    return Report.objects.get(pk=report.pk)


def test_the_migration_names_the_item_of_each_earlier_report_once():
    migration = import_module(
        "groupbuy.moderation.migrations.0002_report_item_kind_and_id"
    )
    # given two reports written before, of two replies
    reports = []
    for _ in range(2):
        sender, _friend, _share, reply = make_thread_reply()
        reports.append((_written_by_the_release_before(reply, sender), reply))
    # when the migration runs (and again, as the next release runs it)
    for _run in range(2):
        migration.name_the_items_of_earlier_reports(apps, None)
    # then each names its reply as a reply, the column kept
    for report, reply in reports:
        report.refresh_from_db()
        assert (report.item_kind, report.item_id) == ("reply", reply.public_id)
        assert report.message_id == reply.pk


def test_a_report_the_release_before_writes_during_the_deploy_is_a_reply():
    # given a report the release before wrote after the migration ran
    sender, _friend, share, reply = make_thread_reply()
    _written_by_the_release_before(reply, sender)
    operator = make_operator()
    # then the queue shows its reply
    (listed,) = reports_with_items(list(report_list_for_operator(user=operator)))
    assert (listed.item.body, listed.kind_label) == (
        reply.body,
        "Reply in a share's thread",
    )
    # and reporting the reply again answers it rather than adding one
    assert not report_message(actor=sender, message=reply, reason="fraud").is_new
    # and another's report of it is closed with it when an operator hides it
    third = share.participants.create(
        user=make_operator(), role="recipient", joined_at=reply.created_at
    ).user
    other = report_message(actor=third, message=reply, reason="spam").report
    report_hide(actor=operator, report_id=other.public_id)
    assert set(Report.objects.values_list("status", flat=True)) == {"hidden"}
    assert Message.objects.get(pk=reply.pk).removed_at is not None
