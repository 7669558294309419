"""The demands API: the journey, every refusal as a clear 4xx, and who may
do what (another user, another merchant) on every endpoint."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Listing
from groupbuy.core.tests.test_api_errors import assert_api_error
from groupbuy.deals.models import Deal
from groupbuy.demands import services
from groupbuy.demands.models import Demand, Offer
from groupbuy.demands.tests import factories
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_demand,
    make_offer,
    make_owner_merchant,
    make_product,
    make_published,
    pay_intent,
)
from groupbuy.escrow.models import LedgerTransaction, PaymentIntent

pytestmark = pytest.mark.django_db


def make_user(**extra):
    """A user reading English: the API answers a token user in their saved
    language, and these tests compare its English messages."""
    return factories.make_user(**{"preferred_language": "en", **extra})


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _post(client, path, user, body=None):
    return client.post(
        f"/api/demands{path}",
        body or {},
        content_type="application/json",
        headers=_auth(user),
    )


def _get(client, path, user=None):
    return client.get(f"/api/demands{path}", headers=_auth(user) if user else {})


def _offer_body(merchant, **extra):
    return {
        "merchant_id": merchant.public_id,
        "product_id": make_product().public_id,
        "quantity": 20,
        "unit_price_fen": 4_500,
        "delivery_on": (date.today() + timedelta(days=5)).isoformat(),
        **extra,
    }


def test_a_deposits_pay_url_is_absolute_like_a_deal_orders(client):
    # given a draft demand and a published one
    buyer = make_user()
    draft = make_demand(initiator=buyer)
    published = make_published()
    # when the initiator starts its deposit and a neighbour joins the other
    started = _post(client, f"/{draft.public_id}/deposit", buyer).json()
    joined = _post(
        client, f"/{published.public_id}/join", make_user(), {"quantity": 1}
    ).json()
    # then both are pay pages a phone app can open as they are
    assert started["pay_url"] == (
        f"http://testserver/escrow/sandbox/pay/{started['intent_id']}/"
    )
    assert joined["pay_url"] == (
        f"http://testserver/escrow/sandbox/pay/{joined['intent_id']}/"
    )


def test_the_whole_journey_through_the_api(client):
    # given a buyer drafting a demand
    buyer, neighbour = make_user(), make_user()
    merchant, owner = make_owner_merchant()
    deadline = (timezone.now() + timedelta(days=2)).isoformat()
    response = _post(
        client,
        "",
        buyer,
        {
            "title": "有机牛奶",
            "quantity_wanted": 10,
            "initiator_quantity": 2,
            "target_unit_price_fen": 5_000,
            "deadline_at": deadline,
        },
    )
    assert response.status_code == 201, response.content
    demand_id = response.json()["id"]
    assert response.json()["state"] == "draft"
    # publishing before the deposit is refused
    assert_api_error(
        _post(client, f"/{demand_id}/publish", buyer), 409, "deposit_not_captured"
    )
    # the deposit is paid through the provider, then it publishes
    response = _post(client, f"/{demand_id}/deposit", buyer)
    assert response.status_code == 201
    assert response.json()["deposit_fen"] == 1_000
    pay_intent(PaymentIntent.objects.get(public_id=response.json()["intent_id"]))
    response = _post(client, f"/{demand_id}/publish", buyer)
    assert response.json()["state"] == "published"
    assert [d["id"] for d in _get(client, "").json()["items"]] == [demand_id]
    # a neighbour joins
    response = _post(client, f"/{demand_id}/join", neighbour, {"quantity": 3})
    assert response.status_code == 201
    pay_intent(PaymentIntent.objects.get(public_id=response.json()["intent_id"]))
    assert _get(client, f"/{demand_id}").json()["committed_units"] == 5
    # a merchant finds it and offers
    found = _get(
        client, f"/merchant/search?merchant_id={merchant.public_id}&q=牛奶", owner
    )
    assert [d["id"] for d in found.json()] == [demand_id]
    response = _post(client, f"/{demand_id}/offers", owner, _offer_body(merchant))
    assert response.status_code == 201
    offer_id = response.json()["id"]
    # participants see it; the initiator accepts
    offers = _get(client, f"/{demand_id}/offers", neighbour).json()
    assert [o["id"] for o in offers["items"]] == [offer_id]
    assert (offers["total"], offers["page"], offers["pages"]) == (1, 1, 1)
    response = _post(client, f"/offers/{offer_id}/accept", buyer)
    assert response.status_code == 200
    assert response.json()["state"] == "accepted"
    assert response.json()["deal_id"]
    assert_ledger_sound()


def test_an_offer_above_the_everyday_price_is_refused_and_one_sent_is_accepted(
    client,
):
    # given a demand and a shop selling a latte for 8.00 every day
    demand = make_published()
    merchant, owner = make_owner_merchant()
    latte = make_product(name_en="Latte Coffee Drink")
    Listing.objects.create(merchant=merchant, product=latte, price_fen=800)
    body = _offer_body(merchant, product_id=latte.public_id)
    # when it offers 75.00, then the price is refused on its field
    response = _post(
        client, f"/{demand.public_id}/offers", owner, {**body, "unit_price_fen": 7_500}
    )
    assert_api_error(response, 400, "above_everyday_price")
    assert "¥8.00" in response.json()["fields"]["unit_price_fen"][0]
    assert not Offer.objects.exists()
    # when it offers 7.50 instead, the initiator accepts it: a deal opens
    response = _post(
        client, f"/{demand.public_id}/offers", owner, {**body, "unit_price_fen": 750}
    )
    assert response.status_code == 201
    response = _post(
        client, f"/offers/{response.json()['id']}/accept", demand.initiator
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    assert Deal.objects.get(public_id=response.json()["deal_id"]).list_price_fen == 800


def test_bad_input_is_a_clear_4xx_and_changes_nothing(client):
    buyer = make_user()
    base = {
        "title": "牛奶",
        "quantity_wanted": 10,
        "target_unit_price_fen": 5_000,
        "deadline_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    for change in (
        {"target_unit_price_fen": -1},
        {"deadline_at": (timezone.now() - timedelta(hours=1)).isoformat()},
        {"deadline_at": (timezone.now() + timedelta(days=1500)).isoformat()},
        {"deadline_at": "2030-01-01T10:00:00"},
        {"quantity_wanted": "many"},
    ):
        response = _post(client, "", buyer, {**base, **change})
        assert 400 <= response.status_code < 500, change
        assert set(response.json()) == {"code", "message", "fields"}
    assert Demand.objects.count() == 0
    merchant, owner = make_owner_merchant()
    for query in ("x" * 10_000, 'milk"', "milk*"):
        response = _get(
            client,
            f"/merchant/search?merchant_id={merchant.public_id}&q={query}",
            owner,
        )
        assert_api_error(response, 400, "invalid_query")


def test_out_of_range_coordinates_are_named_and_explained(client):
    # given a draft otherwise fine
    buyer = make_user()
    base = {
        "title": "牛奶",
        "quantity_wanted": 10,
        "target_unit_price_fen": 5_000,
        "deadline_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    latitude = "The latitude must be between -90 and 90."
    longitude = "The longitude must be between -180 and 180."
    both = "Give both latitude and longitude, or neither."
    for place, fields in (
        ({"latitude": 91, "longitude": 0}, {"latitude": [latitude]}),
        ({"latitude": 1e308, "longitude": 0}, {"latitude": [latitude]}),
        ({"latitude": 0, "longitude": 1e308}, {"longitude": [longitude]}),
        ({"latitude": 31.2}, {"longitude": [both]}),
    ):
        # when its place is not on Earth, or half given
        response = _post(client, "", buyer, {**base, **place})
        # then the answer names the coordinate at fault and says why
        body = assert_api_error(response, 400, "invalid")
        assert body["fields"] == fields
        assert body["message"] == next(iter(fields.values()))[0]
    assert Demand.objects.count() == 0
    # and a place on Earth is kept
    response = _post(client, "", buyer, {**base, "latitude": 90, "longitude": -180})
    assert response.status_code == 201, response.content
    assert Demand.objects.values_list("latitude", "longitude").get() == (90, -180)


def test_every_bad_field_of_a_new_demand_is_named_at_once(client):
    # given a draft with an empty title, a price of nothing, a deadline past
    # and half a place
    buyer = make_user()
    draft = {
        "title": "  ",
        "quantity_wanted": 10,
        "target_unit_price_fen": 0,
        "deadline_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "latitude": 31.2,
    }
    # when it is sent
    body = assert_api_error(_post(client, "", buyer, draft), 400, "invalid")
    # then each mistake is named in one answer, and its message says them all
    assert list(body["fields"]) == [
        "title",
        "target_unit_price_fen",
        "deadline_at",
        "longitude",
    ]
    assert body["message"] == " ".join(
        messages[0] for messages in body["fields"].values()
    )
    assert Demand.objects.count() == 0


def test_a_late_join_or_offer_says_how_late(client):
    demand = make_published()
    Demand.objects.filter(pk=demand.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=3)
    )
    body = assert_api_error(
        _post(client, f"/{demand.public_id}/join", make_user(), {"quantity": 1}),
        409,
        "deadline_passed",
    )
    assert int(body["fields"]["late_ms"][0]) >= 3_000
    merchant, owner = make_owner_merchant()
    response = _post(
        client, f"/{demand.public_id}/offers", owner, _offer_body(merchant)
    )
    assert_api_error(response, 409, "deadline_passed")
    assert Offer.objects.count() == 0


def test_a_join_beyond_the_units_still_wanted_is_a_409_saying_how_many(client):
    # given 10 units wanted, the initiator's 2 held
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    assert _get(client, f"/{demand.public_id}").json()["units_still_wanted"] == 8
    # when a neighbour asks for 9
    body = assert_api_error(
        _post(client, f"/{demand.public_id}/join", make_user(), {"quantity": 9}),
        409,
        "too_many_units",
    )
    # then the answer says how many are left, and nothing is written
    assert body["message"] == "Only 8 units are still wanted."
    assert body["fields"] == {"quantity": ["Only 8 units are still wanted."]}
    assert demand.participations.count() == 1
    # and the 8 left may be taken, after which none are
    response = _post(client, f"/{demand.public_id}/join", make_user(), {"quantity": 8})
    assert response.status_code == 201
    pay_intent(PaymentIntent.objects.get(public_id=response.json()["intent_id"]))
    answer = _get(client, f"/{demand.public_id}").json()
    assert (answer["quantity_wanted"], answer["committed_units"]) == (10, 10)
    assert answer["units_still_wanted"] == 0


def test_a_negative_offer_price_is_refused(client):
    demand = make_published()
    merchant, owner = make_owner_merchant()
    response = _post(
        client,
        f"/{demand.public_id}/offers",
        owner,
        _offer_body(merchant, unit_price_fen=-5),
    )
    assert_api_error(response, 400, "invalid")
    assert Offer.objects.count() == 0


def test_an_offer_from_a_shop_with_no_open_branch_is_refused(client):
    # given a shop with no branch at all
    demand = make_published()
    merchant, owner = make_owner_merchant()
    merchant.branches.all().delete()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    # when it sends an offer
    response = _post(
        client, f"/{demand.public_id}/offers", owner, _offer_body(merchant)
    )
    # then it is a 400 on the shop, in the deals' words, and nothing is sent
    body = assert_api_error(response, 400, "no_pickup_branch")
    message = "This shop has no open branch for buyers to collect from: add one first."
    assert (body["message"], body["fields"]) == (message, {"merchant_id": [message]})
    assert Offer.objects.count() == 0


# --- who may do what -------------------------------------------------------


def test_a_draft_is_invisible_to_another_user(client):
    demand = make_demand()
    stranger = make_user()
    assert_api_error(_get(client, f"/{demand.public_id}", stranger), 404, "not_found")
    assert_api_error(_get(client, f"/{demand.public_id}"), 404, "not_found")
    for path in ("/deposit", "/publish", "/cancel", "/withdraw"):
        response = _post(client, f"/{demand.public_id}{path}", stranger)
        assert response.status_code == 404, path
    response = _post(client, f"/{demand.public_id}/join", stranger, {"quantity": 1})
    assert response.status_code == 404
    demand.refresh_from_db()
    assert demand.state == "draft"


def test_a_token_shows_its_owner_their_draft_and_nobody_else(client):
    # given a draft and a published demand
    draft = make_demand()
    published = make_published()
    # when its initiator asks with a bearer token (no session)
    response = _get(client, f"/{draft.public_id}", draft.initiator)
    # then they see their draft
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["state"]) == (
        draft.public_id,
        "draft",
    )
    # and another user's token or no token still finds no such demand
    for user in (make_user(), published.initiator, None):
        assert_api_error(_get(client, f"/{draft.public_id}", user), 404, "not_found")
    # while anyone sees the published one
    response = _get(client, f"/{published.public_id}")
    assert (response.status_code, response.json()["state"]) == (200, "published")
    # and the browser session still shows the initiator their draft
    client.force_login(draft.initiator)
    assert client.get(f"/api/demands/{draft.public_id}").status_code == 200


def test_my_demands_list_mine_in_every_state_and_nobody_elses(client):
    # given my draft, my published demand, my cancelled one, and one I joined
    buyer, stranger = make_user(), make_user()
    cancelled = make_published(initiator=buyer)
    services.demand_cancel(actor=buyer, demand=cancelled)
    joined = make_published(initiator=stranger)
    join_and_pay(joined, buyer)
    published = make_published(initiator=buyer)
    draft = make_demand(initiator=buyer)
    # and the stranger's own draft and published demand I have no part in
    strangers_draft = make_demand(initiator=stranger)
    strangers_published = make_published(initiator=stranger)
    # when I list mine with a token
    response = _get(client, "/mine?page_size=3", buyer)
    # then I get mine, newest first, paged
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(d["id"], d["state"]) for d in body["items"]] == [
        (draft.public_id, "draft"),
        (published.public_id, "published"),
        (joined.public_id, "published"),
    ]
    assert (body["page"], body["page_size"], body["total"], body["pages"]) == (
        1,
        3,
        4,
        2,
    )
    second = _get(client, "/mine?page=2&page_size=3", buyer).json()
    assert [(d["id"], d["state"]) for d in second["items"]] == [
        (cancelled.public_id, "cancelled")
    ]
    # and the stranger's list holds only theirs, never my draft
    theirs = _get(client, "/mine", stranger).json()["items"]
    assert [d["id"] for d in theirs] == [
        strangers_published.public_id,
        strangers_draft.public_id,
        joined.public_id,
    ]
    # and without signing in there is no "mine"
    assert_api_error(_get(client, "/mine"), 401, "unauthenticated")


def test_another_user_cannot_publish_cancel_accept_or_withdraw_for_others(client):
    demand = make_published()
    offer = make_offer(demand)
    stranger = make_user()
    assert_api_error(
        _post(client, f"/{demand.public_id}/publish", stranger), 403, "forbidden"
    )
    assert_api_error(
        _post(client, f"/{demand.public_id}/cancel", stranger), 403, "forbidden"
    )
    assert_api_error(
        _post(client, f"/offers/{offer.public_id}/accept", stranger), 403, "forbidden"
    )
    assert_api_error(
        _post(client, f"/{demand.public_id}/withdraw", stranger), 404, "not_found"
    )
    assert_api_error(
        _post(client, f"/{demand.public_id}/deposit", stranger), 404, "not_found"
    )
    # a stranger sees no offers; anonymous callers are refused
    assert _get(client, f"/{demand.public_id}/offers", stranger).json()["items"] == []
    assert _get(client, f"/{demand.public_id}/offers").status_code == 401
    demand.refresh_from_db()
    assert (demand.state, Offer.objects.get().state) == ("published", "active")


def test_another_merchant_cannot_act_for_a_merchant(client):
    demand = make_published()
    merchant, owner = make_owner_merchant("Dairy Co")
    _other, other_owner = make_owner_merchant("Other Mart")
    offer = make_offer(demand, merchant=merchant, owner=owner)
    # another merchant's owner offers, withdraws, searches and saves for Dairy Co
    response = _post(
        client, f"/{demand.public_id}/offers", other_owner, _offer_body(merchant)
    )
    assert_api_error(response, 403, "forbidden")
    response = _post(client, f"/offers/{offer.public_id}/withdraw", other_owner)
    assert_api_error(response, 403, "forbidden")
    response = _get(
        client, f"/merchant/search?merchant_id={merchant.public_id}", other_owner
    )
    assert_api_error(response, 403, "forbidden")
    response = _get(
        client,
        f"/merchant/saved-searches?merchant_id={merchant.public_id}",
        other_owner,
    )
    assert_api_error(response, 403, "forbidden")
    response = _post(
        client,
        "/merchant/saved-searches",
        other_owner,
        {"merchant_id": merchant.public_id, "q": "牛奶"},
    )
    assert_api_error(response, 403, "forbidden")
    # and sees only its own offers, not Dairy Co's
    theirs = _get(client, f"/{demand.public_id}/offers", other_owner).json()
    assert (theirs["items"], theirs["total"]) == ([], 0)
    mine = _get(client, f"/{demand.public_id}/offers", owner).json()
    assert [o["id"] for o in mine["items"]] == [offer.public_id]
    offer.refresh_from_db()
    assert offer.state == "active"


def test_a_cashier_may_search_but_not_offer(client):
    from groupbuy.accounts.services import merchant_membership_add

    demand = make_published()
    merchant, _owner = make_owner_merchant()
    cashier = make_user()
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    response = _get(
        client, f"/merchant/search?merchant_id={merchant.public_id}", cashier
    )
    assert response.status_code == 200
    response = _post(
        client, f"/{demand.public_id}/offers", cashier, _offer_body(merchant)
    )
    assert_api_error(response, 403, "forbidden")


def test_saved_searches_through_the_api(client):
    merchant, owner = make_owner_merchant()
    _other, other_owner = make_owner_merchant("Other")
    response = _post(
        client,
        "/merchant/saved-searches",
        owner,
        {"merchant_id": merchant.public_id, "q": "牛奶"},
    )
    assert response.status_code == 201
    search_id = response.json()["id"]
    listed = _get(
        client, f"/merchant/saved-searches?merchant_id={merchant.public_id}", owner
    )
    assert [s["id"] for s in listed.json()] == [search_id]
    response = client.delete(
        f"/api/demands/merchant/saved-searches/{search_id}", headers=_auth(other_owner)
    )
    assert_api_error(response, 403, "forbidden")
    response = client.delete(
        f"/api/demands/merchant/saved-searches/{search_id}", headers=_auth(owner)
    )
    assert response.status_code == 204


def test_withdraw_and_cancel_through_the_api_refund(client):
    demand = make_published()
    joiner = join_and_pay(demand)
    response = _post(client, f"/{demand.public_id}/withdraw", joiner.shopper)
    assert response.json()["status"] == "withdrawn"
    response = _post(client, f"/{demand.public_id}/cancel", demand.initiator)
    assert response.json()["state"] == "cancelled"
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert balance("shopper_held", user=demand.initiator) == 0
    assert_api_error(
        _post(client, f"/{demand.public_id}/join", make_user(), {"quantity": 1}),
        409,
        "demand_closed",
    )
    assert_ledger_sound()


def _accepted_with_joiner():
    """A demand (deposits paid to the merchant on leaving) whose offer of 45.00
    a unit is accepted; its joiner's 15.00 deposit went to their order of 3."""
    demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    demand = services.offer_accept(actor=demand.initiator, offer=make_offer(demand))
    return demand, joiner, demand.deal.orders.get(shopper=joiner.shopper)


