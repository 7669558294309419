"""Opening a shared thread, or replying in it, reads its inbox notification,
the reader's only."""

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.notify.models import Notification
from groupbuy.notify.selectors import notification_unread_count
from groupbuy.sharing.tests.factories import make_share, make_user

pytestmark = pytest.mark.django_db


def _unread(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, read_at__isnull=True).values_list(
            "data__share", flat=True
        )
    )


def test_opening_the_thread_page_reads_its_notification_only(client):
    # given two shares to a friend, one of them to another friend too
    sender, friend, other = make_user(), make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend, other])
    another = make_share(sender=sender, recipients=[friend])
    assert notification_unread_count(user=friend) == 2
    # when the friend opens the first thread
    client.force_login(friend)
    assert client.get(f"/sharing/threads/{share.public_id}/").status_code == 200
    # then its notification is read; the other share's, and the other
    # friend's notification of the same share, are not
    assert _unread(friend) == [another.public_id]
    assert _unread(other) == [share.public_id]


def test_reading_the_thread_over_the_api_reads_its_notification(client):
    # given a share to a friend
    sender, friend = make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend])
    _token, secret = api_token_create(actor=friend)
    # when the friend's app marks the thread read
    response = client.post(
        f"/api/sharing/threads/{share.public_id}/read",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then its notification is read
    assert response.status_code == 200
    assert _unread(friend) == []


def test_someone_outside_the_thread_reads_no_notification(client):
    # given a share to a friend, and someone else, a shop's owner among them
    from groupbuy.sharing.tests.factories import make_merchant

    sender, friend, outsider, owner = make_user(), make_user(), make_user(), make_user()
    make_merchant(owner=owner)
    share = make_share(sender=sender, recipients=[friend])
    for stranger in (outsider, owner):
        # when they open the thread, on the page and over the API
        client.force_login(stranger)
        page = client.get(f"/sharing/threads/{share.public_id}/")
        _token, secret = api_token_create(actor=stranger)
        api = client.post(
            f"/api/sharing/threads/{share.public_id}/read",
            headers={"Authorization": f"Bearer {secret}"},
        )
        # then they are refused, and the friend's notification stays unread
        assert (page.status_code, api.status_code) == (403, 403)
    assert _unread(friend) == [share.public_id]


def test_replying_on_the_thread_page_reads_its_notification_only(client):
    # given two shares to a friend, one of them to another friend too, the
    # friend replying from the page without opening the thread first (a
    # page left open before the share arrived, a form sent again)
    sender, friend, other = make_user(), make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend, other])
    another = make_share(sender=sender, recipients=[friend])
    client.force_login(friend)
    # when the friend replies on the first thread
    response = client.post(
        f"/sharing/threads/{share.public_id}/", {"body": "Count me in"}
    )
    # then its notification is read; the other share's, and the other
    # friend's notification of the same share, are not
    assert response.status_code == 302
    assert _unread(friend) == [another.public_id]
    assert _unread(other) == [share.public_id]


def test_replying_over_the_api_reads_its_notification(client):
    # given a share to a friend
    sender, friend = make_user(), make_user()
    share = make_share(sender=sender, recipients=[friend])
    _token, secret = api_token_create(actor=friend)
    # when the friend's app posts a reply (it never marked the thread read)
    response = client.post(
        f"/api/sharing/threads/{share.public_id}/messages",
        {"body": "Count me in"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then its notification is read, and the sender's inbox is untouched
    assert response.status_code == 201, response.content
    assert _unread(friend) == []
    assert not Notification.objects.filter(recipient=sender).exists()
