"""Lists that grow without end are paged (GROUPBUY_PAGE_SIZE a page: 20, here
3), not cut off: a shopper's
teams and demands, the published demands, a merchant's team buys and their
teams, the operator's erasure queue, the statements' differences and the
merchants owed money."""

from __future__ import annotations

import re
from datetime import date

import pytest

from groupbuy.accounts.services import api_token_create
from groupbuy.demands.tests.factories import make_published
from groupbuy.demands.tests.factories import make_user as make_verified_user
from groupbuy.escrow.tests.factories import make_user
from groupbuy.ops.services import erasure_request
from groupbuy.payments.models import StatementDifference
from groupbuy.payments.tests.test_payouts import _merchant_with_payable
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal

pytestmark = pytest.mark.django_db

# A small page: page 2 needs four of each row, not 21 (each a join or a payment).
PAGE = 3


@pytest.fixture(autouse=True)
def _small_pages(settings):
    settings.GROUPBUY_PAGE_SIZE = PAGE


def _count(client, url: str, marker: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return len(re.findall(marker, response.content.decode()))


def test_my_teams_are_paged(client):
    shopper = make_user()
    for _ in range(PAGE + 1):
        team_open(actor=shopper, team_deal=make_team_deal())
    client.force_login(shopper)
    assert _count(client, "/teams/", 'class="my-team"') == PAGE
    assert _count(client, "/teams/?page=2", 'class="my-team"') == 1


def test_a_merchants_team_buys_and_a_deals_teams_are_paged(client):
    first = make_team_deal(stock=100)
    merchant = first.deal.merchant
    for _ in range(PAGE):
        make_team_deal(merchant=merchant)
    for _ in range(PAGE + 1):
        team_open(actor=make_user(), team_deal=first)
    client.force_login(make_user(is_staff=True))
    deals = f"/teams/merchant/{merchant.public_id}/"
    assert _count(client, deals, "data-deal=") == PAGE
    assert _count(client, deals + "?page=2", "data-deal=") == 1
    teams = f"{deals}deals/{first.deal.public_id}/"
    assert _count(client, teams, "data-team=") == PAGE
    assert _count(client, teams + "?page=2", "data-team=") == 1


def test_published_demands_and_my_demands_are_paged_apart(client):
    initiator = make_verified_user()
    for _ in range(PAGE + 1):
        make_published(initiator=initiator)
    client.force_login(initiator)
    assert _count(client, "/demands/", 'class="demand-link"') == PAGE
    assert _count(client, "/demands/?page=2", 'class="demand-link"') == 1
    assert _count(client, "/demands/", 'class="my-demand-link"') == PAGE
    # the second page of mine keeps the first page of the published ones
    second = "/demands/?mine_page=2"
    assert _count(client, second, 'class="my-demand-link"') == 1
    assert _count(client, second, 'class="demand-link"') == PAGE


def test_the_erasure_queue_and_the_statement_differences_are_paged(client):
    for _ in range(PAGE + 1):
        erasure_request(actor=make_user())
    StatementDifference.objects.bulk_create(
        StatementDifference(
            day=date(2026, 11, 1 + index),
            provider="alipay",
            kind=StatementDifference.Kind.AMOUNT_MISMATCH,
            line_kind="payment",
            reference=f"ref-{index}",
            ledger_fen=100,
            provider_fen=90,
        )
        for index in range(PAGE + 1)
    )
    client.force_login(make_user(is_staff=True))
    queue = "/operator/erasures/?status=pending"
    assert _count(client, queue, '<tr id="erasure-') == PAGE
    assert _count(client, queue + "&page=2", '<tr id="erasure-') == 1
    payouts = "/payments/operator/payouts/"
    assert _count(client, payouts, "ref-") == PAGE
    assert _count(client, payouts + "?differences_page=2", "ref-") == 1


def test_the_merchants_owed_money_are_paged(client):
    for amount in range(1_000, 1_000 + PAGE + 1):
        _merchant_with_payable(amount)
    client.force_login(make_user(is_staff=True))
    payouts = "/payments/operator/payouts/"
    assert _count(client, payouts, '<tr id="payable-') == PAGE
    assert _count(client, payouts + "?payables_page=2", '<tr id="payable-') == 1


def test_the_api_pages_the_same_lists(client):
    def get(url, user):
        _token, secret = api_token_create(actor=user)
        response = client.get(url, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, url
        return response.json()

    shopper, operator = make_user(), make_user(is_staff=True)
    team_deal = make_team_deal(stock=100)
    for _ in range(PAGE + 1):
        team_open(actor=make_user(), team_deal=team_deal)
        erasure_request(actor=make_user())
    team_open(actor=shopper, team_deal=make_team_deal())
    make_published()
    teams = (
        f"/api/teams/merchants/{team_deal.deal.merchant.public_id}"
        f"/deals/{team_deal.deal.public_id}/teams"
    )
    for url, user, total in (
        (teams, operator, PAGE + 1),
        ("/api/ops/erasures", operator, PAGE + 1),
        ("/api/teams/mine", shopper, 1),
        ("/api/demands", shopper, 1),
    ):
        first = get(url, user)
        assert (first["total"], len(first["items"])) == (total, min(total, PAGE))
        if total > PAGE:
            last = get(f"{url}?page=2", user)
            assert len(last["items"]) == 1


def test_a_page_past_the_last_is_empty_in_the_api_and_the_last_on_a_page(client):
    # given three published demands, two a page
    for _ in range(3):
        make_published()
    # when a client reads pages until one is empty
    seen, page = [], 1
    while page < 10:
        body = client.get(f"/api/demands?page_size=2&page={page}").json()
        if not body["items"]:
            break
        seen += [item["id"] for item in body["items"]]
        page += 1
    # then it stops after the last, having read each once
    assert (page, len(seen), len(set(seen))) == (3, 3, 3)
    assert (body["page"], body["pages"], body["total"]) == (3, 2, 3)
    # while a person following an old link to page 9 sees the last page
    response = client.get("/demands/?page=9")
    assert response.status_code == 200
