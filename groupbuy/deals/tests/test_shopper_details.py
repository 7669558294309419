"""What the deal page tells a shopper: first buyers, pickup branches, units left."""

import pytest

from groupbuy.accounts.names import mask_display_name
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Branch
from groupbuy.catalog.tests.factories import make_merchant_member, make_user
from groupbuy.core.errors import DomainError
from groupbuy.deals.selectors import (
    deal_detail_for_user,
    pickup_branch_for_deal,
)
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _branch(merchant, name: str, *, is_active: bool = True) -> Branch:
    return Branch.objects.create(
        merchant=merchant, name=name, address=f"{name} Road", is_active=is_active
    )


def test_names_are_masked_to_their_first_character():
    assert mask_display_name(make_user(display_name="张三丰")) == "张**"
    assert mask_display_name(make_user(display_name="alice")) == "a***"
    assert mask_display_name(make_user(display_name="")) == "***"


def test_first_buyers_are_the_first_five_who_paid_in_joining_order():
    # given seven paying buyers and one who has not paid
    deal = make_deal(stock=20)
    for name in ["Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gus"]:
        join_and_pay(deal, shopper=make_user(display_name=name))
    deal_join(actor=make_user(display_name="Unpaid"), deal=deal, quantity=1)
    # when
    detail = deal_detail_for_user(user=make_user(), deal_id=deal.public_id)
    # then
    assert detail.first_buyers == ["A***", "B***", "C***", "D***", "E***"]


def test_units_left_for_a_buyer_keep_one_for_each_buyer_the_first_tier_needs():
    # given stock 10, order limit 5, a first tier of 2 buyers and 8 units taken
    deal = make_deal(stock=10)
    join_and_pay(deal, quantity=5)
    join_and_pay(deal, quantity=3)
    # when
    detail = deal_detail_for_user(user=make_user(), deal_id=deal.public_id)
    # then the first tier is reached: the last 2 units are this buyer's to take
    assert detail.units_left_for_buyer == 2
    # and on a fresh deal with stock 3, one unit is kept for the second buyer
    fresh = make_deal(stock=3)
    assert (
        deal_detail_for_user(user=None, deal_id=fresh.public_id).units_left_for_buyer
        == 2
    )


def test_a_join_stores_the_chosen_pickup_branch_of_the_deals_merchant():
    # given a merchant with two branches and another shop's branch
    merchant = make_merchant()
    east, _west = _branch(merchant, "East"), _branch(merchant, "West")
    _branch(merchant, "Closed", is_active=False)
    elsewhere = _branch(make_merchant(name="Other"), "Elsewhere")
    deal = make_deal(merchant=merchant)
    # when
    branch = pickup_branch_for_deal(deal=deal, branch_id=east.public_id)
    order = deal_join(actor=make_user(), deal=deal, quantity=1, pickup_branch=branch)
    # then
    order.refresh_from_db()
    assert order.pickup_branch == east
    detail = deal_detail_for_user(user=None, deal_id=deal.public_id)
    assert [b.name for b in detail.pickup_branches] == ["East", "West"]
    with pytest.raises(DomainError) as refused:
        pickup_branch_for_deal(deal=deal, branch_id=elsewhere.public_id)
    assert refused.value.code == "invalid_pickup_branch"
    with pytest.raises(DomainError):
        deal_join(actor=make_user(), deal=deal, quantity=1, pickup_branch=elsewhere)
    # and naming no branch where the shop has several is refused, not guessed
    with pytest.raises(DomainError) as unnamed:
        pickup_branch_for_deal(deal=deal, branch_id="")
    assert unnamed.value.code == "pickup_branch_required"


def test_with_one_branch_or_none_the_api_needs_no_choice():
    merchant = make_merchant()
    only = _branch(merchant, "Only")
    deal = make_deal(merchant=merchant)
    assert pickup_branch_for_deal(deal=deal, branch_id=None) == only
    # a deal opens only at a shop with a branch, but the shop may close it after
    Branch.objects.filter(pk=only.pk).update(is_active=False)
    assert pickup_branch_for_deal(deal=deal, branch_id=None) is None


def test_the_api_gives_the_join_details_and_takes_a_pickup_branch(client):
    # given
    merchant = make_merchant()
    east = _branch(merchant, "East")
    _branch(merchant, "West")
    deal = make_deal(merchant=merchant, stock=3)
    join_and_pay(deal, shopper=make_user(display_name="张三"))
    shopper = make_user()
    client.force_login(shopper)
    # when
    detail = client.get(f"/api/deals/{deal.public_id}").json()
    joined = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1, "pickup_branch_id": east.public_id},
        content_type="application/json",
    )
    # then
    assert detail["first_buyers"] == ["张**"]
    assert detail["units_left_for_buyer"] == 2
    assert [b["name"] for b in detail["pickup_branches"]] == ["East", "West"]
    assert joined.status_code == 201
    assert joined.json()["order"]["pickup_branch_name"] == "East"


