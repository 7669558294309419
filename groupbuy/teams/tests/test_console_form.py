"""The merchant console's form for a new team buy: creates an open team deal,
shows the team rules' refusals on their fields, only for the merchant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.catalog.models import Listing
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    make_merchant,
    make_product,
)
from groupbuy.teams.models import TeamDeal
from groupbuy.teams.tests.factories import make_user

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def console():
    # English pages (people's default language is zh-Hans)
    owner, rival_owner = make_user(preferred_language="en"), make_user()
    merchant = make_merchant(name="Fresh Mart", owner=owner)
    ensure_pickup_branch(merchant)
    product = make_product()
    Listing.objects.create(merchant=merchant, product=product, price_fen=9_900)
    return {
        "owner": owner,
        "merchant": merchant,
        "product": product,
        "rival_owner": rival_owner,
        "rival": make_merchant(name="Rival", owner=rival_owner),
        "url": f"/teams/merchant/{merchant.public_id}/deals/new/",
    }


def _form(console, **change) -> dict:
    now = timezone.localtime()
    data = {
        "product": console["product"].public_id,
        "title": "Jasmine tea, team of 3",
        "description": "",
        "team_size": "3",
        "window_hours": "24",
        "team_price_fen": "79.00",
        "solo_price_fen": "99.00",
        "stock": "30",
        "limit_per_shopper": "2",
        "starts_at": now.strftime(LOCAL),
        "ends_at": (now + timedelta(days=3)).strftime(LOCAL),
    }
    data.update(change)
    return data


def test_the_owner_creates_an_open_team_deal_from_the_form(client, console):
    # given the merchant's owner on the console
    client.force_login(console["owner"])
    home = client.get(f"/teams/merchant/{console['merchant'].public_id}/")
    assert 'id="merchant-nav-teams"' in home.content.decode()
    assert 'id="new-team-deal"' in home.content.decode()
    page = client.get(console["url"])
    assert page.status_code == 200 and b"team-deal-form" in page.content
    # the products show their everyday prices, which the solo price starts from
    product_id = console["product"].public_id
    assert page.context["listing_prices"] == {product_id: "99.00"}
    assert "· ¥99.00</option>" in page.content.decode()
    # when they submit the form
    response = client.post(console["url"], _form(console))
    # then an open deal in team mode exists with the settings typed
    team_deal = TeamDeal.objects.select_related("deal").get()
    assert response.status_code == 302
    assert response["Location"] == (
        f"/merchant/{console['merchant'].public_id}/deals/"
        f"{team_deal.deal.public_id}/?step=opened"
    )
    assert (
        team_deal.team_size,
        team_deal.window_hours,
        team_deal.team_price_fen,
        team_deal.solo_price_fen,
        team_deal.stock,
        team_deal.limit_per_shopper,
    ) == (3, 24, 7_900, 9_900, 30, 2)
    assert team_deal.deal.state == Deal.State.OPEN
    assert team_deal.deal.merchant == console["merchant"]
    # and the page it lands on says so, and what to do next, as a group buy's:
    # its page as shoppers see it, its link to share, its stock and end (on its
    # teams page)
    landing = client.get(response["Location"])
    page = landing.content.decode()
    assert [str(m) for m in landing.context["messages"]] == ["The group buy is open."]
    assert 'id="merchant-deal-next"' in page
    deal_id = team_deal.deal.public_id
    share = f'id="merchant-deal-share-link" value="http://testserver/deals/{deal_id}/"'
    assert share in page
    assert 'id="merchant-deal-next-public"' in page
    assert 'id="merchant-deal-next-stock"' in page
    assert f"/teams/merchant/{console['merchant'].public_id}/deals/{deal_id}/" in page


def test_the_form_sent_twice_opens_one_team_buy(client, console):
    # given the new team buy form as shown, with its one-time key
    client.force_login(console["owner"])
    key = client.get(console["url"]).context["form"].initial["idempotency_key"]
    assert len(key) >= 16
    # when it is sent twice (a retry after a timeout, reload and resend)
    first = client.post(console["url"], _form(console, idempotency_key=key))
    second = client.post(console["url"], _form(console, idempotency_key=key))
    # then one team buy is open, and both land on it
    team_deal = TeamDeal.objects.select_related("deal").get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].endswith(f"/deals/{team_deal.deal.public_id}/?step=opened")
    assert Deal.objects.count() == 1
    # and the form shown again carries a new key: another team buy is a new one
    assert client.get(console["url"]).context["form"].initial["idempotency_key"] != key


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"team_size": "1"}, "team_size", "A team has between 2 and 10 people."),
        ({"team_size": "11"}, "team_size", "A team has between 2 and 10 people."),
        (
            {"team_price_fen": "120.00"},
            "team_price_fen",
            "The team price must be below the solo price.",
        ),
        (
            # a team at the solo price saves nobody anything
            {"team_price_fen": "99.00"},
            "team_price_fen",
            "The team price must be below the solo price.",
        ),
        (
            # the shop sells it for ¥99.00 every day
            {"solo_price_fen": "199.00"},
            "solo_price_fen",
            "The solo price cannot be above ¥99.00, what you sell this product for "
            "every day: the team price would show a saving that is not there.",
        ),
        (
            {"window_hours": "100"},
            "window_hours",
            "The team window cannot run past the end of the group buy.",
        ),
    ],
)
def test_bad_team_settings_are_shown_on_the_form_and_nothing_is_created(
    client, console, change, field, message
):
    client.force_login(console["owner"])
    response = client.post(console["url"], _form(console, **change))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in response.content.decode()
    assert not TeamDeal.objects.exists() and not Deal.objects.exists()


def test_the_form_shows_chinese_messages(client, console):
    console["owner"].preferred_language = "zh-hans"
    console["owner"].save(update_fields=["preferred_language"])
    client.force_login(console["owner"])
    response = client.post(
        console["url"],
        _form(console, team_size="1"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "每团 2 到 10 人。" in response.content.decode()


def test_only_the_merchant_may_use_the_form(client, console):
    for intruder in (console["rival_owner"], make_user()):
        client.force_login(intruder)
        assert client.get(console["url"]).status_code == 403
        assert client.post(console["url"], _form(console)).status_code == 403
    client.logout()
    assert client.get(console["url"]).status_code == 302  # to sign in
    client.force_login(console["owner"])
    assert client.get("/teams/merchant/mer_nothing/deals/new/").status_code == 404
    # a product the merchant does not list is refused on its field
    other = make_product(name_en="Oolong")
    response = client.post(console["url"], _form(console, product=other.public_id))
    assert response.status_code == 200 and "product" in response.context["form"].errors
    assert not TeamDeal.objects.exists()


def test_a_team_deal_starting_later_is_said_to_be_scheduled(client, console):
    # given
    client.force_login(console["owner"])
    starts = timezone.localtime() + timedelta(hours=1)
    # when
    response = client.post(
        console["url"], _form(console, starts_at=starts.strftime(LOCAL)), follow=True
    )
    # then
    assert [str(m) for m in response.context["messages"]] == [
        f"The group buy is scheduled: it starts at {starts:%Y-%m-%d %H:%M}."
    ]
    deal = TeamDeal.objects.get().deal
    assert deal.state == Deal.State.OPEN and deal.state_label == "Scheduled"


PASSED_START = (
    "The start has passed: choose a time from now on, or leave it empty to start now."
)


def test_a_start_in_the_past_is_refused_on_its_field(client, console):
    # given the owner on the new team buy form
    client.force_login(console["owner"])
    six_minutes_ago = timezone.localtime() - timedelta(minutes=6)
    # when they set a start in 2020, then one six minutes ago
    for start in ("2020-01-01T00:00", six_minutes_ago.strftime(LOCAL)):
        response = client.post(console["url"], _form(console, starts_at=start))
        # then it is refused on the start, and no deal is made
        assert response.status_code == 200
        assert response.context["form"].errors == {"starts_at": [PASSED_START]}
    assert not TeamDeal.objects.exists()


def test_the_start_is_left_empty_and_empty_is_now(client, console):
    # given the form, as the page offers it (sent, say, ten minutes later)
    client.force_login(console["owner"])
    form = client.get(console["url"]).context["form"]
    assert form["starts_at"].value() is None
    # when it is sent with no start
    before = timezone.now()
    response = client.post(console["url"], _form(console, starts_at=""))
    # then the team buy is open from when it was saved
    assert response.status_code == 302
    deal = TeamDeal.objects.get().deal
    assert before <= deal.starts_at <= timezone.now()
    assert deal.state == Deal.State.OPEN