def test_cancelling_the_order_through_the_deals_api_is_leaving_the_demand(client):
    # given a joiner whose 15.00 deposit went to their order in the deal
    demand, joiner, order = _accepted_with_joiner()
    merchant = demand.accepted_offer.merchant
    cancel = f"/api/deals/orders/{order.public_id}/cancel"
    # when they cancel the order through the deals API
    response = client.post(cancel, headers=_auth(joiner.shopper))
    # then it is cancelled and the deposit paid to the merchant, as leaving does
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["refunded_fen"]) == (
        "cancelled",
        0,
    )
    assert balance("merchant_payable", merchant=merchant) == 1_500
    assert balance("shopper_held", user=joiner.shopper) == 0
    joiner.refresh_from_db()
    assert joiner.status == "forfeited"
    # when they cancel again, or leave, then nothing more changes
    postings = LedgerTransaction.objects.count()
    response = client.post(cancel, headers=_auth(joiner.shopper))
    assert response.json()["status"] == "cancelled"
    assert_api_error(
        _post(client, f"/{demand.public_id}/withdraw", joiner.shopper),
        409,
        "not_participating",
    )
    assert LedgerTransaction.objects.count() == postings
    assert balance("merchant_payable", merchant=merchant) == 1_500
    assert_ledger_sound()


