"""Starting or joining a demand needs a confirmed phone number."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import DomainError
from groupbuy.demands import services
from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.tests.factories import (
    make_published,
    make_unverified_user,
    make_user,
)
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "大米 Rice",
    "quantity_wanted": 5,
    "initiator_quantity": 1,
    "target_unit_price_fen": 3_990,
}


def _auth(user) -> dict:
    """Bearer headers for ``user``, who reads English: the API answers a token
    user in their saved language, and these tests compare English."""
    if user.preferred_language != "en":
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_an_unconfirmed_number_may_not_start_a_demand():
    # given
    buyer = make_unverified_user()
    # when
    with pytest.raises(DomainError) as caught:
        services.demand_create(
            actor=buyer, deadline_at=timezone.now() + timedelta(days=2), **DRAFT
        )
    # then
    assert (caught.value.code, caught.value.status) == ("phone_not_verified", 403)
    assert caught.value.extra == {"verify_url": "/me/phone/"}
    assert not Demand.objects.exists()


def test_an_unconfirmed_number_may_not_join_and_nothing_is_charged():
    demand = make_published()
    intents_before = PaymentIntent.objects.count()
    with pytest.raises(DomainError) as caught:
        services.demand_join(actor=make_unverified_user(), demand=demand, quantity=2)
    assert caught.value.code == "phone_not_verified"
    assert Participation.objects.filter(demand=demand).count() == 1  # initiator
    assert PaymentIntent.objects.count() == intents_before


def test_the_api_answers_403_with_a_link_to_the_check(client):
    # given a published demand and a buyer whose number is not confirmed
    demand = make_published()
    buyer = make_unverified_user()
    # when they try to join and to start one
    joined = client.post(
        f"/api/demands/{demand.public_id}/join",
        {"quantity": 2},
        content_type="application/json",
        headers=_auth(buyer),
    )
    created = client.post(
        "/api/demands",
        {**DRAFT, "deadline_at": (timezone.now() + timedelta(days=2)).isoformat()},
        content_type="application/json",
        headers=_auth(buyer),
    )
    # then both are refused, saying what to do in words, and where to confirm
    # the number in a field of its own: a whole address, as every link an
    # answer gives (a path until 2026-12-07, and in the message too)
    for response in (joined, created):
        body = response.json()
        assert response.status_code == 403, response.content
        assert body["code"] == "phone_not_verified"
        assert body["verify_url"] == "http://testserver/me/phone/"
        assert body["message"] == (
            "Confirm your phone number before starting or joining a demand; "
            "it takes one SMS."
        )


def test_the_pages_send_an_unconfirmed_buyer_to_the_check_and_back(client):
    demand = make_published()
    client.force_login(make_unverified_user())

    page = client.get("/demands/new/").content.decode()
    joined = client.post(f"/demands/{demand.public_id}/join/", {"quantity": 2})

    assert 'id="phone-check-link"' in page
    assert joined.status_code == 302
    assert joined.url == f"/me/phone/?next=/demands/{demand.public_id}/"
    assert Participation.objects.filter(demand=demand).count() == 1


def test_a_confirmed_buyer_sees_no_check_notice(client):
    client.force_login(make_user())
    assert 'id="phone-check-link"' not in client.get("/demands/new/").content.decode()
