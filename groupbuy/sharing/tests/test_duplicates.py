"""The same share sent again with another key (the compose page shown again
from the history gets a new one) sends nothing more."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from groupbuy.accounts.services import api_token_create
from groupbuy.notify.models import Invitation, Notification
from groupbuy.notify.sms import MemorySmsBackend
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Share
from groupbuy.sharing.services import share_send
from groupbuy.sharing.tests.factories import make_deal, make_product, make_user

pytestmark = pytest.mark.django_db

STRANGER = "+8613912345678"
OGG = b"OggS\x00\x02" + b"\x00" * 200


def _send(sender, *, product, addresses, key, comment="Look!", voice_note=None):
    return share_send(
        actor=sender,
        product=product,
        contacts=[Contact(name="", address=address) for address in addresses],
        comment=comment,
        voice_note=voice_note,
        idempotency_key=key,
    )


def test_the_same_share_sent_again_with_another_key_sends_nothing(
    django_capture_on_commit_callbacks,
):
    # given a share sent to a member and a number without an account
    sender, friend = make_user(), make_user()
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(
            sender, product=product, addresses=[friend.phone, STRANGER], key="key-1"
        )
        # when the same share is sent again with another key
        again = _send(
            sender, product=product, addresses=[STRANGER, friend.phone], key="key-2"
        )
    # then it answers the first share, and nothing more was sent
    assert again.pk == first.pk
    assert (first.is_duplicate, again.is_repeat, again.is_duplicate) == (
        False,
        True,
        True,
    )
    assert Share.objects.count() == 1
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    assert len(MemorySmsBackend.outbox) == 1


def test_a_share_unlike_the_recent_one_or_after_the_window_is_sent(settings):
    # given a share sent
    sender, friend, other = make_user(), make_user(), make_user()
    product = make_product()
    first = _send(sender, product=product, addresses=[friend.phone], key="key-1")
    # when another comment, other recipients, another product or a voice note
    # is sent with a new key
    changed = [
        _send(
            sender, product=product, addresses=[friend.phone], key="k2", comment="Hi"
        ),
        _send(sender, product=product, addresses=[friend.phone, other.phone], key="k3"),
        _send(sender, product=make_product(), addresses=[friend.phone], key="k4"),
        _send(
            sender,
            product=product,
            addresses=[friend.phone],
            key="k5",
            voice_note=SimpleUploadedFile("note.ogg", OGG, "audio/ogg"),
        ),
    ]
    # then each is a new share
    assert len({first.pk, *(share.pk for share in changed)}) == 5
    assert not any(share.is_repeat for share in changed)
    # and the first share sent again once the window is over is sent again
    Share.objects.update(created_at=F("created_at") - timedelta(seconds=601))
    later = _send(sender, product=product, addresses=[friend.phone], key="k6")
    assert (later.pk != first.pk, later.is_repeat) == (True, False)


def test_another_senders_same_share_is_sent():
    # given a share sent by Ann
    ann, bo, friend = make_user(), make_user(), make_user()
    product = make_product()
    anns = _send(ann, product=product, addresses=[friend.phone], key="key-1")
    # when Bo sends the same to the same friend
    bos = _send(bo, product=product, addresses=[friend.phone], key="key-2")
    # then it is Bo's own share, sent
    assert (bos.pk != anns.pk, bos.sender, bos.is_repeat) == (True, bo, False)
    assert Notification.objects.filter(recipient=friend).count() == 2


def _shown_key(response) -> str:
    html = response.content.decode()
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


def test_the_compose_page_shown_again_and_sent_again_shares_once(client):
    # given a share sent from the compose page
    sender, friend = make_user(preferred_language="en"), make_user()
    url = f"/sharing/new/?deal={make_deal().public_id}"
    client.force_login(sender)
    post = {"recipients": f"{friend.phone}\n{STRANGER}", "comment": "back test"}
    first = client.post(url, {**post, "idempotency_key": _shown_key(client.get(url))})
    # when the page comes back with a new key and the same form is sent
    key = _shown_key(client.get(url))
    again = client.post(url, {**post, "idempotency_key": key})
    # then it leads to the thread, saying it was shared already; nothing sent
    share = Share.objects.get()
    thread = f"/sharing/threads/{share.public_id}/"
    assert (first.status_code, first["Location"]) == (302, thread)
    assert (again.status_code, again["Location"]) == (302, thread)
    assert "You already shared this." in client.get(thread).content.decode()
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1


def test_the_api_answers_the_same_share_with_another_key_200(client):
    # given a share sent over the API
    sender, friend = make_user(), make_user()
    _token, secret = api_token_create(actor=sender)
    body = {"product_id": make_product().public_id, "recipients": [friend.phone]}

    def send(key):
        return client.post(
            "/api/sharing/shares",
            {**body, "idempotency_key": key},
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )

    first = send("3b241101-e2bb-4255-8caf-4136c566a962")
    # when it is sent again with another key
    again = send("9c1b4a0e-5f41-4d8e-9a37-2f0e6d1c7b55")
    # then it answers the first share, 200, as a replayed key does
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Share.objects.count() == 1
    assert Notification.objects.filter(recipient=friend).count() == 1
