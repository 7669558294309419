from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.notify.models import Notification
from groupbuy.notify.tests.factories import make_notification, make_user

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_inbox_is_paginated_newest_first(client):
    # given three notifications, a minute apart
    shopper = make_user()
    start = timezone.now() - timedelta(hours=1)
    for minute, title in enumerate(["first", "second", "third"]):
        make_notification(
            recipient=shopper, title=title, created_at=start + timedelta(minutes=minute)
        )
    make_notification(recipient=make_user(), title="someone else's")
    # when
    page_one = client.get(
        "/api/notify/notifications?page_size=2", headers=bearer(shopper)
    ).json()
    page_two = client.get(
        "/api/notify/notifications?page_size=2&page=2", headers=bearer(shopper)
    ).json()
    # then
    assert [item["title"] for item in page_one["items"]] == ["third", "second"]
    assert [item["title"] for item in page_two["items"]] == ["first"]
    assert {key: page_one[key] for key in ("page", "page_size", "total", "pages")} == {
        "page": 1,
        "page_size": 2,
        "total": 3,
        "pages": 2,
    }
    assert page_one["has_next"] is True
    assert page_two["has_next"] is False
    assert page_one["unread_count"] == 3
    item = page_one["items"][0]
    assert set(item) == {
        "id",
        "kind",
        "title",
        "body",
        "url",
        "data",
        "created_at",
        "read_at",
    }
    assert item["id"].startswith("ntf_")


def test_page_size_over_the_limit_is_a_clear_422(client):
    shopper = make_user()
    response = client.get(
        "/api/notify/notifications?page_size=1000", headers=bearer(shopper)
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {"page_size": ["Give a number of at most 100."]}


def test_unread_count_counts_only_my_unread(client):
    shopper = make_user()
    make_notification(recipient=shopper)
    make_notification(recipient=shopper, read_at=timezone.now())
    make_notification(recipient=make_user())
    response = client.get(
        "/api/notify/notifications/unread-count", headers=bearer(shopper)
    )
    assert response.json() == {"unread_count": 1}


def test_mark_read_twice_keeps_the_first_read_time(client):
    # given
    shopper = make_user()
    notification = make_notification(recipient=shopper)
    url = f"/api/notify/notifications/{notification.public_id}/read"
    # when
    first = client.post(url, headers=bearer(shopper))
    second = client.post(url, headers=bearer(shopper))
    # then
    assert first.status_code == 200
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_nobody_reads_or_marks_another_persons_notification(client):
    # given
    owner = make_user()
    notification = make_notification(recipient=owner)
    stranger = make_user()
    # when
    response = client.post(
        f"/api/notify/notifications/{notification.public_id}/read",
        headers=bearer(stranger),
    )
    listing = client.get("/api/notify/notifications", headers=bearer(stranger))
    # then
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "This notification does not exist.",
        "fields": {},
    }
    assert listing.json()["total"] == 0
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_mine(client):
    shopper = make_user()
    make_notification(recipient=shopper)
    make_notification(recipient=shopper)
    other = make_notification(recipient=make_user())
    response = client.post(
        "/api/notify/notifications/read-all", headers=bearer(shopper)
    )
    assert response.json() == {"marked": 2, "unread_count": 0}
    assert Notification.objects.filter(recipient=shopper, read_at=None).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notify/notifications"),
        ("get", "/api/notify/notifications/unread-count"),
        ("post", "/api/notify/notifications/read-all"),
        ("post", "/api/notify/notifications/ntf_x/read"),
    ],
)
def test_anonymous_is_401(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
