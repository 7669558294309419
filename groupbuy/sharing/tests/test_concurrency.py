"""Races: a share sent several times at once with one key (a double tap on a
phone, a client's retry) is sent once, by the API as by the compose page."""

from collections import Counter

import pytest
from django.test import Client

from groupbuy.deals.tests.conftest import file_database  # noqa: F401 (fixture)
from groupbuy.deals.tests.racing import race
from groupbuy.notify.models import Invitation, Notification
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.models import Share
from groupbuy.sharing.services import share_send
from groupbuy.sharing.tests.factories import make_product, make_user

STRANGER = "+8613912345678"


def _sent_once(*, friend) -> Share:
    """The one share, after a race: one notification to the member and one
    invitation to the number without an account."""
    share = Share.objects.get()
    assert share.participants.count() == 3
    assert Notification.objects.filter(recipient=friend).count() == 1
    assert Invitation.objects.count() == 1
    assert Notification.objects.filter(kind="sharing.share.received").count() == 2
    return share


@pytest.mark.django_db(transaction=True)
def test_a_share_sent_four_times_at_once_with_one_key_is_sent_once(
    file_database,  # noqa: F811
):
    # given a sender, a member and a number without an account
    sender, friend = make_user(), make_user()
    product = make_product()
    answers = []

    def send():
        answers.append(
            share_send(
                actor=sender,
                product=product,
                contacts=[
                    Contact(name="", address=friend.phone),
                    Contact(name="", address=STRANGER),
                ],
                idempotency_key="compose-form-key-001",
            )
        )

    # when the share is sent four times at the same moment
    outcomes = race([send] * 4)
    # then every call answers the one share, sent once
    assert outcomes == Counter(ok=4)
    share = _sent_once(friend=friend)
    assert {answer.pk for answer in answers} == {share.pk}
    assert sorted(answer.is_repeat for answer in answers) == [False, True, True, True]


@pytest.mark.django_db(transaction=True)
def test_the_api_sent_the_same_share_at_once_answers_one_share(
    file_database,  # noqa: F811
):
    # given a sender's token, and the share they send with a key
    from groupbuy.accounts.services import api_token_create

    sender, friend = make_user(), make_user()
    product = make_product()
    _token, secret = api_token_create(actor=sender)
    body = {
        "product_id": product.public_id,
        "recipients": [friend.phone, STRANGER],
        "idempotency_key": "3b241101-e2bb-4255-8caf-4136c566a962",
    }
    statuses, ids = [], []

    def send():
        response = Client().post(
            "/api/sharing/shares",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}"},
        )
        statuses.append(response.status_code)
        ids.append(response.json().get("id"))

    # when it is sent three times at the same moment
    outcomes = race([send] * 3)
    # then one request sent it (201) and the others answer that share (200)
    assert outcomes == Counter(ok=3)
    share = _sent_once(friend=friend)
    assert sorted(statuses) == [200, 200, 201]
    assert ids == [share.public_id] * 3


@pytest.mark.django_db(transaction=True)
def test_the_api_sent_at_once_with_the_key_in_the_header_answers_one_share(
    file_database,  # noqa: F811
):
    # given a sender's token, and the share they send with an Idempotency-Key
    from groupbuy.accounts.services import api_token_create

    sender, friend = make_user(), make_user()
    product = make_product()
    _token, secret = api_token_create(actor=sender)
    body = {"product_id": product.public_id, "recipients": [friend.phone, STRANGER]}
    statuses, ids = [], []

    def send():
        response = Client().post(
            "/api/sharing/shares",
            body,
            content_type="application/json",
            headers={
                "Authorization": f"Bearer {secret}",
                "Idempotency-Key": "api-share-header-key-01",
            },
        )
        statuses.append(response.status_code)
        ids.append(response.json().get("id"))

    # when it is sent three times at the same moment
    outcomes = race([send] * 3)
    # then one request sent it (201) and the others answer that share (200)
    assert outcomes == Counter(ok=3)
    share = _sent_once(friend=friend)
    assert sorted(statuses) == [200, 200, 201]
    assert ids == [share.public_id] * 3
