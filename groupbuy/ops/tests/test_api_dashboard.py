"""The operator dashboard's headline figures over the API: the figures the page
shows at its top, operators only (until 2026-12-07 the page only)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.tests.factories import make_merchant_member
from groupbuy.deals.tests.factories import join_and_pay, make_deal, pass_deadline
from groupbuy.escrow.ledger import kind_totals_refresh
from groupbuy.ops.tests.factories import (
    make_operator,
    make_person,
    make_shop_application,
)

pytestmark = pytest.mark.django_db

API = "/api/operator/dashboard"
# The page's figure for each field of the answer (web/operator/home.html).
FIGURE_IDS = {
    "open_deals": "operator-open-deals",
    "orders_today": "operator-orders-today",
    "orders_this_week": "operator-orders-this-week",
    "closing_within_24h": "operator-closing-24h",
    "overdue": "operator-overdue",
    "shop_applications_pending": "operator-shop-applications-pending",
}


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


def _platform() -> None:
    """Three open group buys: one closing in an hour with a paid order, one
    past its deadline, one closing in three days; a shop application waiting."""
    join_and_pay(make_deal(title="Tea", deadline_in=timedelta(hours=1)))
    pass_deadline(make_deal(title="Rice"))
    make_deal(title="Oil", deadline_in=timedelta(days=3))
    make_shop_application()
    kind_totals_refresh()  # the money totals job, once a minute


def test_an_operator_reads_the_dashboards_figures_as_the_page_shows_them(
    client, django_assert_max_num_queries
):
    # given
    _platform()
    operator = make_operator()
    headers = _auth(operator)
    # when the operator reads the API (the token, four counts of group buys and
    # orders, the money totals, one of applications: as many at any size) and
    # the dashboard
    with django_assert_max_num_queries(9):
        response = client.get(API, headers=headers)
    client.force_login(operator)
    page = client.get("/operator/").content.decode()
    # then
    body = response.json()
    assert response.status_code == 200
    assert {field: body[field] for field in FIGURE_IDS} == {
        "open_deals": 3,
        "orders_today": 1,
        "orders_this_week": 1,
        "closing_within_24h": 1,
        "overdue": 1,
        "shop_applications_pending": 1,
    }
    for field, dom_id in FIGURE_IDS.items():
        shown = re.search(rf'id="{dom_id}">([^<]*)<', page).group(1)
        assert shown == str(body[field])
    # and the money tiles, in fen, as GET /api/escrow/operator/money gives them
    money = client.get("/api/escrow/operator/money", headers=headers).json()
    assert body["shopper_held_fen"] == money["shopper_held_fen"] == 9_900
    assert body["merchant_payable_fen"] == money["merchant_payable_fen"]
    assert body["money_computed_at"] == money["totals_computed_at"]


@pytest.mark.parametrize("who", ["shopper", "owner", "cashier"])
def test_the_dashboard_is_403_to_anyone_but_operators(client, who):
    # given the figures of a platform, and a shopper or another merchant's staff
    _platform()
    user = make_person()
    if who != "shopper":
        make_merchant_member(user=user, role=who)
    # when
    response = client.get(API, headers=_auth(user))
    # then refused, in words, with none of the figures
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert response.json()["message"] == (
        "Only operators can see the platform's figures."
    )
    assert "open_deals" not in response.json()


def test_the_dashboard_is_401_to_someone_not_signed_in(client):
    response = client.get(API)
    assert response.status_code == 401
    assert "open_deals" not in response.json()
