"""An operator closes or stops a group buy from its page in the console."""

import pytest

from groupbuy.core.models import AuditEntry
from groupbuy.core.money import format_fen
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def test_the_page_shows_the_deal_and_stops_it_with_a_reason(client):
    # given a paid order of an open group buy
    order = join_and_pay(make_deal())
    deal = order.deal
    page_url = f"/operator/deals/{deal.public_id}/"
    client.force_login(_operator())
    # when the operator opens the deal's page
    page = client.get(page_url).content.decode()
    # then it names its merchant, links its order and says what stopping gives back
    assert deal.merchant.display_name in page
    assert f'href="/operator/orders/{order.public_id}/"' in page
    stop = page.split('id="operator-deal-stop"', 1)[1].split("</details>", 1)[0]
    amount = format_fen(order.amount_fen)
    assert f"{amount} goes back in full to 1 buyer" in stop
    # when the operator stops it with a reason
    response = client.post(
        f"{page_url}stop/", {"reason": "Counterfeit goods"}, follow=True
    )
    # then it is stopped, its buyer refunded and told, and the page says so
    order.refresh_from_db()
    assert response.redirect_chain[-1][0] == page_url
    assert order.status == DealOrder.Status.REFUNDED
    assert "The group buy is stopped" in response.content.decode()
    assert Notification.objects.filter(
        recipient=order.shopper, kind="deals.deal.stopped"
    ).exists()
    assert AuditEntry.objects.get(action="deals.deal.stopped").data["reason"] == (
        "Counterfeit goods"
    )
    # and a second click changes nothing and says so
    again = client.post(f"{page_url}stop/", {"reason": "Again"}, follow=True)
    assert "This group buy has already closed." in again.content.decode()
    assert AuditEntry.objects.filter(action="deals.deal.stopped").count() == 1


def test_stopping_wants_a_reason(client):
    deal = make_deal()
    client.force_login(_operator())
    response = client.post(
        f"/operator/deals/{deal.public_id}/stop/", {"reason": ""}, follow=True
    )
    deal.refresh_from_db()
    assert deal.state == Deal.State.OPEN
    assert "This field is required." in response.content.decode()


def test_close_now_closes_at_the_tier_reached(client):
    # given two paid orders: the first tier (2 buyers, ¥99.00) is reached
    deal = make_deal()
    join_and_pay(deal)
    join_and_pay(deal)
    client.force_login(_operator())
    # when
    response = client.post(f"/operator/deals/{deal.public_id}/close/", follow=True)
    # then
    deal.refresh_from_db()
    assert deal.final_price_fen == 9_900
    assert "each unit costs ¥99.00" in response.content.decode()


def test_the_order_page_the_look_up_and_the_person_page_link_to_the_deal(client):
    order = join_and_pay(make_deal())
    client.force_login(_operator())
    deal_link = f'href="/operator/deals/{order.deal.public_id}/"'
    order_page = client.get(f"/operator/orders/{order.public_id}/")
    found = client.get("/operator/lookup/", {"q": order.public_id})
    person_page = client.get(f"/operator/people/{order.shopper.public_id}/")
    assert deal_link in order_page.content.decode()
    assert deal_link in found.content.decode()
    assert deal_link in person_page.content.decode()


@pytest.mark.parametrize("who", ["shopper", "own owner", "other owner"])
def test_only_operators_open_or_act_on_the_page(client, who):
    # given a shopper, the deal's own owner and another shop's owner
    owner = make_user()
    deal = make_deal(merchant=make_merchant(owner=owner))
    client.force_login(
        {
            "shopper": make_user(),
            "own owner": owner,
            "other owner": make_merchant(owner=make_user()).memberships.get().user,
        }[who]
    )
    base = f"/operator/deals/{deal.public_id}/"
    # when
    answers = [
        client.get(base).status_code,
        client.post(f"{base}close/").status_code,
        client.post(f"{base}stop/", {"reason": "No"}).status_code,
    ]
    # then
    deal.refresh_from_db()
    assert answers == [403, 403, 403]
    assert deal.state == Deal.State.OPEN


def test_the_look_up_finds_a_group_buy_by_its_number(client):
    # given a group buy, and another
    deal = make_deal(title="Longjing tea")
    make_deal(title="Rice")
    client.force_login(_operator())
    # when the operator looks its number up
    page = client.get("/operator/lookup/", {"q": deal.public_id}).content.decode()
    # then it is listed, linked to its page, and the other is not
    found = page.split('id="lookup-deals"', 1)[1].split("</section>", 1)[0]
    assert f'href="/operator/deals/{deal.public_id}/"' in found
    assert "Longjing tea" in found
    assert "Rice" not in found


def test_closing_a_team_buy_says_how_its_teams_end(client):
    from groupbuy.teams.tests.factories import make_team_deal

    deal = make_team_deal().deal
    client.force_login(_operator())
    page = client.get(f"/operator/deals/{deal.public_id}/").content.decode()
    close = page.split('id="operator-deal-close"', 1)[1].split("</details>", 1)[0]
    assert "a full team whose members have all paid is confirmed" in close


def test_a_stopped_deal_gives_who_stopped_it_and_why_with_a_chinese_colon(client):
    # given a group buy an operator who reads Chinese stopped with a reason
    deal = make_deal()
    client.force_login(make_user(is_staff=True, preferred_language="zh-hans"))
    page_url = f"/operator/deals/{deal.public_id}/"
    client.post(f"{page_url}stop/", {"reason": "假货"})
    # when they open its page
    page = client.get(page_url).content.decode()
    # then the reason follows who stopped it after a full-width colon
    stopped_by = page.split('id="operator-deal-stopped-by">', 1)[1].split("</dd>")[0]
    assert stopped_by.endswith("：“假货”")
    assert ": " not in stopped_by
