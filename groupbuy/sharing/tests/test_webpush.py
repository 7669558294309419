import base64
import json

import pytest
import pywebpush

from groupbuy.accounts.services import api_token_create
from groupbuy.sharing import webpush
from groupbuy.sharing.models import PushSubscription
from groupbuy.sharing.services import message_post
from groupbuy.sharing.tests.factories import make_merchant, make_share, make_user

pytestmark = pytest.mark.django_db

ENDPOINT = "https://push.example.com/v1/abc"


def bearer(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def sent(monkeypatch):
    calls = []

    def fake_webpush(**kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(pywebpush, "webpush", fake_webpush)
    return calls


def subscribe(user, endpoint=ENDPOINT):
    return webpush.subscription_save(
        actor=user, endpoint=endpoint, p256dh="k", auth="a"
    )


def test_the_vapid_key_is_generated_once_into_the_data_dir(client, vapid_key_file):
    # when the key is asked for twice
    first = client.get("/api/sharing/push/key").json()["public_key"]
    second = client.get("/api/sharing/push/key").json()["public_key"]
    # then one key pair was written and kept, and the public key is a P-256 point
    assert vapid_key_file.exists() and first == second
    raw = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4))
    assert len(raw) == 65 and raw[0] == 4


def test_subscribing_and_unsubscribing_over_the_api(client):
    me = make_user()
    created = client.post(
        "/api/sharing/push/subscriptions",
        {"endpoint": ENDPOINT, "p256dh": "key", "auth": "secret"},
        content_type="application/json",
        headers=bearer(me),
    )
    assert created.status_code == 201
    assert PushSubscription.objects.get().user == me
    removed = client.post(
        "/api/sharing/push/subscriptions/delete",
        {"endpoint": ENDPOINT},
        content_type="application/json",
        headers=bearer(me),
    )
    assert removed.json() == {"removed": 1} and not PushSubscription.objects.exists()


def test_a_plain_http_endpoint_is_refused(client):
    response = client.post(
        "/api/sharing/push/subscriptions",
        {"endpoint": "http://evil.example/", "p256dh": "k", "auth": "a"},
        content_type="application/json",
        headers=bearer(make_user()),
    )
    assert (response.status_code, response.json()["code"]) == (
        400,
        "push_endpoint_invalid",
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1/wp-admin",
        "https://localhost:8000/api/health",
        "https://10.0.0.5/internal",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/x",
        "https://192.168.1.1:8443/router",
        "https://intranet/x",
        "https://push.example.com:22/x",
        "https://user:pass@push.example.com/x",
    ],
)
def test_an_endpoint_inside_the_servers_network_is_refused(client, sent, endpoint):
    # given a shopper who names an address only the server can reach as their
    # browser's push endpoint, for the server to send requests to
    me = make_user()
    # when they subscribe with it
    response = client.post(
        "/api/sharing/push/subscriptions",
        {"endpoint": endpoint, "p256dh": "k", "auth": "a"},
        content_type="application/json",
        headers=bearer(me),
    )
    # then it is refused, kept nowhere, and never sent to
    assert (response.status_code, response.json()["code"]) == (
        400,
        "push_endpoint_invalid",
    )
    assert not PushSubscription.objects.exists()
    webpush.deliver(me.pk, {"title": "hi"})
    assert sent == []


@pytest.mark.parametrize("outsider", ["another user", "another merchant"])
def test_nobody_else_can_remove_my_subscription(client, outsider):
    subscribe(make_user())
    intruder = make_user()
    if outsider == "another merchant":
        make_merchant(owner=intruder)
    response = client.post(
        "/api/sharing/push/subscriptions/delete",
        {"endpoint": ENDPOINT},
        content_type="application/json",
        headers=bearer(intruder),
    )
    assert response.json() == {"removed": 0}
    assert PushSubscription.objects.count() == 1


def test_a_share_and_a_reply_are_pushed_to_the_others(
    sent, django_capture_on_commit_callbacks
):
    # given two members who allowed push
    sender, friend = make_user(display_name="Ann"), make_user(display_name="Bo")
    subscribe(sender, "https://push.example.com/ann")
    subscribe(friend, "https://push.example.com/bo")
    # when Ann shares with Bo and Bo replies
    with django_capture_on_commit_callbacks(execute=True):
        share = make_share(sender=sender, recipients=[friend], comment="See this")
    with django_capture_on_commit_callbacks(execute=True):
        message_post(actor=friend, share=share, body="Nice")
    # then Bo was pushed the share, Ann the reply, nobody their own action
    pushed = [
        (call["subscription_info"]["endpoint"], json.loads(call["data"]))
        for call in sent
    ]
    assert [endpoint for endpoint, _data in pushed] == [
        "https://push.example.com/bo",
        "https://push.example.com/ann",
    ]
    assert pushed[0][1]["body"] == "See this"
    assert pushed[1][1] == {
        "title": "Bo",
        "body": "Nice",
        "url": f"/sharing/threads/{share.public_id}/",
    }


def test_a_gone_subscription_is_deleted(monkeypatch):
    user = make_user()
    subscribe(user)

    class Gone:
        status_code = 410

    def gone(**kwargs):
        raise pywebpush.WebPushException("gone", response=Gone())

    monkeypatch.setattr(pywebpush, "webpush", gone)
    assert webpush.deliver(user.pk, {"title": "x"}) == 0
    assert not PushSubscription.objects.exists()