def test_a_merchant_refund_through_the_api_gives_the_deposit_back(client):
    # given a joiner who paid the 120.00 rest on top of their 15.00 deposit
    demand, joiner, order = _accepted_with_joiner()
    pay_intent(order.payment_intent)
    merchant = demand.accepted_offer.merchant
    owner = merchant.memberships.get().user
    # when the merchant's owner refunds the order
    response = client.post(
        f"/api/deals/{demand.deal.public_id}/orders/{order.public_id}/refund",
        {"reason": "Out of stock"},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then the joiner gets all 135.00 back, the deposit included
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["refunded_fen"]) == (
        "refunded",
        13_500,
    )
    assert balance("merchant_payable", merchant=merchant) == 0
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert PaymentIntent.objects.get(pk=joiner.intent_id).refunded_fen == 1_500
    assert_ledger_sound()


def test_a_merchant_search_without_a_merchant_is_a_clear_400(client):
    # given a signed-in person
    from groupbuy.accounts.services import api_token_create
    from groupbuy.demands.tests.factories import make_user as demands_user

    _token, secret = api_token_create(actor=demands_user(preferred_language="en"))
    # when the merchant is left empty (schemathesis found a 500 here)
    response = client.get(
        "/api/demands/merchant/search",
        {"merchant_id": "", "q": ""},
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "merchant_id": ["Say which merchant you act for."]
    }


