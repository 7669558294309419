"""What a merchant sees of pooling: per promotion and per day, owners and
operators only (a cashier sees the promotions without their figures)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.pooling import services
from groupbuy.pooling.models import Pool, PoolRequest
from groupbuy.pooling.tests.factories import (
    auth,
    make_promotion,
    make_request,
    make_shop,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity():
    """At one shop: 180 + 120 pooled and confirmed for 300 − 50, a 60 still
    waiting; a second promotion nobody asked for."""
    merchant, branch, owner = make_shop()
    quiet = make_promotion(
        merchant=merchant, owner=owner, kind="n_for_m", buy_n=3, pay_m=2
    )
    busy = make_promotion(merchant=merchant, owner=owner)
    users = [make_user() for _ in range(3)]
    for user, amount in zip(users, (18_000, 12_000, 6_000), strict=True):
        make_request(user=user, promotion=busy, branch=branch, amount_fen=amount)
    [pool] = services.pools_match(branch_id=branch.pk, promotion_id=busy.pk)
    for member in pool.members.all():
        services.pool_answer(actor=member.user, pool=pool, accept=True)
    assert Pool.objects.get(pk=pool.pk).state == Pool.State.CONFIRMED
    return {"merchant": merchant, "owner": owner, "busy": busy, "quiet": quiet}


def test_the_figures_count_requests_pools_and_savings(client, activity):
    response = client.get(
        f"/api/pooling/merchants/{activity['merchant'].public_id}/figures",
        {"days": 7},
        headers=auth(activity["owner"]),
    )
    assert response.status_code == 200
    figures = response.json()
    rows = {row["promotion_id"]: row for row in figures["promotions"]["items"]}
    busy = rows[activity["busy"].public_id]
    assert (busy["requests"], busy["pools"], busy["confirmed"]) == (3, 1, 1)
    assert busy["saving_fen"] == 5_000
    quiet = rows[activity["quiet"].public_id]
    assert (quiet["requests"], quiet["pools"], quiet["saving_fen"]) == (0, 0, 0)
    # one row a day, today last with today's activity
    assert len(figures["days"]) == 7
    today = figures["days"][-1]
    assert today["date"] == timezone.localdate().isoformat()
    assert (today["requests"], today["confirmed"], today["saving_fen"]) == (
        3,
        1,
        5_000,
    )
    assert all(day["requests"] == 0 for day in figures["days"][:-1])


def test_the_promotions_page_shows_the_figures_and_charts(client, activity):
    client.force_login(activity["owner"])
    page = client.get(
        f"/pooling/merchant/{activity['merchant'].public_id}/promotions/"
    ).content.decode()
    assert page.count('class="promotion"') == 2
    assert "¥50.00" in page
    assert page.count('class="chart"') == 2


@pytest.mark.parametrize("who", ["shopper", "another merchant's owner"])
def test_another_user_or_merchant_cannot_see_the_figures(client, activity, who):
    intruder = make_shop(name="Other")[2] if who != "shopper" else make_user()
    merchant_id = activity["merchant"].public_id
    response = client.get(
        f"/api/pooling/merchants/{merchant_id}/figures", headers=auth(intruder)
    )
    assert response.status_code == 403
    assert "saving_fen" not in response.content.decode()
    client.force_login(intruder)
    assert client.get(f"/pooling/merchant/{merchant_id}/promotions/").status_code == 403


def test_an_unknown_merchant_is_404(client, activity):
    response = client.get(
        "/api/pooling/merchants/mer_nosuch/figures", headers=auth(activity["owner"])
    )
    assert response.status_code == 404


def test_the_promotions_are_paged_not_cut_off_at_the_newest_50(
    client, activity, settings
):
    settings.GROUPBUY_PAGE_SIZE = 3
    merchant, owner = activity["merchant"], activity["owner"]
    for _ in range(2):  # 4 promotions with the fixture's two
        make_promotion(merchant=merchant, owner=owner)
    client.force_login(owner)
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    assert client.get(url).content.decode().count('class="promotion"') == 3
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="promotion"') == 1
    assert activity["quiet"].title in second  # the oldest, with its figures
    api = f"/api/pooling/merchants/{merchant.public_id}/figures?page=2"
    promotions = client.get(api, headers=auth(owner)).json()["promotions"]
    assert (promotions["total"], promotions["pages"]) == (4, 2)
    assert [row["promotion_id"] for row in promotions["items"]] == [
        activity["quiet"].public_id
    ]


def test_the_console_menu_leads_to_the_promotions_and_they_sit_in_the_console(
    client, activity
):
    # Nothing linked to this page: a merchant could publish a promotion only by
    # typing its address.
    merchant = activity["merchant"]
    client.force_login(activity["owner"])
    dashboard = client.get(f"/merchant/{merchant.public_id}/").content.decode()
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    assert f'href="{url}"' in dashboard
    page = client.get(url).content.decode()
    assert 'aria-current="page" id="merchant-nav-promotions"' in page


def _cashier(merchant, *, branch=None):
    from groupbuy.accounts.services import merchant_membership_add

    cashier = make_user()
    merchant_membership_add(
        actor=None, user=cashier, merchant=merchant, role="cashier", branch=branch
    )
    return cashier


def test_a_branch_cashier_publishes_for_their_branch_only(client, activity):
    # A cashier was offered "All branches" and every branch, and told on
    # submitting that only the merchant's staff may publish.
    from groupbuy.catalog.models import Branch
    from groupbuy.pooling.models import Promotion

    merchant = activity["merchant"]
    mine = Branch.objects.get(merchant=merchant)
    other = Branch.objects.create(merchant=merchant, name="East", address="2 Road")
    client.force_login(_cashier(merchant, branch=mine))
    url = f"/pooling/merchant/{merchant.public_id}/promotions/"
    form = client.get(url).content.decode()
    assert f'value="{mine.public_id}"' in form
    assert f'value="{other.public_id}"' not in form
    assert 'value=""' not in form.split('name="branch"')[1].split("</select>")[0]
    offer = {"title": "满100减10", "kind": "threshold", "tiers": "100-10", "days": 3}
    refused = client.post(url, {**offer, "branch": other.public_id})
    assert (
        refused.status_code == 200
        and not Promotion.objects.filter(title="满100减10").exists()
    )
    assert client.post(url, {**offer, "branch": mine.public_id}).status_code == 302
    assert Promotion.objects.get(title="满100减10").branch == mine


def test_a_cashier_of_no_branch_is_told_who_may_publish(client, activity):
    merchant = activity["merchant"]
    client.force_login(_cashier(merchant))
    page = client.get(f"/pooling/merchant/{merchant.public_id}/promotions/")
    html = page.content.decode()
    assert 'id="promotion-form"' not in html and 'id="promotion-publishers"' in html


def _people(activity) -> dict:
    """Who may ask for the shop's figures: its owner, a cashier of its branch, an
    operator, another merchant's owner."""
    from groupbuy.catalog.models import Branch
    from groupbuy.catalog.tests.factories import make_operator

    merchant = activity["merchant"]
    branch = Branch.objects.get(merchant=merchant)
    return {
        "owner": activity["owner"],
        "cashier": _cashier(merchant, branch=branch),
        "operator": make_operator(),
        "other owner": make_shop(name="Other")[2],
    }


