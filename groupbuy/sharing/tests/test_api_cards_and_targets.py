"""A share card's deal state agrees with its label, and a share names one
product."""

from datetime import timedelta

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.sharing.models import Share
from groupbuy.sharing.tests.factories import make_deal, make_product, make_user

pytestmark = pytest.mark.django_db


def _send(client, sender, body):
    _token, secret = api_token_create(actor=sender)
    return client.post(
        "/api/sharing/shares",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_a_not_yet_started_deals_card_says_scheduled_in_code_and_label(client):
    # given a group buy that starts tomorrow
    deal = make_deal(starts_in=timedelta(days=1), deadline_in=timedelta(days=2))
    # when its card is read in English
    card = client.get(
        f"/api/sharing/cards/deals/{deal.public_id}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    # then its state and label agree, as the deal's own API gives it
    assert (card["deal_state"], card["deal_state_label"]) == ("scheduled", "Scheduled")


def test_a_started_deals_card_says_open(client):
    deal = make_deal()
    card = client.get(
        f"/api/sharing/cards/deals/{deal.public_id}", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert (card["deal_state"], card["deal_state_label"]) == ("open", "Open")


def test_a_product_id_that_is_not_the_deals_is_a_400_naming_it(client):
    # given a group buy and another product
    sender, friend = make_user(preferred_language="en"), make_user()
    deal = make_deal()
    other = make_product(name_en="Oolong", name_zh="乌龙")
    # when a share names the deal and the other product
    refused = _send(
        client,
        sender,
        {
            "deal_id": deal.public_id,
            "product_id": other.public_id,
            "recipients": [friend.phone],
        },
    )
    # then it is refused on product_id, and nothing is sent
    assert refused.status_code == 400
    assert refused.json()["code"] == "deal_mismatch"
    assert refused.json()["fields"] == {
        "product_id": ["That group buy is for another product."]
    }
    assert refused.json()["message"] == "That group buy is for another product."
    assert not Share.objects.exists()
    # and the deal's own product with it is sent
    sent = _send(
        client,
        sender,
        {
            "deal_id": deal.public_id,
            "product_id": deal.product.public_id,
            "recipients": [friend.phone],
        },
    )
    assert sent.status_code == 201
    assert Share.objects.get().deal == deal
