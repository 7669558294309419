"""Operators close or stop a group buy from their console's API, and read what
stopping it would give back (groupbuy/deals/api/operator.py)."""

import pytest
from django.test import Client

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import Forbidden, NotFound
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.selectors import deal_get_for_operator, deal_held_money
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def _bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


def _post(user, path: str, body: dict | None = None):
    return Client().post(
        path, body or {}, content_type="application/json", headers=_bearer(user)
    )


def test_held_money_names_the_buyers_and_what_a_stop_gives_back():
    # given two paid orders (one of two units) and an order not paid yet
    deal = make_deal()
    first = join_and_pay(deal, quantity=2)
    second = join_and_pay(deal)
    deal_join(actor=make_user(), deal=deal, quantity=1)
    # when
    held = deal_held_money(deal=deal)
    # then the paid orders' money is held, from their two buyers
    assert (held.buyers, held.held_fen) == (2, first.amount_fen + second.amount_fen)


def test_only_operators_get_a_deal_for_their_page():
    # given the deal's own owner, a shopper and an operator
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    # when / then
    for person in (owner, make_user()):
        with pytest.raises(Forbidden):
            deal_get_for_operator(user=person, deal_id=deal.public_id)
    with pytest.raises(NotFound):
        deal_get_for_operator(user=_operator(), deal_id="deal_nothing")
    assert deal_get_for_operator(user=_operator(), deal_id=deal.public_id) == deal


def test_the_api_stops_a_deal_with_a_reason_and_refuses_a_second_stop():
    # given a paid order
    order = join_and_pay(make_deal())
    deal = order.deal
    operator = _operator()
    path = f"/api/operator/deals/{deal.public_id}/stop"
    # when
    response = _post(operator, path, {"reason": "Counterfeit goods"})
    again = _post(operator, path, {"reason": "Counterfeit goods"})
    # then it is stopped by the platform, its buyer refunded and told why
    order.refresh_from_db()
    assert response.status_code == 200, response.content
    assert response.json()["state"] in ("failed", "settled")
    assert response.json()["held_fen"] == 0
    assert order.status == DealOrder.Status.REFUNDED
    assert Notification.objects.filter(
        recipient=order.shopper, kind="deals.deal.stopped"
    ).exists()
    entry = AuditEntry.objects.get(action="deals.deal.stopped")
    assert (entry.actor, entry.data["reason"]) == (operator, "Counterfeit goods")
    # and the second stop changes nothing and says why
    assert again.status_code == 409
    assert again.json()["code"] == "deal_closed"
    assert again.json()["message"] == "This group buy has already closed."
    assert AuditEntry.objects.filter(action="deals.deal.stopped").count() == 1


def test_the_api_wants_a_reason_to_stop():
    deal = make_deal()
    response = _post(
        _operator(), f"/api/operator/deals/{deal.public_id}/stop", {"reason": "  "}
    )
    deal.refresh_from_db()
    assert response.status_code == 422
    assert deal.state == Deal.State.OPEN


def test_the_api_closes_a_deal_now_and_refuses_a_draft():
    # given a deal that reached its first tier, and a draft
    deal = make_deal()
    join_and_pay(deal)
    join_and_pay(deal)
    draft = make_deal(is_open=False)
    operator = _operator()
    # when
    closed = _post(operator, f"/api/operator/deals/{deal.public_id}/close")
    refused = _post(operator, f"/api/operator/deals/{draft.public_id}/close")
    # then
    assert closed.status_code == 200, closed.content
    assert closed.json()["final_price_fen"] == 9_900
    assert refused.status_code == 409
    assert refused.json()["message"] == "This group buy is not open yet."


def test_the_api_shows_what_a_stop_would_give_back():
    order = join_and_pay(make_deal())
    response = Client().get(
        f"/api/operator/deals/{order.deal.public_id}", headers=_bearer(_operator())
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["held_buyers"], body["held_fen"]) == (
        "open",
        1,
        order.amount_fen,
    )


@pytest.mark.parametrize("who", ["shopper", "own owner", "other owner"])
def test_only_operators_close_or_stop_over_the_api(who):
    # given a shopper, the deal's own owner, another shop's owner
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    person = {
        "shopper": make_user(),
        "own owner": owner,
        "other owner": make_merchant(owner=make_user()).memberships.get().user,
    }[who]
    base = f"/api/operator/deals/{deal.public_id}"
    # when
    answers = [
        Client().get(base, headers=_bearer(person)).status_code,
        _post(person, f"{base}/close").status_code,
        _post(person, f"{base}/stop", {"reason": "No"}).status_code,
    ]
    # then
    deal.refresh_from_db()
    assert answers == [403, 403, 403]
    assert deal.state == Deal.State.OPEN


def test_the_api_look_up_finds_a_group_buy_and_names_each_orders_group_buy():
    # given a paid order
    order = join_and_pay(make_deal())
    deal_id = order.deal.public_id
    headers = _bearer(_operator())
    # when the operator looks up the deal's number, then the order's
    by_deal = Client().get("/api/operator/lookup", {"q": deal_id}, headers=headers)
    by_order = Client().get(
        "/api/operator/lookup", {"q": order.public_id}, headers=headers
    )
    # then the deal is found, and the order names its deal for …/deals/{id}
    assert [row["id"] for row in by_deal.json()["deals"]] == [deal_id]
    assert by_deal.json()["deals"][0]["state"] == "open"
    assert by_order.json()["orders"][0]["deal_id"] == deal_id


def test_held_money_counts_a_team_place_paid_under_its_apps_purpose():
    # given a team buy whose first member paid their place
    from groupbuy.teams.services import team_open
    from groupbuy.teams.tests.factories import TEAM_PRICE, make_team_deal
    from groupbuy.teams.tests.factories import pay as pay_team_place

    member = team_open(actor=make_user(), team_deal=make_team_deal())
    pay_team_place(member)
    # when
    held = deal_held_money(deal=member.order.deal)
    # then what stopping it gives back is that place's price
    assert (held.buyers, held.held_fen) == (1, TEAM_PRICE)