def test_only_owners_and_operators_read_the_figures_in_the_api(client, activity):
    # given the shop's people, and the body of every owners-only refusal
    people = _people(activity)
    merchant_id = activity["merchant"].public_id
    owners_only = client.get(
        f"/api/catalog/merchants/{merchant_id}/staff", headers=auth(people["cashier"])
    )
    # when each asks for the figures
    responses = {
        who: client.get(
            f"/api/pooling/merchants/{merchant_id}/figures", headers=auth(user)
        )
        for who, user in people.items()
    }
    # then the owner and the operator read them, the cashier gets the owners'
    # refusal and sees no figure
    assert {who: r.status_code for who, r in responses.items()} == {
        "owner": 200,
        "cashier": 403,
        "operator": 200,
        "other owner": 403,
    }
    assert responses["operator"].json() == responses["owner"].json()
    assert responses["cashier"].json() == owners_only.json()
    assert responses["cashier"].json()["code"] == "forbidden"
    assert "saving_fen" not in responses["other owner"].content.decode()


def test_a_cashier_publishes_and_ends_on_the_promotions_page_but_sees_no_figures(
    client, activity
):
    # given the shop's people
    people = _people(activity)
    url = f"/pooling/merchant/{activity['merchant'].public_id}/promotions/"
    figure_marks = ('id="promotion-charts"', 'id="promotion-figures"', "¥50.00")
    pages = {}
    # when each opens the promotions page
    for who, user in people.items():
        client.force_login(user)
        pages[who] = client.get(url)
    # then the owner and the operator see the figures and charts
    for who in ("owner", "operator"):
        html = pages[who].content.decode()
        assert pages[who].status_code == 200
        assert all(mark in html for mark in figure_marks), who
        assert html.count('class="chart"') == 2
    # the cashier still sees the promotions and the form, without any figure
    cashier = pages["cashier"].content.decode()
    assert pages["cashier"].status_code == 200
    assert cashier.count('class="promotion"') == 2
    assert activity["busy"].title in cashier
    assert 'id="promotion-form"' in cashier
    assert not any(mark in cashier for mark in figure_marks)
    assert 'class="chart"' not in cashier
    # another merchant's owner is refused the page as before
    assert pages["other owner"].status_code == 403


def _figures(client, activity) -> tuple[dict, dict]:
    """(the busy promotion's row, today's row) of the owner's figures."""
    figures = client.get(
        f"/api/pooling/merchants/{activity['merchant'].public_id}/figures",
        {"days": 7},
        headers=auth(activity["owner"]),
    ).json()
    rows = {row["promotion_id"]: row for row in figures["promotions"]["items"]}
    return rows[activity["busy"].public_id], figures["days"][-1]


@pytest.mark.parametrize(
    ("window_opens_in", "saved_fen"),
    [(timedelta(hours=2), 0), (-timedelta(minutes=30), 5_000)],
    ids=["ended before they could shop", "ended while they could shop"],
)
def test_savings_count_only_where_the_promotion_ran_when_the_pool_could_shop(
    client, activity, window_opens_in, saved_fen
):
    # given the confirmed pool's shared shopping window opening then
    pool = Pool.objects.get(promotion=activity["busy"])
    PoolRequest.objects.filter(memberships__pool=pool).update(
        window_start_at=timezone.now() + window_opens_in
    )
    # when the shop ends the promotion now
    services.promotion_end(actor=activity["owner"], promotion=activity["busy"])
    # then the pool still counts as confirmed, but its saving only if the till
    # could still give it when the members could shop together
    busy, today = _figures(client, activity)
    assert (busy["confirmed"], busy["saving_fen"]) == (1, saved_fen)
    assert (today["confirmed"], today["saving_fen"]) == (1, saved_fen)


def test_the_page_says_which_savings_are_counted(client, activity):
    owner = activity["owner"]
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    page = client.get(
        f"/pooling/merchant/{activity['merchant'].public_id}/promotions/"
    ).content.decode()
    assert (
        "Shoppers saved: the savings of confirmed pools whose promotion was still "
        "running when their members could first shop together."
    ) in page
