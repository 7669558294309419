"""A team buy as the deals app's pages and API show it: the units its teams took
of the stock they share and the end of its sales, not its deal row's, and no
stock or deadline change that would not reach the teams."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.tests.factories import make_team_deal, make_user, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_one():
    owner = make_user(preferred_language="en")
    team_deal = make_team_deal(stock=10)
    merchant_membership_add(
        actor=None, user=owner, merchant=team_deal.deal.merchant, role="owner"
    )
    team_open(actor=make_user(), team_deal=team_deal)
    team_deal.refresh_from_db()
    return team_deal, owner


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_the_console_counts_the_teams_units_and_their_end_of_sales(client, sold_one):
    team_deal, owner = sold_one
    deal, merchant = team_deal.deal, team_deal.deal.merchant
    client.force_login(owner)
    pages = [
        f"/merchant/{merchant.public_id}/",
        f"/merchant/{merchant.public_id}/deals/",
        f"/merchant/{merchant.public_id}/deals/{deal.public_id}/",
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "1 / 10" in page, url  # the deal row says 0 / 10
        assert _local(team_deal.ends_at) in page, url
        assert _local(deal.deadline_at) not in page, url
    detail = client.get(pages[-1]).content.decode()
    # stock and deadline are the team buy's, so their forms are not offered
    assert 'id="merchant-deal-in-teams"' in detail
    assert 'id="merchant-deal-stock-form"' not in detail
    assert 'id="merchant-deal-extend-form"' not in detail


def test_the_merchants_deal_page_shows_the_team_terms_not_the_rows_tier(
    client, sold_one
):
    team_deal, owner = sold_one
    merchant, deal = team_deal.deal.merchant, team_deal.deal
    client.force_login(owner)
    page = client.get(f"/merchant/{merchant.public_id}/deals/{deal.public_id}/")
    html = page.content.decode()
    assert "Teams of 2 pay ¥79.00 each · a team has 24 hours to fill" in html
    assert 'id="merchant-deal-team-prices">¥79.00 / ¥99.00<' in html
    assert "1+ buyer" not in html  # the row's one tier
    assert "<span>Sales end</span>" in html
    # and closing it now says what closing a team buy does
    assert "every other team is refunded" in html
    assert "below the first tier" not in html


def test_the_deal_sockets_snapshot_of_a_team_buy_is_the_teams(sold_one):
    # what an open deal page gets on connect and with each progress push
    from groupbuy.deals.selectors import deal_progress
    from groupbuy.teams.services import team_deal_extend

    team_deal, owner = sold_one
    snapshot = deal_progress(deal_public_id=team_deal.deal.public_id)
    assert (snapshot["units_sold"], snapshot["stock"]) == (1, 10)
    assert snapshot["deadline_ms"] == int(team_deal.ends_at.timestamp() * 1000)
    # and it follows the end of sales when the team buy sells for longer
    later = team_deal.ends_at + timedelta(days=2)
    team_deal_extend(actor=owner, team_deal=team_deal, ends_at=later)
    snapshot = deal_progress(deal_public_id=team_deal.deal.public_id)
    assert snapshot["deadline_ms"] == int(later.timestamp() * 1000)


def test_changing_a_team_buys_stock_or_deadline_is_a_clear_409(client, sold_one):
    team_deal, owner = sold_one
    deal = team_deal.deal
    _token, secret = api_token_create(actor=owner)
    headers = {"Authorization": f"Bearer {secret}"}
    later = (deal.deadline_at + timedelta(days=1)).isoformat()
    for path, body in (
        ("stock", {"units": 5}),
        ("schedule", {"deadline_at": later}),
    ):
        response = client.post(
            f"/api/deals/{deal.public_id}/{path}",
            body,
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 409, (path, response.json())
        assert response.json()["code"] == "sold_in_teams"
    before = (deal.stock, deal.deadline_at)
    deal.refresh_from_db()
    assert (deal.stock, deal.deadline_at) == before


def test_the_deals_api_gives_a_team_buys_own_stock_and_end_of_sales(client, sold_one):
    from groupbuy.deals.tests.factories import make_deal

    team_deal, _owner = sold_one
    plain = make_deal()

    def moment(text):  # the API gives milliseconds
        return datetime.fromisoformat(text.replace("Z", "+00:00"))

    def same(text, when) -> bool:
        return abs(moment(text) - when) < timedelta(milliseconds=1)

    deal_id = team_deal.deal.public_id
    detail = client.get(f"/api/deals/{deal_id}").json()
    items = {item["id"]: item for item in client.get("/api/deals").json()["items"]}
    for body in (detail, items[deal_id]):
        assert (body["units_sold"], body["stock"]) == (1, 10)
        assert same(body["sales_end_at"], team_deal.ends_at)
        assert same(body["deadline_at"], team_deal.deal.deadline_at)
    # an ordinary deal stops selling at its deadline
    ordinary = items[plain.public_id]
    assert ordinary["sales_end_at"] == ordinary["deadline_at"]


def test_a_snap_offers_a_team_buys_page_not_a_one_tap_join(rf, sold_one):
    from django.template.loader import render_to_string

    from groupbuy.snap.deal_lookup import deal_payloads

    team_deal, _owner = sold_one
    (payload,) = deal_payloads([team_deal.deal])
    # deal_join refuses a team buy, so the snap card leads to its page instead
    assert (payload["sells_in_teams"], payload["join_url"]) == (True, "")
    assert payload["units_left"] == 9
    assert payload["deadline_ms"] == int(team_deal.ends_at.timestamp() * 1000)
    card = render_to_string(
        "snap/_deal.html", {"deal": payload}, request=rf.get("/snap/")
    )
    assert "snap-join-form" not in card
    assert f'href="/deals/{team_deal.deal.public_id}/"' in card


def test_the_deal_page_hears_each_unit_a_team_takes_and_the_stock_added(
    sold_one, monkeypatch, settings, django_capture_on_commit_callbacks
):
    # given a watcher of the team buy's deal socket (pushes sent at once)
    from groupbuy.deals.services import common
    from groupbuy.teams.services import team_deal_add_stock

    settings.GROUPBUY_PROGRESS_PUSHES_PER_SECOND = 0
    heard = []
    monkeypatch.setattr(
        common, "publish_to_deal", lambda deal_id, event: heard.append(event)
    )
    team_deal, owner = sold_one
    # when a second shopper opens a team, and the owner adds five units
    with django_capture_on_commit_callbacks(execute=True):
        team_open(actor=make_user(), team_deal=team_deal)
    with django_capture_on_commit_callbacks(execute=True):
        team_deal_add_stock(actor=owner, team_deal=team_deal, units=5)
    # then the deal page heard each, in the teams' figures
    progress = [
        (event["units_sold"], event["stock"])
        for event in heard
        if event["type"] == "deal.progress"
    ]
    assert progress == [(2, 10), (2, 15)]


def test_the_share_card_shows_a_team_buys_end_of_sales(client, sold_one):
    # given a shopper in a team buy, whose row closes an hour after its sales end
    team_deal, _ = sold_one
    deal = team_deal.deal
    assert deal.deadline_at == team_deal.ends_at + timedelta(minutes=60)
    client.force_login(make_user(preferred_language="en"))
    # when they look at the card they would share
    share_page = client.get(f"/sharing/new/?deal={deal.public_id}").content.decode()
    # then it says when sales end, as the deal page does, not the row's close
    assert _local(team_deal.ends_at) in share_page
    assert _local(deal.deadline_at) not in share_page


def test_the_order_page_of_a_team_place_gives_the_teams_deadline_to_fill(
    client, sold_one
):
    # given a shopper who opened a team (24 hours to fill) in a team buy whose
    # sales end in 3 days, its row an hour later
    team_deal, _ = sold_one
    shopper = make_user(preferred_language="en")
    member = team_open(actor=shopper, team_deal=team_deal)
    client.force_login(shopper)
    # when they look at their order
    page = client.get(f"/orders/{member.order.public_id}/").content.decode()
    # then its timeline names the moment the order depends on: the team fills
    # by the end of its window or is refunded; neither the end of sales nor
    # the row's close is called its "group buy deadline"
    expires = timezone.localtime(member.team.expires_at)
    assert (
        "<span>Team's deadline to fill</span>"
        f'<time id="order-team-deadline" datetime="{expires.isoformat()}">'
        f"{_local(expires)}</time>"
    ) in page
    assert "Group buy deadline" not in page
    for moment in (team_deal.ends_at, team_deal.deal.deadline_at):
        assert _local(moment) not in page


def test_the_order_page_of_a_place_in_a_complete_team_says_when_it_filled(
    client, sold_one
):
    # given a shopper whose team filled: their order is confirmed
    team_deal, _ = sold_one
    shopper = make_user(preferred_language="en")
    member = team_open(actor=shopper, team_deal=team_deal)
    pay(member)
    pay(team_join(actor=make_user(), team=member.team))
    team_complete(team=member.team)
    client.force_login(shopper)
    # when they look at their order
    page = client.get(f"/orders/{member.order.public_id}/").content.decode()
    # then its timeline names no deadline still to meet, but when it filled
    member.team.refresh_from_db()
    filled = timezone.localtime(member.team.completed_at)
    assert (
        "<span>Team filled</span>"
        f'<time id="order-team-filled" datetime="{filled.isoformat()}">'
        f"{_local(filled)}</time>"
    ) in page
    assert "Team's deadline to fill" not in page
    assert "Group buy deadline" not in page


def test_the_order_page_of_a_buy_alone_says_when_team_buying_ends(client, sold_one):
    # given a shopper who bought alone: no team to fill
    team_deal, _ = sold_one
    shopper = make_user(preferred_language="en")
    member = team_open(actor=shopper, team_deal=team_deal, solo=True)
    client.force_login(shopper)
    # when they look at their order
    page = client.get(f"/orders/{member.order.public_id}/").content.decode()
    # then the timeline says when the team buy stops selling, by that name
    ends = timezone.localtime(team_deal.ends_at)
    assert (
        "<span>Team buying ends</span>"
        f'<time id="order-sales-end" datetime="{ends.isoformat()}">'
        f"{_local(ends)}</time>"
    ) in page
    assert "Group buy deadline" not in page
    assert _local(team_deal.deal.deadline_at) not in page
