"""A merchant adds units to a team buy or lets it sell for longer, from its
teams page and the API; the deal row follows, and nobody else may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.core.models import AuditEntry
from groupbuy.deals.services import deal_close_now
from groupbuy.deals.tests.factories import make_merchant
from groupbuy.teams.models import Team
from groupbuy.teams.services import team_open
from groupbuy.teams.services.setup import close_grace
from groupbuy.teams.tests.factories import make_team_deal, make_user

pytestmark = pytest.mark.django_db


def _post(client, url, user, body):
    headers = {}
    if user is not None:
        _token, secret = api_token_create(actor=user)
        headers = {"Authorization": f"Bearer {secret}"}
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def shop():
    owner, rival_owner = make_user(preferred_language="en"), make_user()
    merchant = make_merchant(name="Fresh Mart", owner=owner)
    make_merchant(name="Rival", owner=rival_owner)
    # a four-hour window, three hours before the end: too late to open a team
    team_deal = make_team_deal(
        merchant=merchant, stock=1, window_hours=4, ends_in=timedelta(hours=3)
    )
    return {"owner": owner, "rival_owner": rival_owner, "team_deal": team_deal}


def test_added_units_let_the_next_shopper_buy(client, shop):
    # given the only unit is taken
    team_deal = shop["team_deal"]
    deal_id = team_deal.deal.public_id
    solo = {"solo": True}
    url = f"/api/teams/deals/{deal_id}/teams"
    assert _post(client, url, make_user(), solo).status_code == 201
    assert _post(client, url, make_user(), solo).status_code == 409
    # when the owner adds four units
    response = _post(
        client, f"/api/teams/deals/{deal_id}/stock", shop["owner"], {"units": 4}
    )
    # then
    assert response.status_code == 200, response.json()
    assert (response.json()["stock"], response.json()["units_left"]) == (5, 4)
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert (team_deal.stock, team_deal.deal.stock) == (5, 5)
    assert _post(client, url, make_user(), solo).status_code == 201
    assert AuditEntry.objects.filter(action="teams.deal.stock_added").count() == 1


@pytest.mark.parametrize("units", [0, -3, 100_001])
def test_a_number_of_units_out_of_range_is_a_400_and_changes_nothing(
    client, shop, units
):
    deal_id = shop["team_deal"].deal.public_id
    response = _post(
        client, f"/api/teams/deals/{deal_id}/stock", shop["owner"], {"units": units}
    )
    assert response.status_code == 400
    assert "units" in response.json()["fields"]
    shop["team_deal"].refresh_from_db()
    assert shop["team_deal"].stock == 1


def test_selling_for_longer_moves_the_row_and_lets_teams_open_again(client, shop):
    # given it is too late to open a team: its window would outlast the sales
    team_deal = shop["team_deal"]
    url = f"/api/teams/deals/{team_deal.deal.public_id}/teams"
    too_late = _post(client, url, make_user(), {})
    assert too_late.json()["code"] == "team_window_past_end"
    new_end = timezone.now() + timedelta(days=3)
    # when
    response = _post(
        client,
        f"/api/teams/deals/{team_deal.deal.public_id}/extend",
        shop["owner"],
        {"ends_at": new_end.isoformat()},
    )
    # then the row closes after the new end, and a team opens
    assert response.status_code == 200, response.json()
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert team_deal.ends_at == new_end
    assert team_deal.deal.deadline_at == new_end + close_grace()
    assert _post(client, url, make_user(), {}).status_code == 201
    assert AuditEntry.objects.filter(action="teams.deal.extended").count() == 1


def test_the_end_of_sales_never_moves_earlier(client, shop):
    team_deal = shop["team_deal"]
    before = (team_deal.ends_at, team_deal.deal.deadline_at)
    for moment in (team_deal.ends_at - timedelta(minutes=30), team_deal.ends_at):
        response = _post(
            client,
            f"/api/teams/deals/{team_deal.deal.public_id}/extend",
            shop["owner"],
            {"ends_at": moment.isoformat()},
        )
        assert response.status_code == 400
        assert "only move later" in response.json()["fields"]["ends_at"][0]
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert (team_deal.ends_at, team_deal.deal.deadline_at) == before


def test_an_end_of_sales_past_the_calendar_is_refused_not_a_server_error(client, shop):
    team_deal = shop["team_deal"]
    before = team_deal.ends_at
    response = _post(
        client,
        f"/api/teams/deals/{team_deal.deal.public_id}/extend",
        shop["owner"],
        {"ends_at": "9999-12-31T23:59:59Z"},
    )
    assert response.status_code == 422, response.json()
    assert "ends_at" in response.json()["fields"]
    team_deal.refresh_from_db()
    assert team_deal.ends_at == before


def test_nothing_changes_once_sales_have_ended(client, shop):
    team_deal = shop["team_deal"]
    deal_close_now(actor=shop["owner"], deal=team_deal.deal)
    deal_id = team_deal.deal.public_id
    later = (timezone.now() + timedelta(days=1)).isoformat()
    for path, body in (("stock", {"units": 2}), ("extend", {"ends_at": later})):
        response = _post(
            client, f"/api/teams/deals/{deal_id}/{path}", shop["owner"], body
        )
        assert response.status_code == 409, path
        assert response.json()["code"] == "sales_ended"


def test_only_the_merchants_owners_change_its_sales(client, shop):
    team_deal = shop["team_deal"]
    deal_id = team_deal.deal.public_id
    later = (timezone.now() + timedelta(days=1)).isoformat()
    for path, body in (("stock", {"units": 2}), ("extend", {"ends_at": later})):
        url = f"/api/teams/deals/{deal_id}/{path}"
        assert _post(client, url, make_user(), body).status_code == 403
        assert _post(client, url, shop["rival_owner"], body).status_code == 403
        assert _post(client, url, None, body).status_code == 401
    merchant_id = team_deal.deal.merchant.public_id
    client.force_login(shop["rival_owner"])
    page = f"/teams/merchant/{merchant_id}/deals/{deal_id}/"
    assert client.post(page + "stock/", {"units": 2}).status_code == 403
    assert (
        client.post(page + "extend/", {"ends_at": "2099-01-01T10:00"}).status_code
        == 403
    )
    team_deal.refresh_from_db()
    assert (team_deal.stock, team_deal.ends_at) == (1, shop["team_deal"].ends_at)


def test_the_teams_page_adds_stock_and_sells_for_longer(client, shop):
    # given
    team_deal = shop["team_deal"]
    opener = make_user(display_name="Lan Wei")
    team_open(actor=opener, team_deal=team_deal, solo=True)
    merchant_id = team_deal.deal.merchant.public_id
    page = f"/teams/merchant/{merchant_id}/deals/{team_deal.deal.public_id}/"
    client.force_login(shop["owner"])
    html = client.get(page).content.decode()
    assert 'id="team-deal-stock-form"' in html
    assert 'id="team-deal-extend-form"' in html
    assert "L***, alone" in html  # named by its buyer, masked
    # when
    added = client.post(page + "stock/", {"units": 3}, follow=True)
    new_end = timezone.localtime() + timedelta(days=2)
    moved = client.post(
        page + "extend/", {"ends_at": new_end.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    earlier = client.post(
        page + "extend/", {"ends_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
    )
    # then
    assert "The stock is added." in added.content.decode()
    assert "The end of sales is moved." in moved.content.decode()
    assert "only move later" in client.get(earlier["Location"]).content.decode()
    team_deal.refresh_from_db()
    assert team_deal.stock == 4
    assert timezone.localtime(team_deal.ends_at).strftime("%Y-%m-%d %H:%M") == (
        new_end.strftime("%Y-%m-%d %H:%M")
    )
    # and, the sales longer than its window now, a team opens, named by its opener
    team_open(actor=make_user(display_name="Mei Chen"), team_deal=team_deal)
    assert "M***'s team" in client.get(page).content.decode()
    assert Team.objects.filter(team_deal=team_deal).count() == 2


def test_the_end_of_sales_does_not_move_past_the_longest_a_deal_may_sell(client, shop):
    # given a team buy (90 days at most from when it was made, by default)
    team_deal = shop["team_deal"]
    before = (team_deal.ends_at, team_deal.deal.deadline_at)
    # when its end of sales is moved to 2099
    response = _post(
        client,
        f"/api/teams/deals/{team_deal.deal.public_id}/extend",
        shop["owner"],
        {"ends_at": timezone.now().replace(year=2099).isoformat()},
    )
    # then it is refused on the end, and nothing moves
    assert response.status_code == 400
    assert response.json()["fields"]["ends_at"][0].startswith(
        "A group buy sells for at most 90 days"
    )
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert (team_deal.ends_at, team_deal.deal.deadline_at) == before
    # and within them it moves (the row closing the grace later, on the 90th day)
    latest = team_deal.deal.created_at + timedelta(days=90) - close_grace()
    response = _post(
        client,
        f"/api/teams/deals/{team_deal.deal.public_id}/extend",
        shop["owner"],
        {"ends_at": latest.isoformat()},
    )
    assert response.status_code == 200, response.json()


def test_a_team_buys_stock_is_added_once_per_key(client, shop):
    # given the teams page's form, holding a one-time key
    team_deal = shop["team_deal"]
    deal_id = team_deal.deal.public_id
    page = f"/teams/merchant/{team_deal.deal.merchant.public_id}/deals/{deal_id}/"
    client.force_login(shop["owner"])
    key = client.get(page).context["stock_form"].initial["idempotency_key"]
    # when the form is sent twice, and the API's request twice with a header
    for _ in range(2):
        client.post(page + "stock/", {"units": 3, "idempotency_key": key})
    url = f"/api/teams/deals/{deal_id}/stock"
    header = {"HTTP_IDEMPOTENCY_KEY": "team-stock-key-000001"}
    answers = [
        _post_with(client, url, shop["owner"], {"units": 2}, header) for _ in range(2)
    ]
    reused = _post_with(client, url, shop["owner"], {"units": 9}, header)
    # then each added once
    assert [answer.json()["stock"] for answer in answers] == [6, 6]
    assert (reused.status_code, reused.json()["code"]) == (
        409,
        "idempotency_key_reused",
    )
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert (team_deal.stock, team_deal.deal.stock) == (6, 6)


def _post_with(client, url, user, body, extra):
    _token, secret = api_token_create(actor=user)
    return client.post(
        url,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **extra,
    )
