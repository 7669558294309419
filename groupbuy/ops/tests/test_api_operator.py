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


@pytest.mark.parametrize("days", [0, -1, 91, 100_000])
def test_daily_figures_refuse_a_number_of_days_out_of_range(operator, days):
    # given an operator who reads English
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    # when
    response = Client().get(
        f"/api/operator/stats/daily?days={days}", headers=bearer(operator)
    )
    # then: said, not quietly turned into 1 or 90 days
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {"days": ["Choose from 1 to 90 days."]}


def test_daily_figures_take_from_1_to_90_days(operator):
    client = Client()
    headers = bearer(operator)
    for days in (1, 90):
        response = client.get(f"/api/operator/stats/daily?days={days}", headers=headers)
        assert len(response.json()["days"]) == days


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


def test_lookup_finds_merchants_by_name_and_number(operator):
    # given a shop with an owner, and another
    owner = User.objects.create_user(
        "+8613700137000", "long-enough-pw", display_name="Wang"
    )
    shop = make_merchant(name="Fresh Mart", owner=owner)
    make_merchant(name="鲜邻超市")
    client = Client()
    # when the operator looks up part of its name, and its number
    by_name = client.get("/api/operator/lookup?q=fresh", headers=bearer(operator))
    by_number = client.get(
        f"/api/operator/lookup?q={shop.public_id}", headers=bearer(operator)
    )
    # then each finds it, owners' phones masked
    expected = [
        {
            "id": shop.public_id,
            "name": "Fresh Mart",
            "name_en": "",
            "is_active": True,
            "owners": [
                {
                    "id": owner.public_id,
                    "display_name": "Wang",
                    "phone_masked": "+86137****7000",
                }
            ],
        }
    ]
    assert by_name.status_code == by_number.status_code == 200
    assert by_name.json()["merchants"] == expected
    assert by_number.json()["merchants"] == expected
    assert by_name.json()["people"] == []
    # and a shopper or a shop's owner is refused
    for user in (make_user(), owner):
        refused = client.get("/api/operator/lookup?q=fresh", headers=bearer(user))
        assert refused.status_code == 403
        assert "merchants" not in refused.json()


def test_lookup_pages_the_merchants_it_finds(operator, monkeypatch):
    # given lists of 3 a page, and 4 shops whose names hold "Fresh Mart"
    monkeypatch.setattr("groupbuy.ops.lookup.LIST_PAGE_SIZE", 3)
    shops = [make_merchant(name=f"Fresh Mart {number:02d}") for number in range(4)]
    client = Client()
    url = "/api/operator/lookup?q=fresh+mart"
    # when the operator looks the name up, then asks for the second page
    first = client.get(url, headers=bearer(operator)).json()
    second = client.get(url + "&merchants_page=2", headers=bearer(operator)).json()
    # then the first page gives 3 by name, the second the last, each the total
    assert [row["id"] for row in first["merchants"]] == [
        shop.public_id for shop in shops[:3]
    ]
    assert [row["id"] for row in second["merchants"]] == [shops[-1].public_id]
    assert first["merchants_total"] == second["merchants_total"] == 4


def test_lookup_lists_nothing_past_the_last_page_and_says_where_it_is(operator, order):
    # given one order of the number looked up (one page of 20)
    client = Client()
    url = f"/api/operator/lookup?q={PHONE}"

    # when the operator asks for its first page of orders, then the second
    first = client.get(url, headers=bearer(operator)).json()
    second = client.get(url + "&orders_page=2", headers=bearer(operator)).json()

    # then the second lists none (it repeated the first until 2026-12-07), and
    # each says where its page sits
    assert [row["id"] for row in first["orders"]] == [order.public_id]
    assert second["orders"] == []
    assert second["orders_total"] == 1
    assert first["orders_page"] == {"page": 1, "page_size": 20, "total": 1, "pages": 1}
    assert second["orders_page"]["page"] == 2
    assert second["payments_page"]["page"] == 1


@pytest.mark.parametrize("page", ["0", "-1"])
def test_lookup_refuses_a_page_before_the_first(operator, page):
    # when the operator asks for page 0 (it answered page 1 until 2026-12-07)
    response = Client().get(
        f"/api/operator/lookup?q={PHONE}&payments_page={page}",
        headers=bearer(operator),
    )
    # then it is refused, naming the parameter
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["payments_page"]


@pytest.mark.parametrize("query", ["xianlin", "xlcs"])
def test_lookup_finds_a_chinese_shop_name_typed_as_pinyin(operator, query):
    # given
    shop = make_merchant(name="鲜邻超市")
    make_merchant(name="Fresh Mart")
    # when
    found = Client().get(f"/api/operator/lookup?q={query}", headers=bearer(operator))
    # then
    assert [merchant["id"] for merchant in found.json()["merchants"]] == [
        shop.public_id
    ]


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