def _my_orders(client, user) -> dict:
    response = client.get("/api/deals/orders", headers=_auth(user))
    assert response.status_code == 200, response.content
    return {order["id"]: order for order in response.json()["items"]}


def test_an_order_whose_deposit_was_kept_says_so_in_the_deals_api(client):
    # given a joiner whose 15.00 deposit went to their order, who left the
    # demand by cancelling it: the merchant keeps the deposit
    _demand, joiner, order = _accepted_with_joiner()
    client.post(
        f"/api/deals/orders/{order.public_id}/cancel", headers=_auth(joiner.shopper)
    )
    # when they read the order and their orders
    detail = client.get(
        f"/api/deals/orders/{order.public_id}", headers=_auth(joiner.shopper)
    ).json()
    listed = _my_orders(client, joiner.shopper)[order.public_id]
    # then both say the 15.00 was kept, by the merchant, beside a refund of 0
    for answer in (detail, listed):
        assert (answer["status"], answer["refunded_fen"]) == ("cancelled", 0)
        assert (answer["deposit_kept_fen"], answer["deposit_kept_by"]) == (
            1_500,
            "merchant",
        )


def test_an_order_whose_deposit_the_platform_kept_names_the_platform(client):
    # given a joiner who left a demand whose rule gives deposits to the platform
    with override_settings(GROUPBUY_DEMAND_FORFEIT_RULE="platform"):
        demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    demand = services.offer_accept(actor=demand.initiator, offer=make_offer(demand))
    order = demand.deal.orders.get(shopper=joiner.shopper)
    _post(client, f"/{demand.public_id}/withdraw", joiner.shopper)
    # when they read the order
    answer = client.get(
        f"/api/deals/orders/{order.public_id}", headers=_auth(joiner.shopper)
    ).json()
    # then it names the platform
    assert (answer["deposit_kept_fen"], answer["deposit_kept_by"]) == (
        1_500,
        "platform",
    )


