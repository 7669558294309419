"""Reports over the API: POST …/report, and /api/operator/reports."""

import pytest

from groupbuy.moderation.models import Report
from groupbuy.moderation.tests.factories import (
    bearer,
    make_operator,
    make_staff,
    make_thread_reply,
    make_user,
    report_message,
)

pytestmark = pytest.mark.django_db


def _report(client, user, reply, **body):
    return client.post(
        f"/api/moderation/replies/{reply.public_id}/report",
        {"reason": "spam", **body},
        content_type="application/json",
        headers=bearer(user),
    )


def test_a_report_is_created_then_answered_again_without_a_duplicate(client):
    sender, _friend, _share, reply = make_thread_reply()
    first = _report(client, sender, reply, note="ads")
    again = _report(client, sender, reply, reason="fraud")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["status"] == "open" and first.json()["reason"] == "spam"
    assert Report.objects.count() == 1


def test_bad_input_is_a_4xx_and_adds_nothing(client):
    sender, friend, _share, reply = make_thread_reply()
    assert _report(client, sender, reply, reason="boring").status_code == 422
    assert _report(client, sender, reply, note="x" * 201).status_code == 422
    assert _report(client, friend, reply).status_code == 409
    assert _report(client, make_user(), reply).status_code == 404
    assert _report(client, make_staff("owner"), reply).status_code == 404
    assert not Report.objects.exists()


def test_the_limit_of_a_day_is_a_429(client, settings):
    settings.GROUPBUY_MODERATION_REPORTS_PER_DAY = 0
    sender, _friend, _share, reply = make_thread_reply()
    answer = _report(client, sender, reply)
    assert answer.status_code == 429 and answer.json()["code"] == "rate_limited"


def test_operators_list_hide_and_dismiss_reports(client):
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    operator = make_operator()
    queue = client.get("/api/operator/reports", headers=bearer(operator)).json()
    (item,) = queue["items"]
    assert item["id"] == report.public_id and item["item_kind"] == "reply"
    assert item["reporter_phone"] != sender.phone and item["item_is_hidden"] is False
    detail = client.get(
        f"/api/operator/reports/{report.public_id}", headers=bearer(operator)
    ).json()
    assert [(each["id"], each["is_reported"]) for each in detail["context"]] == [
        (reply.public_id, True)
    ]
    assert detail["context"][0]["author_phone"] != reply.author.phone
    url = f"/api/operator/reports/{report.public_id}/hide"
    hidden = client.post(url, headers=bearer(operator))
    assert hidden.status_code == 200 and hidden.json()["item_is_hidden"] is True
    assert client.post(url, headers=bearer(operator)).json()["status"] == "hidden"
    dismiss = f"/api/operator/reports/{report.public_id}/dismiss"
    assert client.post(dismiss, headers=bearer(operator)).status_code == 409
    closed = client.get(
        "/api/operator/reports?status=hidden", headers=bearer(operator)
    ).json()
    assert [each["id"] for each in closed["items"]] == [report.public_id]


def test_shoppers_and_shop_staff_get_403_on_the_queue_and_its_actions(client):
    sender, _friend, _share, reply = make_thread_reply()
    report = report_message(actor=sender, message=reply, reason="spam").report
    for person in (sender, make_staff("owner"), make_staff("cashier")):
        headers = bearer(person)
        assert client.get("/api/operator/reports", headers=headers).status_code == 403
        detail = f"/api/operator/reports/{report.public_id}"
        assert client.get(detail, headers=headers).status_code == 403
        for action in ("hide", "dismiss"):
            url = f"/api/operator/reports/{report.public_id}/{action}"
            assert client.post(url, headers=headers).status_code == 403
    assert Report.objects.get().status == "open"
    missing = client.post(
        "/api/operator/reports/rpt_nothing/hide", headers=bearer(make_operator())
    )
    assert missing.status_code == 404


def test_the_api_document_names_every_kind_a_report_may_name():
    # A third-party app read /api/docs to learn the paths; demand-photos, the
    # kind a buyer demand's photo has, was missing there.
    from groupbuy.api import api
    from groupbuy.core.plugins import reportable_kinds

    # given the kinds the installed apps declare
    paths = {kind.path for kind in reportable_kinds().values()}
    # when the API document describes the report route
    document = api.get_openapi_schema()
    route = document["paths"]["/api/moderation/{kind_path}/{item_id}/report"]
    described = route["post"]["description"]
    # then it names each kind's path
    assert paths == {"replies", "pool-messages", "contact-messages", "demand-photos"}
    for path in paths:
        assert f"``{path}``" in described, path
