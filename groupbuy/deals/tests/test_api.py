"""The deals API: JSON shapes, auth, and every refusal as a clear 4xx."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_close
from groupbuy.deals.tests import factories
from groupbuy.deals.tests.factories import (
    ensure_listing,
    ensure_pickup_branch,
    join_and_pay,
    make_deal,
    make_listed_product,
    make_merchant,
    pass_deadline,
)
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db


def make_user(**extra):
    """A user reading English: the API answers a token user in their saved
    language, and these tests compare its English messages."""
    return factories.make_user(**{"preferred_language": "en", **extra})


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _join(client, deal, user, quantity=1):
    return client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": quantity},
        content_type="application/json",
        headers=_auth(user),
    )


def test_list_is_public_and_paginated(client):
    for index in range(3):
        make_deal(title=f"Deal {index}", deadline_in=timedelta(days=index + 1))
    response = client.get("/api/deals?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["pages"], body["page"], body["page_size"]) == (
        3,
        2,
        1,
        2,
    )
    first = body["items"][0]
    assert first["title"] == "Deal 0"
    assert first["tiers"] == [
        {"min_participants": 2, "price_fen": 9_900},
        {"min_participants": 4, "price_fen": 8_900},
    ]
    assert (first["current_price_fen"], first["lowest_price_fen"]) == (9_900, 8_900)
    assert (first["participants"], first["units_sold"], first["stock"]) == (0, 0, 10)


def test_list_rejects_an_impossible_location(client):
    response = client.get("/api/deals?lat=95&lng=10")
    assert response.status_code == 422
    fields = response.json()["fields"]
    assert [name.split(".")[-1] for name in fields] == ["lat"]


@pytest.mark.parametrize(
    "position",
    ["latitude=31.2325&longitude=121.4747", "lat=31.2325&lng=121.4747"],
)
def test_the_list_takes_a_position_by_the_names_the_rest_of_the_api_uses(
    client, position
):
    """Until 2026-12-07 the deal list alone named a position ``lat`` and
    ``lng``, where the nearest branches, a demand and a branch say
    ``latitude`` and ``longitude``: a client sending those got no distances,
    and no refusal either. Both names are read now."""
    # given a deal of a shop with a branch about 100 m away
    merchant = make_merchant(name="Near")
    factories.make_branch(merchant=merchant, latitude=31.2336, longitude=121.4757)
    make_deal(merchant=merchant)
    # when the list is asked for from there
    response = client.get(f"/api/deals?{position}")
    # then the deal says how far it is
    (item,) = response.json()["items"]
    assert 100 < item["distance_m"] < 200


def test_join_returns_the_order_and_the_payment_to_make(client):
    deal = make_deal()
    shopper = make_user()
    response = _join(client, deal, shopper, quantity=2)
    assert response.status_code == 201
    body = response.json()
    order = DealOrder.objects.get()
    assert body["order"]["id"] == order.public_id
    assert body["order"]["status"] == "pending_payment"
    assert body["order"]["amount_fen"] == 19_800
    payment = body["payment"]
    assert payment["intent_id"] == order.payment_intent.public_id
    assert payment["amount_fen"] == 19_800
    assert payment["pay_url"] == (
        f"http://testserver/escrow/sandbox/pay/{payment['intent_id']}/"
    )


@pytest.mark.parametrize(
    ("quantity", "status", "code"),
    [
        (0, 400, "invalid_quantity"),
        (-3, 400, "invalid_quantity"),
        (99, 400, "invalid_quantity"),
        ("many", 422, "invalid"),
    ],
)
def test_bad_quantity_is_a_clear_4xx_and_writes_nothing(client, quantity, status, code):
    deal = make_deal()
    response = _join(client, deal, make_user(), quantity=quantity)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]
    deal.refresh_from_db()
    assert (deal.sold, DealOrder.objects.count(), PaymentIntent.objects.count()) == (
        0,
        0,
        0,
    )


def test_joining_refusals_carry_code_and_message(client):
    sold_out = make_deal(stock=1, tiers=[(1, 9_900)])
    _join(client, sold_out, make_user())
    late = pass_deadline(make_deal())
    early = make_deal(starts_in=timedelta(hours=3))
    cases = [
        (sold_out, "sold_out", "Sold out."),
        (late, "deadline_passed", None),
        (early, "not_started", None),
    ]
    for deal, code, message in cases:
        response = _join(client, deal, make_user())
        assert response.status_code == 409
        assert response.json()["code"] == code
        if message:
            assert response.json()["message"] == message
    assert DealOrder.objects.count() == 1


def test_the_document_names_each_refusal_a_join_gives(client):
    """Until 2026-12-07 the join documented its refusals only as "4XX": a
    client learnt of sold_out, kept_for_buyers or already_joined by meeting
    them. Each refusal met here is named under its status."""
    # given the refusals a join gives
    sold_out = make_deal(stock=1, tiers=[(1, 9_900)])
    _join(client, sold_out, make_user())
    shopper = make_user()
    joined = make_deal()
    _join(client, joined, shopper)
    met = [
        _join(client, sold_out, make_user()),
        _join(client, pass_deadline(make_deal()), make_user()),
        _join(client, make_deal(starts_in=timedelta(hours=3)), make_user()),
        _join(client, joined, shopper),
        _join(client, make_deal(max_quantity_per_order=2), make_user(), quantity=3),
    ]
    # when the document is read
    document = client.get("/api/openapi.json").json()
    responses = document["paths"]["/api/deals/{deal_id}/join"]["post"]["responses"]
    # then each is named, in backquotes, under its status
    for response in met:
        code = response.json()["code"]
        assert f"`{code}`" in responses[str(response.status_code)]["description"]
    assert [response.json()["code"] for response in met] == [
        "sold_out",
        "deadline_passed",
        "not_started",
        "already_joined",
        "invalid_quantity",
    ]


def test_a_join_on_a_closed_deal_says_how_late_in_the_json(client):
    # given a deal closed at its deadline, a minute ago
    deal = pass_deadline(make_deal())
    deal_close(deal=deal)
    Deal.objects.filter(pk=deal.pk).update(
        deadline_at=timezone.now() - timedelta(minutes=1)
    )
    # when someone joins
    response = _join(client, deal, make_user())
    # then
    body = response.json()
    assert (response.status_code, body["code"]) == (409, "deal_closed")
    assert body["message"] == "This group buy has closed."
    assert 60_000 <= body["late_by_ms"] < 70_000


def test_a_late_join_says_by_how_many_ms_in_the_json(client):
    # given a deal whose deadline passed two seconds ago
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=2)
    )
    # when someone joins
    response = _join(client, deal, make_user())
    # then the refusal states the lateness, in the message and as a number
    body = response.json()
    assert (response.status_code, body["code"]) == (409, "deadline_passed")
    assert 2_000 <= body["late_by_ms"] < 12_000
    assert body["message"] == (
        f"The deadline for this group buy passed {body['late_by_ms']} ms ago "
        "(by the server's clock)."
    )
    assert DealOrder.objects.count() == 0


def test_joining_requires_sign_in(client):
    deal = make_deal()
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert DealOrder.objects.count() == 0


def test_detail_shows_my_order_when_signed_in(client):
    deal = make_deal()
    shopper = make_user()
    _join(client, deal, shopper)
    anonymous = client.get(f"/api/deals/{deal.public_id}").json()
    mine = client.get(f"/api/deals/{deal.public_id}", headers=_auth(shopper)).json()
    assert anonymous["my_order"] is None
    assert anonymous["can_join"] is True
    assert mine["my_order"]["status"] == "pending_payment"
    assert (mine["can_join"], mine["join_blocked_code"]) == (False, "already_joined")
    assert mine["progress"]["units_sold"] == 1
    assert client.get("/api/deals/deal_unknown").status_code == 404


def test_progress_endpoint_matches_the_websocket_snapshot(client):
    deal = make_deal()
    body = client.get(f"/api/deals/{deal.public_id}/progress").json()
    assert body["deal_id"] == deal.public_id
    assert body["deadline_ms"] == int(deal.deadline_at.timestamp() * 1000)
    draft = make_deal(is_open=False)
    assert client.get(f"/api/deals/{draft.public_id}/progress").status_code == 404


def test_my_orders_and_cancel(client):
    deal = make_deal()
    shopper = make_user()
    order = join_and_pay(deal, shopper=shopper, quantity=2)
    listed = client.get("/api/deals/orders", headers=_auth(shopper)).json()
    assert [item["id"] for item in listed["items"]] == [order.public_id]
    assert listed["items"][0]["payment"]["status"] == "succeeded"
    response = client.post(
        f"/api/deals/orders/{order.public_id}/cancel", headers=_auth(shopper)
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["refunded_fen"]) == (
        "refunded",
        19_800,
    )
    stranger = client.get(
        f"/api/deals/orders/{order.public_id}", headers=_auth(make_user())
    )
    assert stranger.status_code == 404


def test_cancel_after_the_deadline_is_409(client):
    deal = make_deal()
    shopper = make_user()
    order = join_and_pay(deal, shopper=shopper)
    pass_deadline(deal)
    response = client.post(
        f"/api/deals/orders/{order.public_id}/cancel", headers=_auth(shopper)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    order.refresh_from_db()
    assert order.status == "paid"


def test_after_a_declined_payment_the_order_is_paid_again_once(
    client, django_capture_on_commit_callbacks
):
    # given a shopper whose payment for their order was declined
    shopper = make_user()
    headers = _auth(shopper)
    joined = _join(client, make_deal(), shopper, quantity=2).json()
    order_url = f"/api/deals/orders/{joined['order']['id']}"
    declined_url = f"/api/escrow/intents/{joined['payment']['intent_id']}/sandbox-pay"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            declined_url,
            {"outcome": "failed"},
            content_type="application/json",
            headers=headers,
        )
    # when they pay the declined payment again
    again = client.post(
        declined_url, {}, content_type="application/json", headers=headers
    )
    # then they are told it was declined and how to try again, not "already paid"
    assert again.status_code == 409
    assert again.json()["code"] == "payment_failed"
    assert "Try again" in again.json()["message"]
    # when they ask for a new payment for the same order and pay it
    new = client.post(f"{order_url}/pay-again", headers=headers)
    assert new.status_code == 200
    paid_url = f"/api/escrow/intents/{new.json()['payment']['intent_id']}/sandbox-pay"
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(
            paid_url, {}, content_type="application/json", headers=headers
        )
    # then the same order is paid once, and neither payment can be paid again
    assert paid.status_code == 202
    order = client.get(order_url, headers=headers).json()
    assert (order["status"], order["payment"]["status"]) == ("paid", "succeeded")
    for url, code in ((declined_url, "payment_failed"), (paid_url, "already_paid")):
        refused = client.post(url, {}, content_type="application/json", headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (409, code)
    intents = PaymentIntent.objects.filter(reference=joined["order"]["id"])
    assert sorted(intents.values_list("status", flat=True)) == ["failed", "succeeded"]
    money = client.get("/api/escrow/me/money", headers=headers).json()
    assert (money["paid_in_fen"], money["held_fen"]) == (19_800, 19_800)


def _decline(client, headers, intent_id, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/escrow/intents/{intent_id}/sandbox-pay",
            {"outcome": "failed"},
            content_type="application/json",
            headers=headers,
        )


def test_a_declined_payment_leads_to_the_order_page_that_pays_again(
    client, django_capture_on_commit_callbacks
):
    # given a shopper whose payment for their order was declined
    shopper = make_user()
    headers = _auth(shopper)
    joined = _join(client, make_deal(), shopper).json()
    order_id = joined["order"]["id"]
    assert joined["payment"]["pay_url"].startswith("http://testserver/escrow/")
    assert joined["payment"]["can_pay_again"] is False
    intent_id = joined["payment"]["intent_id"]
    _decline(client, headers, intent_id, django_capture_on_commit_callbacks)
    # when they read the order, alone and in their list
    order = client.get(f"/api/deals/orders/{order_id}", headers=headers).json()
    [listed] = client.get("/api/deals/orders", headers=headers).json()["items"]
    # then its payment leads to the order's page, which offers to pay again,
    # not to the declined payment's pay page, and says it may be paid again
    for payment in (order["payment"], listed["payment"]):
        assert payment["status"] == "failed"
        assert payment["pay_url"] == f"http://testserver/orders/{order_id}/"
        assert payment["can_pay_again"] is True
    # when they pay again, then the new payment leads to its pay page
    again = client.post(f"/api/deals/orders/{order_id}/pay-again", headers=headers)
    payment = again.json()["payment"]
    new_id = payment["intent_id"]
    assert new_id != intent_id
    assert payment["pay_url"] == f"http://testserver/escrow/sandbox/pay/{new_id}/"
    assert payment["can_pay_again"] is False


def test_a_declined_payment_past_its_window_cannot_be_paid_again(
    client, django_capture_on_commit_callbacks
):
    # given an order whose payment was declined and whose payment window ended
    shopper = make_user()
    headers = _auth(shopper)
    joined = _join(client, make_deal(), shopper).json()
    order_id = joined["order"]["id"]
    intent_id = joined["payment"]["intent_id"]
    _decline(client, headers, intent_id, django_capture_on_commit_callbacks)
    DealOrder.objects.filter(public_id=order_id).update(
        joined_at=timezone.now() - timedelta(days=1)
    )
    # when they read it
    order = client.get(f"/api/deals/orders/{order_id}", headers=headers).json()
    # then it still leads to the order's page (which says the time ran out),
    # and says it cannot be paid again
    assert order["payment"]["pay_url"] == f"http://testserver/orders/{order_id}/"
    assert order["payment"]["can_pay_again"] is False


def _deal_payload(product, **overrides):
    now = timezone.now()
    return {
        "product_id": product.public_id,
        "title": "Tea for the street",
        "list_price_fen": 12_900,
        "tiers": [
            {"min_participants": 10, "price_fen": 9_900},
            {"min_participants": 50, "price_fen": 8_900},
        ],
        "stock": 100,
        "starts_at": now.isoformat(),
        "deadline_at": (now + timedelta(days=1)).isoformat(),
        **overrides,
    }


def test_merchant_owner_creates_edits_and_opens_a_deal(client):
    owner = make_user()
    merchant = make_merchant(owner=owner)
    ensure_pickup_branch(merchant)
    product = make_listed_product(merchant=merchant)
    created = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        _deal_payload(product),
        content_type="application/json",
        headers=_auth(owner),
    )
    assert created.status_code == 201
    deal_id = created.json()["id"]
    assert (created.json()["state"], created.json()["can_manage"]) == ("draft", True)
    edited = client.patch(
        f"/api/deals/{deal_id}",
        {"stock": 60, "tiers": [{"min_participants": 5, "price_fen": 9_500}]},
        content_type="application/json",
        headers=_auth(owner),
    )
    assert edited.status_code == 200
    assert edited.json()["stock"] == 60
    assert edited.json()["tiers"] == [{"min_participants": 5, "price_fen": 9_500}]
    opened = client.post(f"/api/deals/{deal_id}/open", headers=_auth(owner))
    assert opened.json()["state"] == "open"
    listed = client.get(
        f"/api/deals/merchants/{merchant.public_id}/deals", headers=_auth(owner)
    )
    assert [item["id"] for item in listed.json()["items"]] == [deal_id]


def test_opening_a_deal_at_a_shop_with_no_branch_is_a_400_on_no_field(client):
    # given a draft at a shop with no branch
    owner = make_user()
    merchant = make_merchant(owner=owner)
    created = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        _deal_payload(make_listed_product(merchant=merchant)),
        content_type="application/json",
        headers=_auth(owner),
    )
    deal_id = created.json()["id"]
    # when
    response = client.post(f"/api/deals/{deal_id}/open", headers=_auth(owner))
    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "no_pickup_branch",
        "message": (
            "This shop has no open branch for buyers to collect from: add one first."
        ),
        # the request sends no field: the refusal is the request's as a whole
        "fields": {},
    }
    assert Deal.objects.get(public_id=deal_id).state == Deal.State.DRAFT


def test_invalid_deal_is_400_with_fields_and_nothing_is_created(client):
    owner = make_user()
    merchant = make_merchant(owner=owner)
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        _deal_payload(
            make_listed_product(merchant=merchant),
            tiers=[
                {"min_participants": 10, "price_fen": 8_000},
                {"min_participants": 50, "price_fen": 9_000},
            ],
        ),
        content_type="application/json",
        headers=_auth(owner),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]["tiers"] == [
        "Each tier with more buyers must be cheaper than the one before."
    ]
    assert Deal.objects.count() == 0


def test_strangers_cannot_create_or_see_a_merchants_deals(client):
    merchant = make_merchant()
    stranger = make_user()
    created = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        _deal_payload(make_listed_product(merchant=merchant)),
        content_type="application/json",
        headers=_auth(stranger),
    )
    assert created.status_code == 403
    listed = client.get(
        f"/api/deals/merchants/{merchant.public_id}/deals", headers=_auth(stranger)
    )
    assert listed.status_code == 403
    assert Deal.objects.count() == 0


def test_merchant_sees_its_deals_orders_with_masked_phones(client):
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    shopper = make_user(display_name="Wei")
    join_and_pay(deal, shopper=shopper)
    response = client.get(f"/api/deals/{deal.public_id}/orders", headers=_auth(owner))
    item = response.json()["items"][0]
    assert item["shopper_name"] == "Wei"
    assert "****" in item["shopper_phone"]
    assert shopper.phone not in item["shopper_phone"]
    stranger = client.get(
        f"/api/deals/{deal.public_id}/orders", headers=_auth(make_user())
    )
    assert stranger.status_code == 403


def test_operators_close_and_stop_deals(client):
    operator = make_user(is_staff=True)
    closing, stopping = make_deal(), make_deal()
    for _ in range(2):
        join_and_pay(closing)
    response = client.post(
        f"/api/deals/{closing.public_id}/close", headers=_auth(operator)
    )
    assert response.json()["state"] in ("succeeded", "settled")
    response = client.post(
        f"/api/deals/{stopping.public_id}/stop",
        content_type="application/json",
        headers=_auth(operator),
    )
    assert response.json()["state"] == "settled"
    refused = client.post(
        f"/api/deals/{make_deal().public_id}/stop",
        content_type="application/json",
        headers=_auth(make_user()),
    )
    assert refused.status_code == 403


def test_the_close_answer_says_whether_the_deal_succeeded_or_failed(client):
    # given a deal below its first tier (2 buyers) and one that reached it
    below, reached = make_deal(), make_deal()
    operator = make_user(is_staff=True)
    join_and_pay(below)
    for _ in range(2):
        join_and_pay(reached)
    # when an operator closes both now
    failed = client.post(
        f"/api/deals/{below.public_id}/close", headers=_auth(operator)
    ).json()
    succeeded = client.post(
        f"/api/deals/{reached.public_id}/close", headers=_auth(operator)
    ).json()
    # then the answer carries the outcome: failed with no price, or the price
    # of the tier reached
    assert (failed["shown_state"], failed["final_price_fen"]) == ("failed", None)
    assert succeeded["shown_state"] in ("succeeded", "settled")
    assert succeeded["final_price_fen"] == 9_900


def test_a_join_that_would_starve_the_first_tier_is_a_409_with_the_units_left(
    client,
):
    # given 6 units, a first tier of 3 buyers, and one buyer holding 3 units
    deal = make_deal(stock=6, tiers=[(3, 9_900)])
    assert _join(client, deal, make_user(), quantity=3).status_code == 201
    # when a second buyer asks for 3 (the third buyer would find none)
    response = _join(client, deal, make_user(), quantity=3)
    # then
    assert response.status_code == 409
    message = (
        "Only 2 units are left for you, so that enough buyers can still join to "
        "reach the first tier; choose a smaller quantity."
    )
    assert response.json() == {
        "code": "kept_for_buyers",
        "message": message,
        "fields": {"quantity": [message]},
    }


def test_a_create_sent_again_with_its_key_answers_the_first_deal(client):
    # given an owner, and a request with a one-time key in the body or header
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    product = make_listed_product(merchant=merchant)
    url = f"/api/deals/merchants/{merchant.public_id}/deals"

    def create(body, **headers):
        return client.post(
            url,
            body,
            content_type="application/json",
            headers={**_auth(owner), **headers},
        )

    in_body = _deal_payload(product, idempotency_key="body-key-0000000001")
    # when each is sent twice
    first, again = create(in_body), create(in_body)
    in_header = _deal_payload(product)
    header = {"Idempotency-Key": "3b241101-e2bb-4255-8caf-4136c566a962"}
    first_h, again_h = create(in_header, **header), create(in_header, **header)
    # then the second answers the deal the first made, 200, and makes none
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert (first_h.status_code, again_h.status_code) == (201, 200)
    assert again_h.json()["id"] == first_h.json()["id"] != first.json()["id"]
    assert Deal.objects.filter(merchant=merchant).count() == 2
    # and without a key every request creates one, as before
    assert create(_deal_payload(product)).status_code == 201
    assert create(_deal_payload(product)).status_code == 201
    assert Deal.objects.filter(merchant=merchant).count() == 4
    # the key sent with another request is a 409 that creates nothing
    other = create({**in_body, "title": "Another tea"})
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    # a malformed key, or a header and body that differ, is a 422 naming it
    for body, headers in (
        (_deal_payload(product, idempotency_key="short"), {}),
        (_deal_payload(product), {"Idempotency-Key": "no spaces allowed here!"}),
        (in_body, {"Idempotency-Key": "another-key-000000001"}),
    ):
        refused = create(body, **headers)
        assert refused.status_code == 422, (body, headers)
        assert (refused.json()["code"], list(refused.json()["fields"])) == (
            "invalid",
            ["idempotency_key"],
        )
    assert Deal.objects.filter(merchant=merchant).count() == 4
    # another merchant's owner may use the same key for their own deal, and
    # neither they nor a shopper reach this shop's deal with it
    other_owner = make_user()
    other_merchant = make_merchant(name="Other", owner=other_owner)
    ensure_listing(merchant=other_merchant, product=product, price_fen=12_900)
    theirs = client.post(
        f"/api/deals/merchants/{other_merchant.public_id}/deals",
        in_body,
        content_type="application/json",
        headers=_auth(other_owner),
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != first.json()["id"]
    for outsider in (other_owner, make_user()):
        refused = client.post(
            url, in_body, content_type="application/json", headers=_auth(outsider)
        )
        assert refused.status_code == 403
    assert Deal.objects.filter(merchant=merchant).count() == 4


def test_the_openapi_schema_lists_the_idempotency_key_header_on_create(client):
    # when the API's schema is read
    paths = client.get("/api/openapi.json").json()["paths"]
    create = paths["/api/deals/merchants/{merchant_id}/deals"]["post"]
    # then creating a deal documents the Idempotency-Key header it reads
    (header,) = [p for p in create["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", False)


def test_the_shops_order_lists_leave_out_the_shoppers_pay_link(client):
    # given a shopper who joined and has yet to pay
    owner = make_user()
    merchant = make_merchant(owner=owner)
    deal = make_deal(merchant=merchant)
    shopper = make_user()
    joined = _join(client, deal, shopper).json()
    assert joined["order"]["payment"]["pay_url"]
    # when the shop lists its orders (by deal and in all)
    by_deal = client.get(f"/api/deals/{deal.public_id}/orders", headers=_auth(owner))
    in_all = client.get(
        f"/api/deals/merchants/{merchant.public_id}/orders", headers=_auth(owner)
    )
    # then it reads the payment's state, not the link only the shopper uses
    for response in (by_deal, in_all):
        payment = response.json()["items"][0]["payment"]
        assert payment["status"] == joined["order"]["payment"]["status"]
        assert "pay_url" not in payment
    # and the shopper still gets it
    mine = client.get(
        f"/api/deals/orders/{joined['order']['id']}", headers=_auth(shopper)
    ).json()
    assert mine["payment"]["pay_url"] == joined["order"]["payment"]["pay_url"]
    # and another merchant's owner reads nothing of it
    other_owner = make_user()
    make_merchant(name="Other Mart", owner=other_owner)
    refused = client.get(
        f"/api/deals/{deal.public_id}/orders", headers=_auth(other_owner)
    )
    assert refused.status_code == 403
    assert "pay_url" not in refused.content.decode()


@pytest.mark.parametrize(
    ("language", "shown"), [("en", "Fresh Fruit"), ("zh-hans", "鲜果铺")]
)
def test_a_deal_names_its_shop_in_the_readers_language(client, language, shown):
    # given a deal of a shop with an English name
    merchant = make_merchant(name="鲜果铺")
    merchant.name_en = "Fresh Fruit"
    merchant.save(update_fields=["name_en"])
    deal = make_deal(merchant=merchant)
    # when a client reading the language reads it, alone and listed
    headers = {"Accept-Language": language}
    alone = client.get(f"/api/deals/{deal.public_id}", headers=headers).json()
    listed = client.get("/api/deals", headers=headers).json()["items"]
    # then the shop is named as they read it, as the product is
    # and both its names besides, as the product's are (until 2026-12-07 a
    # client could not have the English name on a Chinese reader's list)
    both = {"id": merchant.public_id, "name_zh": "鲜果铺", "name_en": "Fresh Fruit"}
    assert alone["merchant"] == {**both, "name": shown}
    assert [item["merchant"] for item in listed] == [{**both, "name": shown}]
