"""The console's API: order search, sales, stock, deadline and refunds, each
refused to another merchant's owner, a cashier where it changes something, and
a shopper."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_close_now, deal_join, deal_stop
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_listed_product,
    make_merchant,
    make_user,
)

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _read_english(*users) -> None:
    """The API answers a token user in their saved language; these compare
    its English."""
    for user in users:
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])


def _shop():
    owner, cashier = make_user(), make_user()
    merchant = make_merchant(owner=owner)
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    other_owner = make_user()
    make_merchant(name="Other", owner=other_owner)
    return merchant, owner, cashier, [other_owner, make_user()]


def test_staff_search_orders_with_masked_phones_and_outsiders_cannot(client):
    merchant, owner, cashier, outsiders = _shop()
    deal = make_deal(merchant=merchant)
    paid = join_and_pay(deal)
    deal_join(actor=make_user(), deal=deal, quantity=1)
    url = f"/api/deals/merchants/{merchant.public_id}/orders"
    body = client.get(url, {"status": "paid"}, headers=_auth(cashier)).json()
    assert [item["id"] for item in body["items"]] == [paid.public_id]
    assert body["items"][0]["shopper_phone"].count("*") == 4
    assert client.get(url, headers=_auth(owner)).json()["total"] == 2
    for outsider in outsiders:
        assert client.get(url, headers=_auth(outsider)).status_code == 403
    sales = client.get(
        f"/api/deals/merchants/{merchant.public_id}/sales", headers=_auth(owner)
    ).json()
    assert (sales["total"]["orders"], sales["total"]["revenue_fen"]) == (1, 9_900)
    assert len(sales["days"]) == 14


def test_the_orders_of_all_deals_page_newest_first_without_gaps_or_repeats(client):
    # given five orders over two of the shop's deals and one of another shop's
    merchant, owner, _cashier, _outsiders = _shop()
    deals = [make_deal(merchant=merchant), make_deal(merchant=merchant)]
    orders = [
        deal_join(actor=make_user(), deal=deals[index % 2], quantity=1)
        for index in range(5)
    ]
    deal_join(actor=make_user(), deal=make_deal(), quantity=1)
    url = f"/api/deals/merchants/{merchant.public_id}/orders"
    # when the owner reads them two at a time
    pages = [
        client.get(url, {"page": page, "page_size": 2}, headers=_auth(owner)).json()
        for page in (1, 2, 3)
    ]
    # then every page is in order, and together they are the shop's orders
    newest_first = [order.public_id for order in reversed(orders)]
    assert [[item["id"] for item in page["items"]] for page in pages] == [
        newest_first[0:2],
        newest_first[2:4],
        newest_first[4:5],
    ]
    assert [(page["page"], page["total"], page["pages"]) for page in pages] == [
        (1, 5, 3),
        (2, 5, 3),
        (3, 5, 3),
    ]


def test_owners_add_stock_move_the_deadline_and_refund_others_cannot(client):
    merchant, owner, cashier, outsiders = _shop()
    _read_english(owner, cashier, *outsiders)
    deal = make_deal(merchant=merchant, stock=10)
    order = join_and_pay(deal)
    stock_url = f"/api/deals/{deal.public_id}/stock"
    refund_url = f"/api/deals/{deal.public_id}/orders/{order.public_id}/refund"
    schedule_url = f"/api/deals/{deal.public_id}/schedule"
    later = (deal.deadline_at + timedelta(days=1)).isoformat()
    for actor in (cashier, *outsiders):
        headers = _auth(actor)
        for url, payload in (
            (stock_url, {"units": 2}),
            (refund_url, {"reason": "x"}),
            (schedule_url, {"deadline_at": later}),
        ):
            response = client.post(
                url, payload, content_type="application/json", headers=headers
            )
            assert response.status_code in (403, 404), (url, response.json())
    headers = _auth(owner)
    response = client.post(
        stock_url, {"units": 0}, content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"units": ["Add between 1 and 100000 units."]}
    response = client.post(
        stock_url, {"units": 2}, content_type="application/json", headers=headers
    )
    assert response.json()["progress"]["stock"] == 12
    response = client.post(
        schedule_url,
        {"deadline_at": later},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    response = client.post(
        refund_url, {"reason": ""}, content_type="application/json", headers=headers
    )
    assert response.status_code in (400, 422)
    response = client.post(
        refund_url,
        {"reason": "Broken seal"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["refund_reason"]) == (
        DealOrder.Status.REFUNDED,
        "Broken seal",
    )
    deal.refresh_from_db()
    assert deal.stock == 12
    assert deal.deadline_at > timezone.now() + timedelta(days=1)


def test_owners_create_a_deal_paid_on_redemption(client):
    merchant, owner, _cashier, _outsiders = _shop()
    product = make_listed_product(merchant=merchant)
    now = timezone.now()
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        {
            "product_id": product.public_id,
            "title": "Tea",
            "list_price_fen": 12_900,
            "tiers": [{"min_participants": 2, "price_fen": 9_900}],
            "stock": 10,
            "starts_at": now.isoformat(),
            "deadline_at": (now + timedelta(days=1)).isoformat(),
            "settlement_mode": "on_redemption",
        },
        content_type="application/json",
        headers=_auth(owner),
    )
    assert response.status_code == 201, response.json()
    assert Deal.objects.get().settlement_mode == "on_redemption"


def test_a_list_price_above_the_shops_everyday_price_is_a_400_and_saves_nothing(
    client,
):
    from groupbuy.catalog.tests.factories import make_listing

    merchant, owner, _cashier, _outsiders = _shop()
    listing = make_listing(merchant=merchant, price_fen=9_900)
    now = timezone.now()
    body = {
        "product_id": listing.product.public_id,
        "title": "Tea",
        "list_price_fen": 12_900,
        "tiers": [{"min_participants": 2, "price_fen": 8_900}],
        "stock": 10,
        "starts_at": now.isoformat(),
        "deadline_at": (now + timedelta(days=1)).isoformat(),
    }
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    response = client.post(
        url, body, content_type="application/json", headers=_auth(owner)
    )
    assert response.status_code == 400
    assert "¥99.00" in response.json()["fields"]["list_price_fen"][0]
    assert Deal.objects.count() == 0


def _deal_body(product, **overrides) -> dict:
    now = timezone.now()
    return {
        "product_id": product.public_id,
        "title": "Tea",
        "list_price_fen": 12_900,
        "tiers": [{"min_participants": 2, "price_fen": 9_900}],
        "stock": 10,
        "starts_at": now.isoformat(),
        "deadline_at": (now + timedelta(days=1)).isoformat(),
        **overrides,
    }


@pytest.mark.parametrize("who", ["owner", "operator"])
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stock": 2**70}, "stock"),
        ({"max_quantity_per_order": 2**70}, "max_quantity_per_order"),
        ({"list_price_fen": 2**70}, "list_price_fen"),
    ],
)
def test_huge_numbers_in_a_new_deal_are_a_400_on_their_field_and_save_nothing(
    client, who, overrides, field
):
    # given someone allowed to create the shop's deals
    from groupbuy.catalog.tests.factories import make_operator

    merchant, owner, _cashier, _outsiders = _shop()
    actor = owner if who == "owner" else make_operator()
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    # when
    response = client.post(
        url,
        _deal_body(make_listed_product(merchant=merchant), **overrides),
        content_type="application/json",
        headers=_auth(actor),
    )
    # then
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["fields"]) == [field]
    assert Deal.objects.count() == 0


def test_huge_numbers_from_an_outsider_are_refused_as_forbidden(client):
    merchant, _owner, cashier, outsiders = _shop()
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    for user in [cashier, *outsiders]:
        response = client.post(
            url,
            _deal_body(make_listed_product(merchant=merchant), stock=2**70),
            content_type="application/json",
            headers=_auth(user),
        )
        assert response.status_code == 403
    assert Deal.objects.count() == 0


def test_a_huge_number_in_a_draft_edit_is_a_400_and_changes_nothing(client):
    merchant, owner, _cashier, _outsiders = _shop()
    deal = make_deal(merchant=merchant, is_open=False)
    response = client.patch(
        f"/api/deals/{deal.public_id}",
        {"stock": 2**70, "max_quantity_per_order": 2**70},
        content_type="application/json",
        headers=_auth(owner),
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"stock", "max_quantity_per_order"}
    deal.refresh_from_db()
    assert (deal.stock, deal.max_quantity_per_order) == (10, 5)


@pytest.mark.parametrize(
    ("path", "query", "fields"),
    [
        (
            "sales",
            {"date_from": "9999-12-30", "date_to": "9999-12-31"},
            ["date_from", "date_to"],
        ),
        (
            "sales",
            {"date_from": "0001-01-01", "date_to": "0001-01-02"},
            ["date_from", "date_to"],
        ),
        ("sales", {"date_from": "0001-01-01"}, ["date_from"]),
        ("orders", {"date_to": "9999-12-31"}, ["date_to"]),
        ("orders", {"date_from": "0001-01-01"}, ["date_from"]),
    ],
)
def test_a_day_at_the_edge_of_the_calendar_is_a_400_naming_it(
    client, path, query, fields
):
    merchant, owner, _cashier, _outsiders = _shop()
    join_and_pay(make_deal(merchant=merchant))
    response = client.get(
        f"/api/deals/merchants/{merchant.public_id}/{path}",
        query,
        headers=_auth(owner),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_date"
    assert sorted(body["fields"]) == fields


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"])
def test_a_deadline_at_the_edge_of_the_calendar_is_refused_and_pages_stay_up(
    client, moment
):
    # given an open deal (the home page lists it)
    merchant, owner, _cashier, _outsiders = _shop()
    _read_english(owner)
    deal = make_deal(merchant=merchant)
    before = deal.deadline_at
    # when its owner moves the deadline to the end (or start) of the calendar
    response = client.post(
        f"/api/deals/{deal.public_id}/schedule",
        {"deadline_at": moment},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then it is refused on its field, and nothing changed: 9999-12-31 23:59
    # UTC is in year 10000 in China, which made every page listing it a 500
    assert response.status_code == 422, response.json()
    assert response.json()["fields"]["deadline_at"] == [
        "Choose a moment from 2000-01-01 to 2099-12-31."
    ]
    deal.refresh_from_db()
    assert deal.deadline_at == before
    assert client.get("/").status_code == 200
    assert client.get(f"/deals/{deal.public_id}/").status_code == 200


def test_a_new_deal_starting_at_year_one_is_refused(client):
    merchant, owner, _cashier, _outsiders = _shop()
    product = make_listed_product(merchant=merchant)
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        {
            "product_id": product.public_id,
            "title": "Year one",
            "list_price_fen": 200,
            "tiers": [{"min_participants": 1, "price_fen": 100}],
            "stock": 5,
            "starts_at": "0001-01-01T00:00:00Z",
            "deadline_at": (timezone.now() + timedelta(days=2)).isoformat(),
        },
        content_type="application/json",
        headers=_auth(owner),
    )
    assert response.status_code == 422, response.json()
    assert list(response.json()["fields"]) == ["starts_at"]
    assert not Deal.objects.filter(title="Year one").exists()


PASSED_START = (
    "The start has passed: choose a time from now on, or leave it empty to start now."
)


def _english_shop():
    merchant, owner, _cashier, _outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    return merchant, owner


def test_a_new_deal_starting_in_the_past_is_refused_and_no_start_is_now(client):
    # given an owner
    merchant, owner = _english_shop()
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    six_minutes_ago = timezone.now() - timedelta(minutes=6)
    # when they create deals starting in 2020 and six minutes ago
    for start in ("2020-01-01T00:00:00+08:00", six_minutes_ago.isoformat()):
        response = client.post(
            url,
            _deal_body(make_listed_product(merchant=merchant), starts_at=start),
            content_type="application/json",
            headers=_auth(owner),
        )
        # then each is refused on the start, and nothing is saved
        assert response.status_code == 422
        assert response.json()["fields"] == {"starts_at": [PASSED_START]}
        assert response.json()["message"] == PASSED_START
    assert Deal.objects.count() == 0
    # when they leave the start out, the deal starts now
    body = _deal_body(make_listed_product(merchant=merchant))
    del body["starts_at"]
    before = timezone.now()
    response = client.post(
        url, body, content_type="application/json", headers=_auth(owner)
    )
    assert response.status_code == 201
    assert before <= Deal.objects.get().starts_at <= timezone.now()


def test_a_past_start_from_someone_who_may_not_create_is_a_403_not_a_422(client):
    # given a shop, its cashier, another shop's owner and a shopper
    merchant, _owner, cashier, outsiders = _shop()
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    body = _deal_body(
        make_listed_product(merchant=merchant), starts_at="2020-01-01T00:00:00Z"
    )
    for user in (cashier, *outsiders):
        # when they create a deal there starting in 2020
        response = client.post(
            url, body, content_type="application/json", headers=_auth(user)
        )
        # then they are told they may not, not that the start has passed
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "forbidden"
    assert Deal.objects.count() == 0


def test_a_draft_edit_keeps_its_passed_start_but_refuses_a_new_passed_one(client):
    # given a draft whose start passed an hour ago
    merchant, owner = _english_shop()
    deal = make_deal(merchant=merchant, is_open=False)
    started = deal.starts_at
    url = f"/api/deals/{deal.public_id}"
    # when the start is moved to two hours ago
    moved = client.patch(
        url,
        {"starts_at": (started - timedelta(hours=1)).isoformat()},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then it is refused on the start, and nothing changes
    assert moved.status_code == 422
    assert moved.json()["fields"] == {"starts_at": [PASSED_START]}
    deal.refresh_from_db()
    assert deal.starts_at == started
    # when the start is sent back unchanged with a new title
    kept = client.patch(
        url,
        {"starts_at": started.isoformat(), "title": "Renamed"},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then the draft is saved, its start as it was
    assert kept.status_code == 200
    deal.refresh_from_db()
    assert (deal.title, deal.starts_at) == ("Renamed", started)


def test_a_past_deadline_with_no_start_is_a_400_saying_it_has_passed(client):
    # given an owner who reads English
    merchant, owner, _cashier, _outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    body = _deal_body(
        make_listed_product(merchant=merchant),
        deadline_at=(timezone.now() - timedelta(hours=1)).isoformat(),
    )
    del body["starts_at"]
    # when
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        body,
        content_type="application/json",
        headers=_auth(owner),
    )
    # then it says the deadline has passed (no start was given to be after)
    assert response.status_code == 400
    assert response.json()["fields"]["deadline_at"] == [
        "This deadline has passed: choose a time in the future."
    ]
    assert Deal.objects.count() == 0


def test_a_tier_at_the_list_price_is_a_400_on_the_tiers(client):
    # given
    merchant, owner, _cashier, _outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    body = _deal_body(
        make_listed_product(merchant=merchant),
        tiers=[{"min_participants": 2, "price_fen": 12_900}],
    )
    # when
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        body,
        content_type="application/json",
        headers=_auth(owner),
    )
    # then
    assert response.status_code == 400
    assert response.json()["fields"]["tiers"] == [
        "Every group price must be below the list price (¥129.00): a tier at the "
        "list price offers buyers no discount."
    ]
    assert Deal.objects.count() == 0


def test_a_deadline_in_2099_is_a_400_on_create_and_on_schedule(client):
    # given
    merchant, owner, _cashier, _outsiders = _shop()
    far = timezone.now().replace(year=2099).isoformat()
    # when a deal is made to close in 2099
    response = client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        _deal_body(make_listed_product(merchant=merchant), deadline_at=far),
        content_type="application/json",
        headers=_auth(owner),
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["deadline_at"]
    assert Deal.objects.count() == 0
    # when an open deal's deadline is moved to 2099
    deal = make_deal(merchant=merchant)
    before = deal.deadline_at
    response = client.post(
        f"/api/deals/{deal.public_id}/schedule",
        {"deadline_at": far},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["deadline_at"]
    deal.refresh_from_db()
    assert deal.deadline_at == before


def test_an_owner_stops_a_deal_with_a_reason_its_shoppers_get(client):
    # given an open deal of the shop with a paid order
    merchant, owner, _cashier, _outsiders = _shop()
    deal = make_deal(merchant=merchant)
    order = join_and_pay(deal)
    url = f"/api/deals/{deal.public_id}/stop"
    # when the owner stops it with a reason too long, then with one
    too_long = client.post(
        url, {"reason": "x" * 201}, content_type="application/json", **_h(owner)
    )
    response = client.post(
        url, {"reason": "供应商断货"}, content_type="application/json", **_h(owner)
    )
    # then the long one is a 422 that stops nothing; the other stops it, and the
    # shopper's order gives the shop's words
    assert too_long.status_code == 422
    assert response.status_code == 200
    assert response.json()["state"] == "settled"
    answer = client.get(f"/api/deals/orders/{order.public_id}", **_h(order.shopper))
    assert (answer.json()["cancel_reason"], answer.json()["refund_reason"]) == (
        "deal_stopped",
        "供应商断货",
    )


def test_stopping_without_a_body_still_stops(client):
    merchant, owner, _cashier, _outsiders = _shop()
    deal = make_deal(merchant=merchant)
    # (an empty body, as `curl -X POST` sends)
    response = client.generic("POST", f"/api/deals/{deal.public_id}/stop", **_h(owner))
    assert (response.status_code, response.json()["state"]) == (200, "settled")
    deal.refresh_from_db()
    assert (deal.stopped_by, deal.stop_reason) == ("merchant", "")


def test_closing_or_stopping_a_closed_deal_is_a_409_that_changes_nothing(client):
    # given a deal the owner already stopped, and a draft
    merchant, owner, _cashier, _outsiders = _shop()
    deal = make_deal(merchant=merchant)
    client.post(
        f"/api/deals/{deal.public_id}/stop",
        {"reason": "first"},
        content_type="application/json",
        **_h(owner),
    )
    draft = make_deal(merchant=merchant, is_open=False)
    # when it is closed or stopped again (the draft too)
    answers = {
        (which, action): client.post(
            f"/api/deals/{target.public_id}/{action}",
            content_type="application/json",
            **_h(owner),
        )
        for which, target in (("stopped", deal), ("draft", draft))
        for action in ("close", "stop")
    }
    # then each is a 409 saying why, and the first reason stands
    assert {key: (r.status_code, r.json()["code"]) for key, r in answers.items()} == {
        ("stopped", "close"): (409, "deal_closed"),
        ("stopped", "stop"): (409, "deal_closed"),
        ("draft", "close"): (409, "deal_not_open"),
        ("draft", "stop"): (409, "deal_not_open"),
    }
    deal.refresh_from_db()
    draft.refresh_from_db()
    assert (deal.stop_reason, draft.state) == ("first", Deal.State.DRAFT)


def _h(user) -> dict:
    return {"headers": _auth(user)}


def test_the_merchants_deal_list_files_a_stopped_deal_under_failed_not_settled(
    client, django_capture_on_commit_callbacks
):
    # given a deal that succeeded and settled, and one the owner stopped
    merchant, owner, _cashier, _outsiders = _shop()
    succeeded, stopped = make_deal(merchant=merchant), make_deal(merchant=merchant)
    for _ in range(2):
        join_and_pay(succeeded)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close_now(actor=owner, deal=succeeded)
    join_and_pay(stopped)
    deal_stop(actor=owner, deal=stopped, reason="供应商断货")
    url = f"/api/deals/merchants/{merchant.public_id}/deals"

    def ids(**query):
        body = client.get(url, query, **_h(owner)).json()
        return {
            item["id"]: (item["state"], item["shown_state"]) for item in body["items"]
        }

    # when the owner filters by failed and settled, by either name
    # then the stopped deal reads failed (its state still settled) and is there
    failed = {stopped.public_id: ("settled", "failed")}
    settled = {succeeded.public_id: ("settled", "settled")}
    assert ids(status="failed") == ids(state="failed") == failed
    assert ids(status="settled") == ids(state="settled") == settled
    assert ids() == {**failed, **settled}


def test_a_deal_not_started_reads_scheduled_and_is_listed_apart_from_open(client):
    # given a merchant's deal that has started and one that starts in 3 hours
    merchant, owner, _cashier, _outsiders = _shop()
    running = make_deal(merchant=merchant)
    later = make_deal(merchant=merchant, starts_in=timedelta(hours=3))
    shopper = make_user()
    # when a shopper reads the later one, and tries to join it
    read = client.get(f"/api/deals/{later.public_id}", **_h(shopper)).json()
    joined = client.post(
        f"/api/deals/{later.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
        **_h(shopper),
    )
    # then it reads scheduled, as joining it is refused for not having started,
    # its stored state still open
    assert (read["state"], read["shown_state"]) == ("open", "scheduled")
    assert (joined.status_code, joined.json()["code"]) == (409, "not_started")
    listed = client.get("/api/deals", **_h(shopper)).json()["items"]
    assert {item["id"]: item["shown_state"] for item in listed} == {
        running.public_id: "open",
        later.public_id: "scheduled",
    }
    # and the merchant's list files it under scheduled, not under open
    url = f"/api/deals/merchants/{merchant.public_id}/deals"

    def ids(**query):
        body = client.get(url, query, **_h(owner)).json()
        return {item["id"] for item in body["items"]}

    assert ids(state="scheduled") == ids(status="scheduled") == {later.public_id}
    assert ids(state="open") == {running.public_id}
    assert ids() == {running.public_id, later.public_id}
    # and once it has started it is open
    Deal.objects.filter(pk=later.pk).update(
        starts_at=timezone.now() - timedelta(seconds=1)
    )
    assert ids(state="open") == {running.public_id, later.public_id}
    assert ids(state="scheduled") == set()
    read = client.get(f"/api/deals/{later.public_id}", **_h(shopper)).json()
    assert read["shown_state"] == "open"


def test_an_unknown_deal_state_filter_is_a_422_naming_the_states(client):
    merchant, owner, _cashier, _outsiders = _shop()
    make_deal(merchant=merchant)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    for name in ("status", "state"):
        response = client.get(url, {name: "bogus"}, **_h(owner))
        assert response.status_code == 422
        assert response.json()["message"] == (
            f"{name}: Give one of: 'draft', 'scheduled', 'open', 'succeeded', "
            "'failed' or 'settled'."
        )


def test_a_reversed_or_too_long_sales_period_is_a_400_not_a_changed_one(client):
    merchant, owner, _cashier, _outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    url = f"/api/deals/merchants/{merchant.public_id}/sales"
    answers = [
        client.get(url, period, **_h(owner)).json()
        for period in (
            {"date_from": "2026-12-31", "date_to": "2026-12-01"},
            {"date_from": "1900-01-01", "date_to": "2999-12-31"},
        )
    ]
    assert [(a["code"], a["fields"]) for a in answers] == [
        ("invalid_date", {"date_to": ["The end date is before the start date."]}),
        (
            "invalid_date",
            {
                "date_from": [
                    "Choose a period of at most 92 days (this one has 401767)."
                ]
            },
        ),
    ]


def test_a_stopped_deal_says_who_stopped_it_and_why_to_shoppers_and_its_shop(client):
    # given a deal the owner stopped with a reason, one an operator stopped
    # without, and an open one
    merchant, owner, _cashier, _outsiders = _shop()
    by_shop, by_platform, still_open = (make_deal(merchant=merchant) for _ in "abc")
    deal_stop(actor=owner, deal=by_shop, reason="供应商断货")
    deal_stop(actor=make_user(is_staff=True), deal=by_platform)
    expected = {
        by_shop.public_id: ("merchant", "供应商断货"),
        by_platform.public_id: ("platform", ""),
        still_open.public_id: (None, ""),
    }
    # when a shopper (or nobody) reads each deal, and the owner lists them
    for deal_id, said in expected.items():
        for headers in ({}, _h(make_user())):
            body = client.get(f"/api/deals/{deal_id}", **headers).json()
            assert (body["stopped_by"], body["stop_reason"]) == said
    listed = client.get(
        f"/api/deals/merchants/{merchant.public_id}/deals", **_h(owner)
    ).json()["items"]
    # then each says who stopped it and why, null and "" when nobody did
    assert {
        item["id"]: (item["stopped_by"], item["stop_reason"]) for item in listed
    } == expected
    # and the shoppers' list says it of the open one too
    items = client.get("/api/deals").json()["items"]
    opened = next(item for item in items if item["id"] == still_open.public_id)
    assert (opened["stopped_by"], opened["stop_reason"]) == (None, "")


def test_a_limit_per_order_above_the_stock_is_a_400_on_its_field(client):
    # given an owner, and someone from another shop and a shopper
    merchant, owner, _cashier, outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    url = f"/api/deals/merchants/{merchant.public_id}/deals"
    body = _deal_body(
        make_listed_product(merchant=merchant), stock=10, max_quantity_per_order=500
    )
    # when they make a deal of 10 units allowing 500 per order
    for user in outsiders:
        refused = client.post(
            url, body, content_type="application/json", headers=_auth(user)
        )
        assert refused.status_code == 403
    response = client.post(
        url, body, content_type="application/json", headers=_auth(owner)
    )
    # then it is refused on the limit, and nothing is saved
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "max_quantity_per_order": [
            "The deal has 10 units in stock: allow at most 10 per order."
        ]
    }
    assert Deal.objects.count() == 0


UNKNOWN_ID = "Nothing with this id can be used here: check the id sent."


@pytest.mark.parametrize("name", ["deal_id", "deal"])
def test_orders_filtered_on_another_shops_deal_or_none_are_a_400(client, name):
    # given a shop with a paid order, and another shop's deal with one
    merchant, owner, cashier, outsiders = _shop()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    mine = make_deal(merchant=merchant)
    paid = join_and_pay(mine)
    theirs = make_deal(merchant=make_merchant(name="Elsewhere"))
    join_and_pay(theirs)
    url = f"/api/deals/merchants/{merchant.public_id}/orders"
    # when its owner filters its orders on the other shop's deal, or on none
    for deal_id in (theirs.public_id, "deal_nosuchdeal0000"):
        response = client.get(url, {name: deal_id}, headers=_auth(owner))
        # then it is refused on that parameter, listing no order
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid",
            "message": UNKNOWN_ID,
            "fields": {name: [UNKNOWN_ID]},
        }
    # and its own deal filters its orders, for its cashier too
    for user in (owner, cashier):
        response = client.get(url, {name: mine.public_id}, headers=_auth(user))
        assert [item["id"] for item in response.json()["items"]] == [paid.public_id]
    # while another shop's owner and a shopper are refused, whatever the id
    for user in outsiders:
        for deal_id in (mine.public_id, theirs.public_id):
            response = client.get(url, {name: deal_id}, headers=_auth(user))
            assert response.status_code == 403


def test_orders_filtered_on_two_different_deals_at_once_are_a_400(client):
    merchant, owner, _cashier, _outsiders = _shop()
    first, second = make_deal(merchant=merchant), make_deal(merchant=merchant)
    response = client.get(
        f"/api/deals/merchants/{merchant.public_id}/orders",
        {"deal_id": first.public_id, "deal": second.public_id},
        headers=_auth(owner),
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["deal"]


@pytest.mark.parametrize("path", ["orders", "sales"])
def test_an_unreadable_day_is_a_400_on_its_parameter_as_on_the_pages(client, path):
    # given a shop's owner reading English, and outsiders (another shop's
    # owner, a shopper); for the orders, its cashier too
    merchant, owner, cashier, outsiders = _shop()
    _read_english(owner, cashier, *outsiders)
    url = f"/api/deals/merchants/{merchant.public_id}/{path}"
    readers = [owner, cashier] if path == "orders" else [owner]
    for reader in readers:
        # when they ask with a day that does not exist
        response = client.get(url, {"date_from": "2026-11-31"}, **_h(reader))
        # then it is a 400 naming the parameter, as the console's page says it
        # on the field (until 2026-12-06 a 422 from the query's own parsing)
        assert response.status_code == 400, response.json()
        assert response.json() == {
            "code": "invalid_date",
            "message": "date_from: Enter a valid date.",
            "fields": {"date_from": ["Enter a valid date."]},
        }
        # and a day as the page reads it (no leading zero) is read
        read = client.get(
            url, {"date_from": "2026-11-1", "date_to": "2026-11-30"}, **_h(reader)
        )
        assert read.status_code == 200, read.json()
    # and outsiders are refused 403 whatever the days
    for outsider in outsiders:
        refused = client.get(url, {"date_from": "2026-11-31"}, **_h(outsider))
        assert refused.status_code == 403


@pytest.mark.parametrize("field", ["status", "shown_status"])
def test_an_unknown_order_status_filter_is_refused_naming_the_statuses(client, field):
    # given a shop with a paid order, its owner and the shopper reading English
    merchant, owner, _cashier, _outsiders = _shop()
    deal = make_deal(merchant=merchant)
    paid = join_and_pay(deal)
    _read_english(owner, paid.shopper)
    told = (
        "Give one of: 'pending_payment', 'paid', 'confirmed', 'cancelled' or "
        "'refunded'."
    )
    # when each order list is asked for a status orders never have
    for user, url in (
        (paid.shopper, "/api/deals/orders"),
        (owner, f"/api/deals/{deal.public_id}/orders"),
        (owner, f"/api/deals/merchants/{merchant.public_id}/orders"),
    ):
        answer = client.get(url, {field: "payed"}, headers=_auth(user))
        # then it is a 422 naming the statuses there are, not an empty list
        assert answer.status_code == 422, url
        assert answer.json()["code"] == "invalid"
        assert answer.json()["fields"] == {field: [told]}, url
        # and a known one, or none (an empty value), still lists
        for value in ("paid", ""):
            listed = client.get(url, {field: value}, headers=_auth(user)).json()
            assert [item["id"] for item in listed["items"]] == [paid.public_id]


def test_the_sales_deals_are_paged_and_the_days_and_total_whole(client):
    # given three of the shop's deals with a paid order each, the dearest
    # selling most
    merchant, owner, _cashier, outsiders = _shop()
    deals = [make_deal(merchant=merchant) for _n in range(3)]
    for number, deal in enumerate(deals):
        join_and_pay(deal, quantity=number + 1)
    url = f"/api/deals/merchants/{merchant.public_id}/sales"
    # when the owner reads them two a page
    first = client.get(url, {"page_size": 2}, headers=_auth(owner)).json()
    second = client.get(url, {"page_size": 2, "page": 2}, headers=_auth(owner)).json()
    # then the deals come largest revenue first over two pages, and every page
    # gives the whole period's total and days
    listed = [row["key"] for row in first["deals"] + second["deals"]]
    assert listed == [deals[2].public_id, deals[1].public_id, deals[0].public_id]
    assert first["deals_page"] == {"page": 1, "page_size": 2, "total": 3, "pages": 2}
    assert second["total"]["orders"] == 3 and len(second["days"]) == 14
    # and another shop's owner and a shopper are still refused
    for outsider in outsiders:
        refused = client.get(url, {"page": 2}, headers=_auth(outsider))
        assert refused.status_code == 403
