import re

import pytest
from django.urls import reverse
from django.utils import timezone

from groupbuy.notify.models import Notification
from groupbuy.notify.tests.factories import make_notification, make_user

pytestmark = pytest.mark.django_db


def test_inbox_needs_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302
    assert response.url == f"{reverse('web:login')}?next=/inbox/"


def test_inbox_lists_my_notifications_with_unread_highlighted(client):
    # given
    shopper = make_user()
    unread = make_notification(recipient=shopper, title="Deal succeeded")
    read = make_notification(
        recipient=shopper, title="Deal opened", read_at=timezone.now()
    )
    make_notification(recipient=make_user(), title="Not yours")
    client.force_login(shopper)
    # when
    response = client.get("/inbox/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deal succeeded" in html
    assert "Deal opened" in html
    assert "Not yours" not in html
    assert f'class="inbox-item is-unread" id="notification-{unread.public_id}"' in html
    assert f'class="inbox-item" id="notification-{read.public_id}"' in html
    assert "1 unread" in html
    assert 'id="inbox-badge"' in html  # rendered inside the site's base template
    assert "notify/live.js" in html


def test_inbox_speaks_chinese(client):
    shopper = make_user(preferred_language="zh-hans")
    client.force_login(shopper)
    html = client.get("/inbox/").content.decode()
    assert "全部标为已读" in html
    assert "这里还没有消息" in html


def test_inbox_paginates(client, settings):
    settings.GROUPBUY_PAGE_SIZE = 3
    shopper = make_user()
    for number in range(5):
        make_notification(recipient=shopper, title=f"Notice {number}")
    client.force_login(shopper)
    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?page=2").content.decode()
    assert first.count('class="inbox-item') == 3
    assert second.count('class="inbox-item') == 2
    assert 'id="inbox-page-next"' in first
    assert 'id="inbox-page-previous"' in second


def test_htmx_refresh_returns_only_the_list(client):
    shopper = make_user()
    make_notification(recipient=shopper, title="Fresh news")
    client.force_login(shopper)
    response = client.get("/inbox/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<div id="inbox-list"')
    assert "Fresh news" in html
    assert "<html" not in html


def test_mark_all_read_by_form_redirects_back(client):
    shopper = make_user()
    make_notification(recipient=shopper)
    other = make_notification(recipient=make_user())
    client.force_login(shopper)
    response = client.post("/inbox/read-all/")
    assert response.status_code == 302
    assert response.url == "/inbox/"
    assert Notification.objects.filter(recipient=shopper, read_at=None).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_by_htmx_returns_the_updated_list(client):
    shopper = make_user()
    make_notification(recipient=shopper)
    client.force_login(shopper)
    response = client.post("/inbox/read-all/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="inbox-list" data-unread-count="0"')
    assert "is-unread" not in html


def test_the_unread_count_stays_one_polite_status_when_the_list_is_swapped(client):
    # (a status put in the place of another is not read out: the count is
    # outside the swapped list, and a swap's answer fills it out of band)
    shopper = make_user(preferred_language="en")
    make_notification(recipient=shopper)
    client.force_login(shopper)
    page = client.get("/inbox/").content.decode()
    status = page.index('<p class="muted" id="inbox-unread-summary" role="status">')
    assert status < page.index('<div id="inbox-list"')
    assert page.count('id="inbox-unread-summary"') == 1
    swapped = client.post("/inbox/read-all/", headers={"HX-Request": "true"})
    html = swapped.content.decode()
    assert html.startswith('<div id="inbox-list"')
    oob = re.search(
        r'<p class="muted" id="inbox-unread-summary" role="status" '
        r'hx-swap-oob="innerHTML">\s*0 unread\s*</p>',
        html,
    )
    assert oob is not None


def test_opening_marks_read_and_follows_the_link(client):
    shopper = make_user()
    notification = make_notification(recipient=shopper, url="/orders/")
    client.force_login(shopper)
    response = client.post(f"/inbox/{notification.public_id}/open/")
    assert response.status_code == 302
    assert response.url == "/orders/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_never_redirects_off_site(client):
    shopper = make_user()
    notification = make_notification(recipient=shopper, url="https://evil.example/")
    client.force_login(shopper)
    response = client.post(f"/inbox/{notification.public_id}/open/")
    assert response.url == "/inbox/"


def test_opening_someone_elses_notification_is_404(client):
    notification = make_notification(recipient=make_user())
    client.force_login(make_user())
    response = client.post(f"/inbox/{notification.public_id}/open/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_by_get_is_refused(client):
    shopper = make_user()
    notification = make_notification(recipient=shopper)
    client.force_login(shopper)
    response = client.get(f"/inbox/{notification.public_id}/open/")
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None
