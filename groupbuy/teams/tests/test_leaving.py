"""Leaving a team place: offered only where it can happen (the order page's
Cancel, the cancel page, the API's can_cancel, the team page's Leave), refused
with the reason once the team is complete, and a repeat lands on the order."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import Conflict
from groupbuy.deals.models import Deal as DealModel
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_order_cancel
from groupbuy.escrow.models import Refund
from groupbuy.notify.models import Notification
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.tests.factories import (
    TEAM_PRICE,
    assert_ledger_invariants,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db
OS = DealOrder.Status


def _complete_team():
    """A team of two that filled at once; returns its second member."""
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    joiner = team_join(actor=make_user(preferred_language="en"), team=opener.team)
    pay(joiner)
    team_complete(team=opener.team)  # (the job after commit, in tests)
    joiner.refresh_from_db()
    joiner.order.refresh_from_db()
    assert joiner.order.status == OS.CONFIRMED
    return joiner


def _paid_in_forming_team():
    team_deal = make_team_deal(team_size=3)
    member = team_open(actor=make_user(preferred_language="en"), team_deal=team_deal)
    pay(member)
    member.order.refresh_from_db()
    assert member.order.status == OS.PAID
    return member


def _assert_still_confirmed(member):
    member.order.refresh_from_db()
    member.refresh_from_db()
    assert member.order.status == OS.CONFIRMED
    assert member.status == TeamMember.Status.CONFIRMED
    assert member.order.refunded_fen == 0
    assert not Refund.objects.filter(intent=member.order.payment_intent).exists()


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def test_a_confirmed_team_order_is_refused_by_the_service_and_changes_nothing():
    # given a team that filled: its members' orders are confirmed
    member = _complete_team()
    # when its shopper cancels
    with pytest.raises(Conflict) as refusal:
        deal_order_cancel(actor=member.shopper, order=member.order)
    # then it is refused by name, and nothing moved
    assert refusal.value.code == "team_complete"
    _assert_still_confirmed(member)
    assert Team.objects.get(pk=member.team_id).state == Team.State.COMPLETE
    assert_ledger_invariants()


def test_a_confirmed_team_order_page_offers_no_cancel_and_the_cancel_page_says_why(
    client,
):
    member = _complete_team()
    client.force_login(member.shopper)
    order_url = f"/orders/{member.order.public_id}/"
    page = client.get(order_url).content.decode()
    assert 'id="order-cancel"' not in page
    cancel = client.get(f"{order_url}cancel/").content.decode()
    assert 'id="order-cancel-form"' not in cancel
    assert "Nothing has been charged" not in cancel
    assert (
        "Your team is complete and this order is confirmed, so it can no longer "
        "be cancelled." in cancel
    )


def test_confirming_the_cancel_of_a_confirmed_team_order_says_why_not_cancelled(
    client,
):
    member = _complete_team()
    client.force_login(member.shopper)
    response = client.post(f"/orders/{member.order.public_id}/cancel/")
    page = response.content.decode()
    assert response.status_code == 409
    assert "can no longer be cancelled" in page
    assert "Your order is cancelled." not in page
    assert not [str(m) for m in get_messages(response.wsgi_request)]
    _assert_still_confirmed(member)


def test_the_api_says_a_confirmed_team_order_cannot_be_cancelled_and_refuses_it(
    client,
):
    member = _complete_team()
    headers = _auth(member.shopper)
    url = f"/api/deals/orders/{member.order.public_id}"
    answer = client.get(url, headers=headers).json()
    assert (answer["status"], answer["can_cancel"]) == ("confirmed", False)
    response = client.post(f"{url}/cancel", headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "team_complete"
    _assert_still_confirmed(member)


def test_a_paid_place_in_a_forming_team_can_be_cancelled_for_a_refund(client):
    # given a paid place in a team still forming
    member = _paid_in_forming_team()
    client.force_login(member.shopper)
    order_url = f"/orders/{member.order.public_id}/"
    # then the order page offers the cancel, the API says so, and the
    # confirmation page names the refund, not "nothing charged"
    assert 'id="order-cancel"' in client.get(order_url).content.decode()
    api = client.get(
        f"/api/deals/orders/{member.order.public_id}", headers=_auth(member.shopper)
    ).json()
    assert api["can_cancel"] is True
    cancel = client.get(f"{order_url}cancel/").content.decode()
    assert "You get ¥79.00 back in full, and you leave the group buy." in cancel
    assert "Nothing has been charged" not in cancel
    # when the shopper confirms
    response = client.post(f"{order_url}cancel/")
    # then the place is left and refunded in full
    assert response.status_code == 302
    member.order.refresh_from_db()
    assert (member.order.status, member.order.refunded_fen) == (OS.REFUNDED, TEAM_PRICE)


def test_the_api_gives_can_cancel_only_to_the_shopper(client):
    # given a place its shopper may cancel
    from groupbuy.accounts.services import merchant_membership_add

    member = _paid_in_forming_team()
    owner, stranger = make_user(), make_user()
    merchant = member.team.team_deal.deal.merchant
    merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
    url = f"/api/deals/orders/{member.order.public_id}"
    # then the shop's staff see the order, with no cancel for them; a stranger
    # does not see it
    shop_answer = client.get(url, headers=_auth(owner))
    assert (shop_answer.status_code, shop_answer.json()["can_cancel"]) == (200, False)
    assert client.get(url, headers=_auth(stranger)).status_code == 404
    assert client.get(url, headers=_auth(member.shopper)).json()["can_cancel"] is True


def test_a_second_tap_on_confirm_lands_on_the_order_saying_it_is_cancelled(client):
    # given a paid place its shopper has just cancelled
    member = _paid_in_forming_team()
    client.force_login(member.shopper)
    cancel_url = f"/orders/{member.order.public_id}/cancel/"
    first = client.post(cancel_url)
    assert first.status_code == 302
    # when the same form is sent again (a double tap)
    second = client.post(cancel_url)
    # then it lands on the order page with the same success, refunded once
    assert second.status_code == 302
    assert second["Location"] == f"/orders/{member.order.public_id}/"
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        "Your order is cancelled.",
        "Your order is cancelled.",
    ]
    assert Refund.objects.filter(intent=member.order.payment_intent).count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Your order is cancelled." in page


def test_the_team_page_offers_a_paid_member_to_leave_for_a_refund(client):
    # given a paid place in a team still forming
    member = _paid_in_forming_team()
    client.force_login(member.shopper)
    team_url = f"/teams/t/{member.team.public_id}/"
    page = client.get(team_url).content.decode()
    assert "Leave the team (refund ¥79.00)" in page
    assert "You get ¥79.00 back in full, and your place goes to someone else." in page
    # when they leave (twice: a double tap)
    first = client.post(f"{team_url}leave/")
    second = client.post(f"{team_url}leave/")
    # then both land on the team page saying so, refunded once
    assert (first.status_code, first["Location"]) == (302, team_url)
    assert (second.status_code, second["Location"]) == (302, team_url)
    assert [str(m) for m in get_messages(second.wsgi_request)] == [
        "You left the team: ¥79.00 is refunded to you.",
        "You left the team: ¥79.00 is refunded to you.",
    ]
    member.order.refresh_from_db()
    assert (member.order.status, member.order.refunded_fen) == (OS.REFUNDED, TEAM_PRICE)
    assert Refund.objects.filter(intent=member.order.payment_intent).count() == 1
    assert "Leave the team" not in client.get(team_url).content.decode()


def test_an_unpaid_member_leaves_with_nothing_charged(client):
    team_deal = make_team_deal(team_size=3)
    member = team_open(actor=make_user(preferred_language="en"), team_deal=team_deal)
    client.force_login(member.shopper)
    team_url = f"/teams/t/{member.team.public_id}/"
    page = client.get(team_url).content.decode()
    assert 'id="team-leave-open">Leave the team</summary>' in page
    response = client.post(f"{team_url}leave/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You left the team; nothing was charged."
    ]
    member.order.refresh_from_db()
    assert member.order.status == OS.CANCELLED


def test_leaving_a_paid_place_leaves_a_receipt_in_the_inbox_once(
    client, django_capture_on_commit_callbacks
):
    # given a paid place in a team still forming, and an unpaid one in another
    member = _paid_in_forming_team()
    unpaid = team_open(
        actor=make_user(preferred_language="en"), team_deal=make_team_deal()
    )
    team_url = f"/teams/t/{member.team.public_id}/"
    # when each leaves (the paid one twice: a double tap)
    client.force_login(member.shopper)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{team_url}leave/")
        client.post(f"{team_url}leave/")
    client.force_login(unpaid.shopper)
    client.post(f"/teams/t/{unpaid.team.public_id}/leave/")
    # then the paid one finds one receipt of the refund in the inbox
    [receipt] = Notification.objects.filter(kind="teams.left")
    assert receipt.recipient == member.shopper
    assert receipt.title == f"You left the team: {member.team.team_deal.deal.title}"
    assert receipt.body == (
        "¥79.00 is refunded to you in full, the way you paid. Your place went "
        "back to the team for someone else."
    )
    assert (receipt.url, receipt.data["refunded_fen"]) == (team_url, TEAM_PRICE)
    # and the unpaid one, charged nothing, gets none
    assert not Notification.objects.filter(recipient=unpaid.shopper).exists()


def test_a_complete_team_offers_no_leave_and_refuses_one(client):
    member = _complete_team()
    client.force_login(member.shopper)
    team_url = f"/teams/t/{member.team.public_id}/"
    assert 'id="team-leave' not in client.get(team_url).content.decode()
    response = client.post(f"{team_url}leave/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your team is complete and this order is confirmed, so it can no longer "
        "be cancelled."
    ]
    _assert_still_confirmed(member)


@pytest.mark.parametrize("who", ["another shopper", "the shop's owner"])
def test_only_the_member_can_leave_their_place(client, who):
    member = _paid_in_forming_team()
    deal = member.team.team_deal.deal
    other = make_user()
    if who == "the shop's owner":
        from groupbuy.accounts.services import merchant_membership_add

        merchant_membership_add(
            actor=None, user=other, merchant=deal.merchant, role="owner"
        )
    client.force_login(other)
    response = client.post(f"/teams/t/{member.team.public_id}/leave/")
    assert response.status_code == 404
    member.order.refresh_from_db()
    assert member.order.status == OS.PAID


def test_the_account_deletion_refusal_names_the_leave_the_team_page_offers(client):
    # given a paid place in a team still forming
    from groupbuy.teams.personal_data import TeamsPersonalData

    member = _paid_in_forming_team()
    # then deleting the account is refused, telling them to leave the team…
    (blocker,) = TeamsPersonalData().erasure_blockers(member.shopper)
    assert "leave the team" in blocker
    # …which the team's page offers them
    client.force_login(member.shopper)
    page = client.get(f"/teams/t/{member.team.public_id}/").content.decode()
    assert 'id="team-leave-form"' in page


def test_an_english_member_reads_what_a_chinese_titled_team_buy_sells(client):
    # given a paid place in a team buy the shop titled in Chinese
    member = _paid_in_forming_team()
    DealModel.objects.filter(pk=member.team.team_deal.deal_id).update(title="花茶团")
    client.force_login(member.shopper)
    # when they leave
    client.post(f"/teams/t/{member.team.public_id}/leave/")
    # then the receipt names the product in English beside the Chinese title
    left = Notification.objects.get(recipient=member.shopper, kind="teams.left")
    assert left.title == "You left the team: 花茶团 (Jasmine tea)"
    assert left.text_in("zh-hans")[0].endswith("花茶团")
