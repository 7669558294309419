"""Failed deliveries for operators: the list, the retry and the days' chart,
as a service, a page (/operator/deliveries/) and the operator API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.core.errors import Forbidden
from groupbuy.core.models import AuditEntry
from groupbuy.notify import senders
from groupbuy.notify.delivery import delivery_attempt
from groupbuy.notify.models import Delivery
from groupbuy.notify.selectors import (
    delivery_failed_list_for_operator,
    delivery_failed_per_day,
    delivery_failed_row,
)
from groupbuy.notify.services import delivery_retry_failed, notification_enqueue
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.notify.tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_websocket_pushes(monkeypatch):
    monkeypatch.setattr(senders, "publish", lambda *args: None)


def failed_delivery(channel: str = "sms", *, recipient=None, error="SmsError: down"):
    """A delivery that ran out of attempts, failed as the worker fails it."""
    notification = notification_enqueue(
        recipient=recipient or make_user(email="lin.wei@example.com"),
        kind="deals.deal.failed",
        title="Your group-buy did not reach its target",
        body="Private words for the shopper only",
        channels=[channel],
    )
    delivery = notification.deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.FAILED,
        attempts=6,
        last_error=error,
        failed_at=timezone.now(),
        next_attempt_at=None,
    )
    delivery.refresh_from_db()
    return delivery


def make_operator():
    return make_user(is_staff=True)


def make_owner():
    return make_merchant_member().user


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


# The service


def test_retrying_a_channel_queues_its_failed_deliveries_once(
    django_capture_on_commit_callbacks,
):
    # given two failed texts and a failed e-mail
    operator = make_operator()
    texts = [failed_delivery("sms"), failed_delivery("sms")]
    email = failed_delivery("email", error="SMTPRecipientsRefused")
    # when the operator retries every failed text, twice
    with django_capture_on_commit_callbacks(execute=True):
        first = delivery_retry_failed(actor=operator, channel="sms")
    with django_capture_on_commit_callbacks(execute=True):
        again = delivery_retry_failed(actor=operator, channel="sms")
    # then each text was sent once, and the e-mail was left failed
    assert (first, again) == (2, 0)
    assert len(MemorySmsBackend.outbox) == 2
    for delivery in texts:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)
        assert delivery.failed_at is None
    email.refresh_from_db()
    assert email.status == Delivery.Status.FAILED
    retried = AuditEntry.objects.filter(action="notify.delivery.retried")
    assert retried.count() == 2
    assert {entry.actor for entry in retried} == {operator}


def test_only_operators_may_retry_and_a_refusal_changes_nothing():
    delivery = failed_delivery()
    for person in (make_user(), make_owner()):
        with pytest.raises(Forbidden):
            delivery_retry_failed(actor=person, delivery_ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert not AuditEntry.objects.filter(action="notify.delivery.retried").exists()


def fail_for_good(monkeypatch, channel: str = "sms"):
    """A notification whose one delivery the provider refused for good, as a
    worker tried it."""

    def refuse(delivery):
        raise senders.DeliveryRejected("refused")

    monkeypatch.setitem(senders.SENDERS, channel, refuse)
    notification = notification_enqueue(
        recipient=make_user(email="a@example.com"),
        kind="deals.deal.failed",
        title="t",
        body="b",
        channels=[channel],
    )
    delivery_attempt(delivery_id=notification.deliveries.get().pk)
    return notification


def test_a_delivery_that_fails_for_good_records_when(monkeypatch):
    # given a text the provider refuses for good
    before = timezone.now()
    # when a worker tries it
    notification = fail_for_good(monkeypatch)
    # then it is failed, with the moment it failed
    delivery = notification.deliveries.get()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.failed_at >= before


# The selectors


def test_the_list_is_newest_first_filtered_and_refused_to_others():
    older = failed_delivery("sms")
    Delivery.objects.filter(pk=older.pk).update(
        failed_at=timezone.now() - timedelta(hours=2)
    )
    newer = failed_delivery("sms")
    email = failed_delivery("email")
    failed_delivery("in_app")
    operator = make_operator()
    every = delivery_failed_list_for_operator(user=operator)
    texts = delivery_failed_list_for_operator(user=operator, channel="sms")
    assert list(texts) == [newer, older]
    assert email in every and len(every) == 4
    for person in (make_user(), make_owner()):
        with pytest.raises(Forbidden):
            delivery_failed_list_for_operator(user=person)


def test_a_row_masks_the_recipient_and_the_error_and_shows_no_body():
    # given failures whose errors name the recipient
    person = make_user(email="lin.wei@example.com")
    text = failed_delivery(
        "sms", recipient=person, error=f"SmsError: {person.phone} unreachable"
    )
    email = failed_delivery(
        "email",
        recipient=person,
        error="SMTPRecipientsRefused: lin.wei@example.com " + "x" * 300,
    )
    # when they are shown to an operator
    text_row = delivery_failed_row(text)
    email_row = delivery_failed_row(email)
    # then neither the number nor the address is there in full
    assert text_row["recipient"] == person.phone[:-8] + "****" + person.phone[-4:]
    assert person.phone not in text_row["error"]
    assert text_row["error"].startswith("SmsError: +86")
    assert email_row["recipient"] == "l****@example.com"
    assert "lin.wei@" not in email_row["error"]
    assert len(email_row["error"]) <= 120
    assert text_row["kind"] == "deals.deal.failed"
    assert text_row["id"] == f"{text.notification.public_id}-sms"
    assert "Private words" not in str(text_row) + str(email_row)


def test_failures_per_day_count_each_failure_on_its_day_by_channel(monkeypatch):
    # given a text that failed today and one 3 days ago, an e-mail 40 days ago
    for channel, days_ago in (("sms", 0), ("sms", 3), ("email", 40)):
        notification = fail_for_good(monkeypatch, channel)
        AuditEntry.objects.filter(
            action="notify.delivery.failed", object_id=notification.public_id
        ).update(created_at=timezone.now() - timedelta(days=days_ago))
    # when the last 30 days are counted
    days = delivery_failed_per_day(user=make_operator(), days=30)
    # then there are 30 days, the texts on theirs and the old e-mail nowhere
    assert len(days) == 30
    today = timezone.localdate()
    by_day = {day["date"]: day["counts"] for day in days}
    assert by_day[today]["sms"] == 1
    assert by_day[today - timedelta(days=3)]["sms"] == 1
    assert sum(day["counts"].get("email", 0) for day in days) == 0
    assert sum(sum(day["counts"].values()) for day in days) == 2
    with pytest.raises(Forbidden):
        delivery_failed_per_day(user=make_owner(), days=30)


# The page


def test_an_operator_sees_the_failures_and_retries_the_selected_ones(
    client, django_capture_on_commit_callbacks
):
    # given two failed texts
    chosen, other = failed_delivery("sms"), failed_delivery("sms")
    client.force_login(make_operator())
    # when the operator opens the page
    page = client.get("/operator/deliveries/")
    html = page.content.decode()
    # then both are listed, masked, with the chart of the days
    assert page.status_code == 200
    assert f'value="{chosen.notification.public_id}-sms"' in html
    assert chosen.notification.recipient.phone not in html
    assert "Private words" not in html
    assert 'id="failed-deliveries-chart"' in html
    # when the operator retries the one selected
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/operator/deliveries/retry/",
            {"delivery": [f"{chosen.notification.public_id}-sms"]},
            follow=True,
        )
    # then it is sent, and the page says so
    assert "1 delivery queued again." in answer.content.decode()
    chosen.refresh_from_db()
    other.refresh_from_db()
    assert (chosen.status, other.status) == ("sent", "failed")


def test_an_operator_retries_every_failure_of_a_channel_from_the_page(
    client, django_capture_on_commit_callbacks
):
    failed_delivery("sms"), failed_delivery("sms")
    email = failed_delivery("email")
    client.force_login(make_operator())
    filtered = client.get("/operator/deliveries/?channel=sms").content.decode()
    assert f"{email.notification.public_id}-email" not in filtered
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            "/operator/deliveries/retry/", {"channel": "sms"}, follow=True
        )
    assert "2 deliveries queued again." in answer.content.decode()
    assert len(MemorySmsBackend.outbox) == 2
    email.refresh_from_db()
    assert email.status == "failed"


def test_an_unknown_channel_on_the_page_leads_to_every_failure(client):
    # given
    delivery = failed_delivery("sms")
    client.force_login(make_operator())
    # when an old or mistyped link names a channel there is not
    answer = client.get("/operator/deliveries/?channel=bogus", follow=True)
    # then the operator lands on the unfiltered list, as moderation's does
    assert answer.redirect_chain == [("/operator/deliveries/", 302)]
    assert f"{delivery.notification.public_id}-sms" in answer.content.decode()
    # and others are refused before learning anything of the channels
    client.force_login(make_owner())
    assert client.get("/operator/deliveries/?channel=bogus").status_code == 403


def test_the_page_and_its_retry_are_refused_to_shoppers_and_shop_staff(client):
    delivery = failed_delivery()
    for person in (make_user(), make_owner()):
        client.force_login(person)
        assert client.get("/operator/deliveries/").status_code == 403
        answer = client.post("/operator/deliveries/retry/", {"channel": "sms"})
        assert answer.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_the_operator_home_links_to_the_page(client):
    client.force_login(make_operator())
    home = client.get("/operator/").content.decode()
    assert 'href="/operator/deliveries/"' in home


# The API


def test_the_api_lists_failures_and_retries_them_by_id_or_channel(
    client, django_capture_on_commit_callbacks
):
    text, email = failed_delivery("sms"), failed_delivery("email")
    headers = bearer(make_operator())
    listed = client.get("/api/operator/deliveries/failed?channel=sms", headers=headers)
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert item["id"] == f"{text.notification.public_id}-sms"
    assert item["channel"] == "sms" and item["attempts"] == 6
    assert text.notification.recipient.phone not in str(item)
    with django_capture_on_commit_callbacks(execute=True):
        by_id = client.post(
            "/api/operator/deliveries/retry",
            {"ids": [item["id"]]},
            content_type="application/json",
            headers=headers,
        )
    with django_capture_on_commit_callbacks(execute=True):
        by_channel = client.post(
            "/api/operator/deliveries/retry",
            {"channel": "email"},
            content_type="application/json",
            headers=headers,
        )
    assert by_id.json() == {"queued": 1}
    assert by_channel.json() == {"queued": 1}
    email.refresh_from_db()
    assert email.status in ("sent", "skipped")
    again = client.post(
        "/api/operator/deliveries/retry",
        {"ids": [item["id"]]},
        content_type="application/json",
        headers=headers,
    )
    assert again.json() == {"queued": 0}


def test_the_api_refuses_a_retry_that_names_nothing_or_both(client):
    headers = bearer(make_operator())
    for body in ({}, {"ids": ["ntf_x-sms"], "channel": "sms"}, {"channel": "fax"}):
        answer = client.post(
            "/api/operator/deliveries/retry",
            body,
            content_type="application/json",
            headers=headers,
        )
        assert answer.status_code == 400, body
        assert answer.json()["code"] == "invalid"
    unknown = client.get("/api/operator/deliveries/failed?channel=fax", headers=headers)
    assert unknown.status_code == 400


def test_the_api_is_refused_to_shoppers_and_shop_staff(client):
    delivery = failed_delivery()
    for person in (make_user(), make_owner()):
        headers = bearer(person)
        listed = client.get("/api/operator/deliveries/failed", headers=headers)
        retried = client.post(
            "/api/operator/deliveries/retry",
            {"channel": "sms"},
            content_type="application/json",
            headers=headers,
        )
        assert (listed.status_code, retried.status_code) == (403, 403)
    delivery.refresh_from_db()
    assert delivery.status == "failed"
