"""The teams API and pages: shapes, the whole slice, and who may do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.deals.services import deal_stop
from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    make_listed_product,
    make_merchant,
    make_product,
)
from groupbuy.escrow.models import PaymentIntent
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services import team_expire, team_open
from groupbuy.teams.tests.factories import (
    SOLO_PRICE,
    TEAM_PRICE,
    expire_now,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _post(client, url, user=None, body=None):
    headers = _auth(user) if user is not None else {}
    return client.post(
        url, body or {}, content_type="application/json", headers=headers
    )


def _get(client, url, user=None):
    return client.get(url, headers=_auth(user) if user is not None else {})


@pytest.fixture
def shop():
    owner, rival_owner = make_user(), make_user()
    merchant = make_merchant(name="Fresh Mart", owner=owner)
    ensure_pickup_branch(merchant)
    rival = make_merchant(name="Rival", owner=rival_owner)
    return {
        "owner": owner,
        "merchant": merchant,
        "rival_owner": rival_owner,
        "rival": rival,
        "team_deal": make_team_deal(merchant=merchant, team_size=2),
    }


def _create_body(merchant=None, **change):
    """A new team deal's body, for a product ``merchant`` lists (at the solo
    price) or, with none, for a product no shop lists."""
    now = timezone.now()
    if merchant is not None:
        product = make_listed_product(merchant=merchant, price_fen=SOLO_PRICE)
    else:
        product = make_product()
    return {
        "product_id": product.public_id,
        "title": "Tea",
        "team_size": 3,
        "window_hours": 24,
        "team_price_fen": TEAM_PRICE,
        "solo_price_fen": SOLO_PRICE,
        "stock": 30,
        "limit_per_shopper": 1,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
        **change,
    }


def test_the_whole_slice_over_the_api(client, shop, django_capture_on_commit_callbacks):
    deal_id = shop["team_deal"].deal.public_id
    alice, bob = make_user(), make_user()
    opened = _post(client, f"/api/teams/deals/{deal_id}/teams", alice)
    assert opened.status_code == 201
    body = opened.json()
    team_id = body["team"]["team_id"]
    assert body["payment"]["amount_fen"] == TEAM_PRICE
    assert body["team"]["url"].endswith(f"/teams/t/{team_id}/")
    listing = _get(client, f"/api/teams/deals/{deal_id}").json()
    assert [t["team_id"] for t in listing["open_teams"]] == [team_id]
    assert listing["open_teams"][0]["slots_left"] == 1
    joined = _post(client, f"/api/teams/{team_id}/join", bob)
    assert joined.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        for member in TeamMember.objects.filter(team__public_id=team_id):
            pay(member)
    team = _get(client, f"/api/teams/{team_id}").json()
    assert (team["state"], team["paid_count"], team["slots_left"]) == ("complete", 2, 0)
    assert all("***" in m["name"] for m in team["members"])
    mine = _get(client, "/api/teams/mine", bob).json()["items"]
    assert [(m["team"]["team_id"], m["status"]) for m in mine] == [
        (team_id, "confirmed")
    ]


def test_bad_input_is_a_clear_4xx_in_json(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    alice = make_user()
    team_id = _post(client, f"/api/teams/deals/{deal_id}/teams", alice).json()["team"][
        "team_id"
    ]
    own = _post(client, f"/api/teams/{team_id}/join", alice)
    assert own.status_code == 409 and own.json()["code"] == "own_team"
    second = _post(client, f"/api/teams/deals/{deal_id}/teams", alice)
    assert second.status_code == 409 and second.json()["code"] == "limit_reached"
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    for change, field in (
        ({"team_size": 1}, "team_size"),
        ({"team_price_fen": SOLO_PRICE + 1}, "team_price_fen"),
        ({"window_hours": 24 * 5}, "window_hours"),
    ):
        response = _post(client, url, shop["owner"], _create_body(**change))
        assert response.status_code == 400
        assert set(response.json()) == {"code", "message", "fields"}
        assert field in response.json()["fields"]
    assert TeamDeal.objects.count() == 1
    missing = _get(client, "/api/teams/team_nothing")
    assert missing.status_code == 404


def test_a_solo_price_above_the_shops_everyday_price_is_a_400(client, shop):
    from groupbuy.catalog.tests.factories import make_listing

    listing = make_listing(merchant=shop["merchant"], price_fen=SOLO_PRICE - 100)
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    body = {**_create_body(), "product_id": listing.product.public_id}
    response = _post(client, url, shop["owner"], body)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["solo_price_fen"]
    assert TeamDeal.objects.count() == 1


def test_a_merchant_owner_creates_a_team_deal(client, shop):
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    response = _post(client, url, shop["owner"], _create_body(shop["merchant"]))
    assert response.status_code == 201
    assert response.json()["team_size"] == 3
    assert TeamDeal.objects.count() == 2


def test_a_team_deal_sent_twice_with_its_key_is_created_once(client, shop):
    # given a new team deal's body with a one-time key
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    body = _create_body(shop["merchant"], idempotency_key="team-deal-key-0001")
    # when it is sent twice (a retry after a lost answer)
    first = _post(client, url, shop["owner"], body)
    second = _post(client, url, shop["owner"], body)
    # then one team deal is made; the second answer is the first's deal, 200
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["deal_id"] == second.json()["deal_id"]
    assert TeamDeal.objects.count() == 2  # the fixture's and this one
    # and the same key with another title is refused, nothing made
    other = _post(client, url, shop["owner"], {**body, "title": "Other tea"})
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert TeamDeal.objects.count() == 2


def test_a_team_deal_key_may_come_in_the_idempotency_key_header(client, shop):
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    body = _create_body(shop["merchant"])
    headers = {**_auth(shop["owner"]), "Idempotency-Key": "team-deal-key-0002"}
    answers = [
        client.post(url, body, content_type="application/json", headers=headers)
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [201, 200]
    assert TeamDeal.objects.count() == 2


# --- authorization: another user, another merchant, on every endpoint ------------


def test_a_team_deal_for_a_product_the_shop_does_not_list_is_a_400(client, shop):
    # given a product the shop does not list
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    shop["owner"].preferred_language = "en"
    shop["owner"].save(update_fields=["preferred_language"])
    # when its owner makes a team deal of it, its solo price shown as a saving
    response = _post(client, url, shop["owner"], _create_body())
    # then it is refused on the product, and nothing is made
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["product_id"]
    assert response.json()["fields"]["product_id"][0].startswith(
        "Your shop does not list this product"
    )
    assert TeamDeal.objects.count() == 1


def test_creating_a_team_deal_is_for_the_merchants_owners_only(client, shop):
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    for intruder in (make_user(), shop["rival_owner"]):
        assert _post(client, url, intruder, _create_body()).status_code == 403
    assert _post(client, url, None, _create_body()).status_code == 401
    assert TeamDeal.objects.count() == 1


def test_the_merchants_teams_are_for_its_staff_only(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals/{deal_id}/teams"
    _post(client, f"/api/teams/deals/{deal_id}/teams", make_user())
    assert len(_get(client, url, shop["owner"]).json()["items"]) == 1
    assert _get(client, url, make_user()).status_code == 403
    assert _get(client, url, shop["rival_owner"]).status_code == 403
    other = f"/api/teams/merchants/{shop['rival'].public_id}/deals/{deal_id}/teams"
    assert _get(client, other, shop["rival_owner"]).status_code == 404
    page = f"/teams/merchant/{shop['merchant'].public_id}/deals/{deal_id}/"
    client.force_login(shop["rival_owner"])
    assert client.get(page).status_code == 403
    client.force_login(shop["owner"])
    response = client.get(page)
    assert response.status_code == 200
    # when each team opened, with its year as everywhere on the site
    opened_at = Team.objects.get(team_deal=shop["team_deal"]).opened_at
    opened = timezone.localtime(opened_at).strftime("%Y-%m-%d %H:%M")
    assert f" {opened}</span></span></td>" in response.content.decode()


def test_my_teams_shows_only_mine(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    alice, bob = make_user(), make_user()
    _post(client, f"/api/teams/deals/{deal_id}/teams", alice)
    assert _get(client, "/api/teams/mine", bob).json()["items"] == []
    assert _get(client, "/api/teams/mine", shop["rival_owner"]).json()["items"] == []
    assert _get(client, "/api/teams/mine", alice).json()["total"] == 1
    assert _get(client, "/api/teams/mine").status_code == 401


def test_the_merchants_own_staff_cannot_open_or_join_its_teams(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    team_id = _post(client, f"/api/teams/deals/{deal_id}/teams", make_user()).json()[
        "team"
    ]["team_id"]
    owner = shop["owner"]
    assert _post(client, f"/api/teams/deals/{deal_id}/teams", owner).status_code == 403
    assert _post(client, f"/api/teams/deals/{deal_id}/any", owner).status_code == 403
    assert _post(client, f"/api/teams/{team_id}/join", owner).status_code == 403
    # another merchant's owner is just a shopper here
    rival = shop["rival_owner"]
    assert _post(client, f"/api/teams/{team_id}/join", rival).status_code == 201
    assert Team.objects.get(public_id=team_id).member_count == 2


def test_signed_out_people_can_look_but_not_buy(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    team_id = _post(client, f"/api/teams/deals/{deal_id}/teams", make_user()).json()[
        "team"
    ]["team_id"]
    assert _get(client, f"/api/teams/deals/{deal_id}").status_code == 200
    assert _get(client, f"/api/teams/{team_id}").status_code == 200
    assert _post(client, f"/api/teams/{team_id}/join").status_code == 401
    assert _post(client, f"/api/teams/deals/{deal_id}/teams").status_code == 401
    assert _post(client, f"/api/teams/deals/{deal_id}/any").status_code == 401


@pytest.mark.parametrize(
    "paid",
    [
        # paid on the provider's page, its callback not here yet
        {"submitted_at": timezone.now()},
        # the callback came, the job that marks the place paid has not run yet
        {"status": PaymentIntent.Status.SUCCEEDED},
    ],
    ids=["submitted", "succeeded"],
)
def test_a_member_who_just_paid_is_not_asked_to_pay_again(client, shop, paid):
    # given a shopper who opened a team and paid, back on the team page at once
    client.force_login(make_user(preferred_language="en"))
    client.post(f"/teams/deals/{shop['team_deal'].deal.public_id}/open/", {"solo": "0"})
    member = TeamMember.objects.get()
    PaymentIntent.objects.filter(pk=member.order.payment_intent_id).update(**paid)
    # when they look at the team
    page = client.get(f"/teams/t/{member.team.public_id}/").content.decode()
    # then they are not asked to pay again: a payment submitted is awaited
    # (it may yet be declined), one that succeeded is received
    assert 'id="team-pay"' not in page
    if "submitted_at" in paid:
        assert 'id="team-payment-waiting"' in page
        assert "Payment received" not in page
    else:
        assert 'id="team-confirming"' in page
    # and My teams does not call the place unpaid
    listing = client.get("/teams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Payment being confirmed" in listing or "付款确认中" in listing


def test_my_teams_says_a_payment_that_came_after_the_team_expired_was_refunded(
    client,
):
    # given a shopper who paid after their team had expired
    shopper = make_user()
    opener = team_open(actor=shopper, team_deal=make_team_deal())
    team_expire(team=expire_now(opener.team))
    pay(opener)
    # when they look at My teams
    client.force_login(shopper)
    listing = client.get("/teams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # then the place is not merely "Cancelled": the money came and went back
    assert "Cancelled, payment refunded" in listing or "已取消，款项已退还" in listing


def test_pages_render_and_buy(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    assert b"open-team" in client.get(f"/teams/deals/{deal_id}/").content
    alice, bob = make_user(), make_user()
    client.force_login(alice)
    response = client.post(f"/teams/deals/{deal_id}/open/", {"solo": "0"})
    assert response.status_code == 302
    team = Team.objects.get()
    page = client.get(f"/teams/t/{team.public_id}/")
    assert b"copy-link" in page.content and b"team-pay" in page.content
    client.force_login(bob)
    assert b"team-join" in client.get(f"/teams/t/{team.public_id}/").content
    assert client.post(f"/teams/t/{team.public_id}/join/").status_code == 302
    assert client.get("/teams/").status_code == 200
    team.refresh_from_db()
    assert team.member_count == 2


def test_the_deal_page_offers_buy_alone_and_open_a_team(client, shop):
    from groupbuy.deals.tests.factories import make_deal

    deal_id = shop["team_deal"].deal.public_id
    page = client.get(f"/deals/{deal_id}/").content.decode()
    assert 'id="buy-alone"' in page and 'id="open-team"' in page
    assert "¥99.00" in page and "¥79.00" in page
    assert 'id="join-submit"' not in page
    plain = client.get(f"/deals/{make_deal().public_id}/").content.decode()
    assert 'id="join-submit"' in plain and 'id="open-team"' not in plain


def test_the_deal_page_of_a_team_buy_counts_the_teams_stock_and_its_sales_end(
    client, shop
):
    # given a team deal of which one place is taken
    team_deal = shop["team_deal"]
    team_open(actor=make_user(), team_deal=team_deal)
    team_deal.refresh_from_db()
    # when anyone opens its deals page
    page = client.get(
        f"/deals/{team_deal.deal.public_id}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    # then it counts what the teams share and when sales end, not the deal row's
    # stock, tiers and closing hour
    left, stock = team_deal.stock - 1, team_deal.stock
    assert (
        f'id="team-deal-units"><span data-live="units-left">{left}</span> of '
        f'<span data-live="stock">{stock}</span> left<'
    ) in page
    assert "Teams of 2 pay ¥79.00 each" in page
    ends = timezone.localtime(team_deal.ends_at)
    shown = ends.strftime("%Y-%m-%d %H:%M")
    assert f'<time id="deal-deadline" datetime="{ends.isoformat()}">{shown}<' in page
    assert 'id="deal-tiers"' not in page
    assert "The best price is reached!" not in page


def test_the_deal_list_counts_a_team_buy_down_to_its_end_of_sales(client, shop):
    team_deal = shop["team_deal"]
    listing = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = listing[listing.index(f'id="deal-card-{team_deal.deal.public_id}"') :]
    card = card[: card.index("</a>")]
    ends_ms = int(team_deal.ends_at.timestamp() * 1000)
    assert team_deal.deal.deadline_at > team_deal.ends_at  # the row closes later
    assert f'data-deadline-ms="{ends_ms}"' in card


def test_the_merchant_console_lists_team_deals_for_its_owners_only(client, shop):
    page = f"/teams/merchant/{shop['merchant'].public_id}/"
    client.force_login(shop["owner"])
    response = client.get(page)
    assert response.status_code == 200
    assert shop["team_deal"].deal.title in response.content.decode()
    for intruder in (shop["rival_owner"], make_user()):
        client.force_login(intruder)
        assert client.get(page).status_code == 403
    assert client.get("/teams/merchant/mer_nothing/").status_code == 404


def test_my_teams_says_how_many_places_an_open_team_has_left_and_by_when(client, shop):
    deal_id = shop["team_deal"].deal.public_id
    alice = make_user(preferred_language="en")
    team_id = _post(client, f"/api/teams/deals/{deal_id}/teams", alice).json()["team"][
        "team_id"
    ]
    team = Team.objects.get(public_id=team_id)
    client.force_login(alice)
    listing = client.get("/teams/").content.decode()
    # with its year, as the rest of the site writes times (until 2026-12-06
    # "fills by 12-07 07:44")
    fills_by = timezone.localtime(team.expires_at).strftime("%Y-%m-%d %H:%M")
    places = "place" if team.slots_left == 1 else "places"
    assert f"{team.slots_left} {places} left · fills by {fills_by} " in listing


def test_the_order_page_of_a_team_place_leads_its_shopper_back_to_the_team(
    client, shop
):
    deal_id = shop["team_deal"].deal.public_id
    alice = make_user(preferred_language="en")
    team_id = _post(client, f"/api/teams/deals/{deal_id}/teams", alice).json()["team"][
        "team_id"
    ]
    team = Team.objects.get(public_id=team_id)
    order = team.members.get().order
    link = f'href="/teams/t/{team_id}/" id="order-team-link"'
    client.force_login(alice)
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert link in page and re.search(r"\d+ places? left", page)
    fills_by = timezone.localtime(team.expires_at).strftime("%Y-%m-%d %H:%M")
    assert f"fills by {fills_by} or is refunded" in page
    # the merchant's owner, who may open the order, is not shown the team's link
    client.force_login(shop["owner"])
    response = client.get(f"/orders/{order.public_id}/")
    assert response.status_code == 200
    assert 'id="order-team"' not in response.content.decode()


def test_a_teams_time_is_written_in_utc_to_the_millisecond_like_every_time(client):
    # given an open team that expires at a moment with microseconds
    team = team_open(actor=make_user(), team_deal=make_team_deal(team_size=3)).team
    expires_at = (timezone.now() + timedelta(hours=5)).replace(microsecond=123456)
    Team.objects.filter(pk=team.pk).update(expires_at=expires_at)
    # when
    body = _get(client, f"/api/teams/{team.public_id}").json()
    # then it reads as a deal's times do: "Z" and milliseconds, not "+00:00"
    assert body["expires_at"] == expires_at.strftime("%Y-%m-%dT%H:%M:%S.123Z")


def test_a_past_start_from_someone_who_may_not_create_is_a_403_not_a_422(client, shop):
    # given another shop's owner and a shopper
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    body = _create_body(starts_at="2020-01-01T00:00:00Z")
    for user in (shop["rival_owner"], make_user()):
        # when they create a team deal there starting in 2020
        response = _post(client, url, user, body)
        # then they are told they may not, not that the start has passed
        assert response.status_code == 403, response.json()
        assert response.json()["code"] == "forbidden"
    assert TeamDeal.objects.count() == 1


def test_a_team_deal_starting_in_the_past_is_refused_and_no_start_is_now(client, shop):
    # given an owner who reads English
    shop["owner"].preferred_language = "en"
    shop["owner"].save(update_fields=["preferred_language"])
    url = f"/api/teams/merchants/{shop['merchant'].public_id}/deals"
    # when they create one starting in 2020
    past = _post(
        client, url, shop["owner"], _create_body(starts_at="2020-01-01T00:00:00Z")
    )
    # then it is refused on the start
    assert past.status_code == 422
    assert past.json()["fields"] == {
        "starts_at": [
            "The start has passed: choose a time from now on, "
            "or leave it empty to start now."
        ]
    }
    assert TeamDeal.objects.count() == 1
    # when they leave the start out, it starts now
    body = _create_body(shop["merchant"])
    del body["starts_at"]
    before = timezone.now()
    created = _post(client, url, shop["owner"], body)
    assert created.status_code == 201
    deal = TeamDeal.objects.get(deal__public_id=created.json()["deal_id"]).deal
    assert before <= deal.starts_at <= timezone.now()


def test_team_members_are_masked_as_the_deal_page_masks_its_buyers(client, shop):
    # given a team opened by 小明 and joined by someone with no display name
    opener = make_user(display_name="小明")
    nameless = make_user(display_name="")
    team_id = _post(
        client, f"/api/teams/deals/{shop['team_deal'].deal.public_id}/teams", opener
    ).json()["team"]["team_id"]
    _post(client, f"/api/teams/{team_id}/join", nameless)
    # when
    team = _get(client, f"/api/teams/{team_id}").json()
    # then the team names them as a deal page does (小**, never digits of a number)
    assert [member["name"] for member in team["members"]] == ["小**", "***"]


def test_a_stopped_team_deal_says_who_stopped_it_and_why(client, shop):
    # given an open team deal, read before and after its shop stops it
    deal_id = shop["team_deal"].deal.public_id
    before = _get(client, f"/api/teams/deals/{deal_id}").json()
    assert (before["shown_state"], before["stopped_by"], before["stop_reason"]) == (
        "open",
        None,
        "",
    )
    deal_stop(actor=shop["owner"], deal=shop["team_deal"].deal, reason="Out of tea")

    # when anyone reads it
    after = _get(client, f"/api/teams/deals/{deal_id}").json()

    # then it reads failed, stopped by the merchant, with their words
    assert (after["shown_state"], after["stopped_by"], after["stop_reason"]) == (
        "failed",
        "merchant",
        "Out of tea",
    )


def test_a_shops_teams_refuse_a_stranger_403_whatever_the_deal(client, shop):
    # given a team deal of the rival shop, and the shop's own
    rivals = make_team_deal(merchant=shop["rival"], team_size=2).deal.public_id
    own = shop["team_deal"].deal.public_id
    merchant = shop["merchant"].public_id

    def teams_of(deal_id: str) -> str:
        return f"/api/teams/merchants/{merchant}/deals/{deal_id}/teams"

    # when a shopper asks the shop's address for its deal, another shop's
    # deal or no deal at all
    # then each is a 403, as the shop's other addresses answer them (until
    # 2026-12-07 the two not of the shop were a 404 telling them which)
    for deal_id in (own, rivals, "deal_none"):
        answer = _get(client, teams_of(deal_id), make_user(preferred_language="en"))
        assert answer.status_code == 403, deal_id
        assert answer.json()["message"] == "Only the staff of Fresh Mart may do this."
        page = f"/teams/merchant/{merchant}/deals/{deal_id}/"
        client.force_login(make_user())
        assert client.get(page).status_code == 403
    # while the shop's owner is told there is no such team buy of theirs
    for deal_id in (rivals, "deal_none"):
        assert _get(client, teams_of(deal_id), shop["owner"]).status_code == 404


def test_the_shops_teams_page_is_headed_by_one_sentence_naming_the_deal(client, shop):
    # given the shop's owner, reading English
    shop["owner"].preferred_language = "en"
    shop["owner"].save(update_fields=["preferred_language"])
    deal = shop["team_deal"].deal
    client.force_login(shop["owner"])

    # when they open the deal's teams in the console
    page = client.get(
        f"/teams/merchant/{shop['merchant'].public_id}/deals/{deal.public_id}/"
    )

    # then the heading is a sentence (until 2026-12-07 "Teams · <title>", which
    # read "团 · <title>" in Chinese)
    heading = page.content.decode().split('id="merchant-teams-heading">')[1]
    assert heading.split("</h2>")[0] == f"Teams for “{deal.title}”"
