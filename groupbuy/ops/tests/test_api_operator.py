import pytest
from django.test import Client

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Merchant
from groupbuy.core.models import AuditEntry
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.ops.stats import platform_daily_stats_refresh
from groupbuy.snap.models import Snap
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import TEAM_PRICE, make_team_deal
from groupbuy.teams.tests.factories import pay as pay_team_place

pytestmark = pytest.mark.django_db
PHONE = "+8613800138000"


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_token_create(actor=user)[1]}"}


@pytest.fixture
def operator():
    return User.objects.create_user("+8613900139000", "long-enough-pw", is_staff=True)


@pytest.fixture
def order():
    shopper = User.objects.create_user(PHONE, "long-enough-pw")
    return join_and_pay(make_deal(), shopper=shopper)


def test_daily_figures_oldest_first(operator, order):
    # given
    Snap.objects.create(status=Snap.Status.NOT_RECOGNISED)
    platform_daily_stats_refresh()
    # when
    response = Client().get(
        "/api/operator/stats/daily?days=3", headers=bearer(operator)
    )
    # then
    days = response.json()["days"]
    assert response.status_code == 200
    assert [day["orders_joined"] for day in days] == [0, 0, 1]
    assert days[-1]["gmv_fen"] == 9_900
    assert days[-1]["snaps_unrecognised"] == 1


def test_lookup_masks_and_detail_shows_and_audits(operator, order):
    client = Client()
    found = client.get(
        "/api/operator/lookup", {"q": "13800138000"}, headers=bearer(operator)
    ).json()
    assert found["people"][0]["phone_masked"] == "+86138****8000"
    assert found["orders"][0]["shopper_phone_masked"] == "+86138****8000"
    assert PHONE not in str(found)
    detail = client.get(
        f"/api/operator/orders/{order.public_id}", headers=bearer(operator)
    ).json()
    assert detail["shopper_phone"] == PHONE
    assert AuditEntry.objects.filter(
        action="ops.lookup.order_viewed", actor=operator
    ).exists()


def test_new_merchant_over_the_api(operator):
    response = Client().post(
        "/api/operator/merchants",
        {"name": "新店", "owner_phone": "13700001234"},
        content_type="application/json",
        headers=bearer(operator),
    )
    assert response.status_code == 201
    assert response.json()["owner_invited"] is True
    assert Merchant.objects.filter(name="新店").exists()


def test_a_bad_owner_phone_is_a_400_with_a_message(operator):
    response = Client().post(
        "/api/operator/merchants",
        {"name": "新店", "owner_phone": "12"},
        content_type="application/json",
        headers=bearer(operator),
    )
    assert response.status_code == 400
    assert response.json()["fields"]["owner_phone"]
    assert not Merchant.objects.exists()


def test_shoppers_and_merchant_owners_are_refused(order):
    owner = User.objects.create_user("+8613700137000", "long-enough-pw")
    make_merchant(owner=owner)
    for user in (order.shopper, owner):
        client = Client()
        headers = bearer(user)
        assert (
            client.get("/api/operator/stats/daily", headers=headers).status_code == 403
        )
        assert (
            client.get("/api/operator/lookup?q=x", headers=headers).status_code == 403
        )
        assert (
            client.get(
                f"/api/operator/orders/{order.public_id}", headers=headers
            ).status_code
            == 403
        )
        assert (
            client.post(
                "/api/operator/merchants",
                {"name": "x", "owner_phone": "13700001234"},
                content_type="application/json",
                headers=headers,
            ).status_code
            == 403
        )
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def _order_answer(operator, order) -> dict:
    response = Client().get(
        f"/api/operator/orders/{order.public_id}", headers=bearer(operator)
    )
    assert response.status_code == 200
    return response.json()


def test_the_order_answer_says_nothing_is_paid_on_an_unpaid_order(operator):
    # given an order of 2 × ¥99.00 whose shopper has not paid yet
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=2)
    # when an operator reads it
    answer = _order_answer(operator, order)
    # then it gives the amount and, apart, that nothing was paid or refunded
    assert answer["amount_fen"] == 19_800
    assert answer["paid_fen"] == 0
    assert answer["refunded_fen"] == 0


def test_the_order_answer_gives_what_a_paid_order_brought_in(operator, order):
    # given a paid order (the fixture)
    # when an operator reads it
    answer = _order_answer(operator, order)
    # then what was paid is its amount
    assert answer["amount_fen"] == 9_900
    assert answer["paid_fen"] == 9_900


def test_the_order_answer_gives_what_a_team_place_paid(operator):
    # given a team place paid through the teams app (not a deals payment)
    member = team_open(actor=make_user(), team_deal=make_team_deal())
    pay_team_place(member)
    # when an operator reads its order
    answer = _order_answer(operator, member.order)
    # then it says the team price was paid
    assert answer["paid_fen"] == TEAM_PRICE


def test_the_order_answer_gives_the_shown_status_and_the_reasons(operator):
    # It gave only the stored status: "refunded" for an order its shopper
    # cancelled, with no reason, where the operator's page says "Cancelled,
    # ¥99.00 refunded" and why.
    from groupbuy.deals.services import deal_order_cancel, deal_order_refund

    deal = make_deal()
    cancelled = join_and_pay(deal)
    deal_order_cancel(actor=cancelled.shopper, order=cancelled)
    refunded = join_and_pay(deal)
    deal_order_refund(
        actor=operator, deal=deal, order_id=refunded.public_id, reason="Recalled"
    )
    first, second = (
        _order_answer(operator, cancelled),
        _order_answer(operator, refunded),
    )
    assert [
        first[key]
        for key in ("status", "shown_status", "cancel_reason", "refund_reason")
    ] == ["refunded", "cancelled", "shopper", ""]
    assert [
        second[key]
        for key in ("status", "shown_status", "cancel_reason", "refund_reason")
    ] == ["refunded", "refunded", "operator", "Recalled"]