def test_orders_kept_nothing_of_say_0_and_the_list_reads_them_at_once(client):
    # given a shopper who left one demand (deposit kept) and still holds an
    # order in another
    _demand, joiner, left = _accepted_with_joiner()
    shopper = joiner.shopper
    client.post(f"/api/deals/orders/{left.public_id}/cancel", headers=_auth(shopper))
    other = make_published()
    join_and_pay(other, shopper, quantity=3)
    other = services.offer_accept(actor=other.initiator, offer=make_offer(other))
    held = other.deal.orders.get(shopper=shopper)
    # when they list their orders
    with CaptureQueriesContext(connection) as one_left:
        orders = _my_orders(client, shopper)
    # then the one held kept nothing
    assert (
        orders[held.public_id]["deposit_kept_fen"],
        orders[held.public_id]["deposit_kept_by"],
    ) == (0, None)
    # and leaving the second too costs the list no more queries
    client.post(f"/api/deals/orders/{held.public_id}/cancel", headers=_auth(shopper))
    with CaptureQueriesContext(connection) as both_left:
        orders = _my_orders(client, shopper)
    assert orders[held.public_id]["deposit_kept_fen"] == 1_500
    assert len(both_left) == len(one_left)


def test_paying_a_deposit_whose_units_were_taken_meanwhile_is_a_409(client, settings):
    # given a join of 8 left unpaid past its payment window, whose units
    # another buyer then took
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user()
    participation, _intent = services.demand_join(actor=late, demand=demand, quantity=8)
    participation.__class__.objects.filter(pk=participation.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )
    join_and_pay(demand, quantity=8)
    # when its buyer asks to pay
    response = _post(client, f"/{demand.public_id}/deposit", late)
    # then it is a 409 saying so, with how many units are left
    assert response.status_code == 409
    assert response.json() == {
        "code": "units_taken",
        "message": "The units you joined for were taken while your deposit was "
        "unpaid, and no unit is still wanted. Nothing was charged.",
        "fields": {},
        "units_left": 0,
    }
    answer = _get(client, f"/{demand.public_id}").json()
    assert (answer["committed_units"], answer["units_still_wanted"]) == (10, 0)