def test_the_api_refuses_another_shops_branch_with_a_400(client):
    deal = make_deal()
    elsewhere = _branch(make_merchant(name="Other"), "Elsewhere")
    client.force_login(make_user())
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1, "pickup_branch_id": elsewhere.public_id},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_pickup_branch"
    assert not deal.orders.exists()


def test_the_api_names_the_pickup_branch_field_the_client_sent(client):
    # given a shop with two branches, and another shop's
    merchant = make_merchant()
    _branch(merchant, "East")
    _branch(merchant, "West")
    elsewhere = _branch(make_merchant(name="Other"), "Elsewhere")
    deal = make_deal(merchant=merchant)
    client.force_login(make_user(preferred_language="en"))
    url = f"/api/deals/{deal.public_id}/join"
    for body, code, message in (
        # when no branch is named where the shop has several
        ({"quantity": 1}, "pickup_branch_required", "Choose a branch."),
        # or a branch of another shop
        (
            {"quantity": 1, "pickup_branch_id": elsewhere.public_id},
            "invalid_pickup_branch",
            "Not a branch of this shop.",
        ),
    ):
        response = client.post(url, body, content_type="application/json")
        # then the refusal names pickup_branch_id, the field of the request
        assert response.status_code == 400, body
        assert response.json()["code"] == code
        assert response.json()["fields"] == {"pickup_branch_id": [message]}
    assert not deal.orders.exists()


def test_the_api_refuses_a_branch_of_the_shop_that_has_closed_with_a_409(client):
    # given a shop with an open and a closed branch
    merchant = make_merchant()
    _branch(merchant, "East")
    closed = _branch(merchant, "Closed", is_active=False)
    deal = make_deal(merchant=merchant)
    client.force_login(make_user(preferred_language="en"))
    # when a shopper names the closed one
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1, "pickup_branch_id": closed.public_id},
        content_type="application/json",
    )
    # then it is refused as closed (it is the shop's: "not a branch of this
    # shop" was wrong), naming the request's field; nothing is written
    message = "The branch “Closed” has closed: choose another branch for pickup."
    assert response.status_code == 409
    assert response.json() == {
        "code": "branch_closed",
        "message": message,
        "fields": {"pickup_branch_id": ["This branch has closed."]},
    }
    assert not deal.orders.exists()


def test_an_orders_pickup_branch_is_named_in_the_readers_language(client):
    # given a shop whose branch has an English name, and another without one
    merchant = make_merchant()
    jingan = Branch.objects.create(
        merchant=merchant, name="静安店", name_en="Jing'an", address="南京西路1号"
    )
    deal = make_deal(merchant=merchant)
    plain = make_deal(merchant=make_merchant(name="Other"))
    plain.merchant.branches.update(name="徐汇店")
    reading = {"en": make_user(preferred_language="en")}
    reading["zh-hans"] = make_user(preferred_language="zh-hans")
    orders = {
        language: deal_join(
            actor=shopper, deal=deal, quantity=1, pickup_branch=jingan
        ).public_id
        for language, shopper in reading.items()
    }
    branch = plain.merchant.branches.get()
    no_english = deal_join(
        actor=reading["en"], deal=plain, quantity=1, pickup_branch=branch
    ).public_id
    # when each reads their order, and their orders, through the API
    names = {}
    for language, shopper in reading.items():
        headers = _auth(shopper)
        detail = client.get(f"/api/deals/orders/{orders[language]}", headers=headers)
        listed = client.get("/api/deals/orders", headers=headers).json()["items"]
        names[language] = (
            detail.json()["pickup_branch_name"],
            {item["id"]: item["pickup_branch_name"] for item in listed},
        )
    # then English readers get its English name, others (and where it has no
    # English name, everyone) its Chinese one, as the pages show it
    assert names == {
        "en": ("Jing'an", {orders["en"]: "Jing'an", no_english: "徐汇店"}),
        "zh-hans": ("静安店", {orders["zh-hans"]: "静安店"}),
    }


def test_another_shopper_or_shop_cannot_read_an_order(client):
    # given a shopper's order
    deal = make_deal()
    order = join_and_pay(deal, shopper=make_user())
    other_owner = make_user()
    make_merchant_member(user=other_owner, merchant=make_merchant(name="Other"))
    for user in (make_user(), other_owner):
        # when another shopper or another shop's owner reads it
        response = client.get(
            f"/api/deals/orders/{order.public_id}", headers=_auth(user)
        )
        # then it is not found for them
        assert response.status_code == 404