def _new_merchant(user, **payload):
    return Client().post(
        "/api/operator/merchants",
        {"name": "鲜邻超市", "owner_phone": "+8613900000088", **payload},
        content_type="application/json",
        headers={**bearer(user), "Accept-Language": "en"},
    )


def test_a_merchant_sent_twice_is_refused_the_second_time(operator):
    operator.preferred_language = "en"  # the API answers in it; compared below
    operator.save(update_fields=["preferred_language"])
    # given one created
    first = _new_merchant(operator)
    assert first.status_code == 201
    existing = Merchant.objects.get()
    # when the same name is sent again, in another case and with spaces
    again = _new_merchant(operator, name="  鲜邻超市 ")
    latin = _new_merchant(operator, name="Fresh Market")
    latin_again = _new_merchant(operator, name=" fresh MARKET")
    # then
    message = (
        "A merchant named “鲜邻超市” already exists: open it rather than creating "
        "it again, or confirm that you want another shop with this name."
    )
    assert again.status_code == 409
    assert again.json() == {
        "code": "merchant_exists",
        "message": message,
        "fields": {"name": [message]},
        "merchant_id": existing.public_id,
        "merchant_name": "鲜邻超市",
    }
    assert latin.status_code == 201
    assert (latin_again.status_code, latin_again.json()["code"]) == (
        409,
        "merchant_exists",
    )
    assert Merchant.objects.filter(name__iexact="鲜邻超市").count() == 1


def test_a_same_name_is_created_when_confirmed_or_the_other_is_off(operator):
    # given
    _new_merchant(operator)
    # when the operator confirms
    confirmed = _new_merchant(operator, allow_same_name=True)
    # then
    assert confirmed.status_code == 201
    assert Merchant.objects.filter(name="鲜邻超市").count() == 2
    # and a name only switched-off merchants have is free
    Merchant.objects.update(is_active=False)
    assert _new_merchant(operator).status_code == 201


def test_the_answer_says_when_the_owner_already_runs_a_shop(operator):
    # given an account that owns a shop
    person = User.objects.create_user("+8613900000088", "long-enough-pw")
    shop = make_merchant(name="老店", owner=person)
    # when it is named the owner of a new one
    answer = _new_merchant(operator)
    # then
    assert answer.status_code == 201
    assert answer.json()["owner_invited"] is False
    assert answer.json()["owner_other_merchants"] == [
        {"merchant_id": shop.public_id, "name": "老店"}
    ]
    # and a new person's answer names none
    fresh = _new_merchant(operator, name="新店", owner_phone="+8613900000077")
    assert fresh.json()["owner_other_merchants"] == []


def test_a_non_operator_is_told_only_operators_create_merchants(order):
    # given a shopper and the owner of another merchant
    owner = User.objects.create_user("+8613700137000", "long-enough-pw")
    make_merchant(owner=owner)
    for user in (order.shopper, owner):
        User.objects.filter(pk=user.pk).update(preferred_language="en")
        # when
        answer = _new_merchant(user, allow_same_name=True)
        # then
        assert answer.status_code == 403
        assert answer.json()["message"] == "Only operators can create merchants."
    assert not Merchant.objects.filter(name="鲜邻超市").exists()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/api/operator/people/usr_nosuchperson", "There is no such person."),
        ("/api/operator/orders/ord_nosuchorder", "There is no such order."),
        ("/api/operator/payments/pi_nosuchpayment", "There is no such payment."),
        ("/api/operator/shop-applications/sap_nosuchone", "No such application."),
    ],
)
def test_an_unknown_number_is_a_404_saying_what_is_missing(operator, path, message):
    # A bare "Not found." left a caller unsure whether the route or the number
    # was wrong; the shop's and the group buy's 404s already said which.
    # given an operator who reads English
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    # when they ask for a number nothing has
    response = Client().get(path, headers=bearer(operator))
    # then
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message, "fields": {}}


def test_an_unknown_erasure_request_is_a_404_saying_so(operator, client):
    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    path = "/api/ops/erasures/era_nosuchone/perform"
    response = Client().post(path, headers=bearer(operator))
    assert response.status_code == 404
    assert response.json()["message"] == "There is no such erasure request."
    # and the pages still answer with the 404 page
    client.force_login(operator)
    assert client.get("/operator/erasures/era_nosuchone/").status_code == 404
    assert client.post("/operator/erasures/era_nosuchone/perform/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/operator/people/usr_nosuchperson/",
        "/operator/orders/ord_nosuchorder/",
        "/operator/payments/pi_nosuchpayment/",
        "/operator/shop-applications/sap_nosuchone/",
    ],
)
def test_an_unknown_number_is_still_the_404_page(client, operator, path):
    client.force_login(operator)
    assert client.get(path).status_code == 404