def test_a_demands_offers_come_a_page_at_a_time(client):
    # given a demand with offers from three shops, cheapest first
    demand = make_published()
    made = []
    for number, price in enumerate((4_000, 3_000, 5_000)):
        merchant, owner = make_owner_merchant(f"Shop {number}")
        made.append(
            make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=price)
        )
    # when a participant reads them 2 at a time
    first = _get(client, f"/{demand.public_id}/offers?page_size=2", demand.initiator)
    second = _get(
        client, f"/{demand.public_id}/offers?page=2&page_size=2", demand.initiator
    )
    # then they come in the lists' envelope, cheapest first, as before
    assert (first.json()["total"], first.json()["pages"]) == (3, 2)
    ids = [o["id"] for o in first.json()["items"] + second.json()["items"]]
    assert ids == [made[1].public_id, made[0].public_id, made[2].public_id]


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Fresh Fruit"), ("zh-hans", "鲜果铺")]
)
def test_an_offer_names_its_shop_in_the_readers_language(client, language, shown):
    # given an offer from a shop with an English name, on a demand whose
    # initiator reads the language
    demand = factories.make_published()
    demand.initiator.preferred_language = language
    demand.initiator.save(update_fields=["preferred_language"])
    merchant, owner = factories.make_owner_merchant("鲜果铺")
    merchant.name_en = "Fresh Fruit"
    merchant.save(update_fields=["name_en"])
    factories.make_offer(demand, merchant=merchant, owner=owner)
    # when the initiator reads the offers
    answer = client.get(
        f"/api/demands/{demand.public_id}/offers",
        headers={**_auth(demand.initiator), "Accept-Language": language},
    )
    # then
    assert [offer["merchant_name"] for offer in answer.json()["items"]] == [shown]
