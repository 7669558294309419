"""A declined payment for a place: the team page says so and offers to pay
again for the same place, until the place is given up at the end of the
payment window (then someone else may take it); the order page's "Try again"
and the deals API's pay-again pay the same place through the team."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import DomainError
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_orders_expire_unpaid
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers.base import PAYMENT_FAILED
from groupbuy.escrow.tests.factories import apply_event, event_for
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services import (
    team_complete,
    team_join,
    team_member_leave,
    team_member_payment_retry,
    team_open,
)
from groupbuy.teams.services.payments import MEMBER_PURPOSE
from groupbuy.teams.tests.factories import (
    TEAM_PRICE,
    expire_now,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db
S = TeamMember.Status


def _team_one_short():
    """A team of two whose opener paid."""
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    return team_deal, opener.team


def _decline(member: TeamMember) -> None:
    """Deliver the provider's answer: the member's payment is declined."""
    intent = PaymentIntent.objects.get(pk=member.order.payment_intent_id)
    apply_event(event_for(intent, event_type=PAYMENT_FAILED))
    member.refresh_from_db()
    member.order.refresh_from_db()


def _hh_mm(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _page(client, team: Team) -> str:
    response = client.get(f"/teams/t/{team.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_declined_payment_is_not_called_received_and_is_paid_again(client):
    # given a shopper put in any team, who declines on the sandbox's pay page
    team_deal, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    client.force_login(shopper)
    to_pay = client.post(f"/teams/deals/{team_deal.deal.public_id}/any/")
    member = TeamMember.objects.get(shopper=shopper)
    declined_intent = member.order.payment_intent
    assert to_pay["Location"] == f"/escrow/sandbox/pay/{declined_intent.public_id}/"
    back = client.post(to_pay["Location"], {"action": "decline"})
    assert back["Location"] == f"/teams/t/{team.public_id}/"
    # when they are back on the team page before the provider's answer
    page = _page(client, team)
    # then nothing says their payment was received: it is awaited
    assert "Payment received" not in page
    assert 'id="team-payment-waiting"' in page
    assert 'id="team-pay-again"' not in page
    # when the provider's answer declines it
    _decline(member)
    page = _page(client, team)
    # then the page says so and offers to pay again for the same place
    assert "Payment received" not in page
    pay_by = member.order.joined_at + timedelta(minutes=15)
    assert (
        f"Your payment was declined. Your place is kept for you until "
        f"{_hh_mm(pay_by)}: pay by then to keep it."
    ) in page
    assert f'action="/teams/t/{team.public_id}/pay-again/"' in page
    assert 'id="team-pay-again">Pay to keep your place</button>' in page
    # when they press it
    response = client.post(f"/teams/t/{team.public_id}/pay-again/")
    # then they go to the pay page of a new payment for the same place
    member.refresh_from_db()
    member.order.refresh_from_db()
    intent = member.order.payment_intent
    assert intent.pk != declined_intent.pk
    assert response["Location"] == f"/escrow/sandbox/pay/{intent.public_id}/"
    assert (intent.purpose, intent.reference) == (
        MEMBER_PURPOSE,
        member.order.public_id,
    )
    assert (intent.amount_fen, intent.status) == (
        TEAM_PRICE,
        PaymentIntent.Status.REQUIRES_PAYMENT,
    )
    assert intent.return_url == f"/teams/t/{team.public_id}/"
    assert member.status == S.PENDING
    team.refresh_from_db()
    assert team.member_count == 2
    # and paying it keeps the place: the team completes
    pay(member)
    assert member.status == S.PAID
    assert team_complete(team=team).state == Team.State.COMPLETE


def test_a_place_awaiting_payment_says_by_when_and_is_given_up_then(client):
    # given a shopper who took the last place of a team
    team_deal, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    pay_by = member.order.joined_at + timedelta(minutes=15)
    client.force_login(shopper)
    # then the team page says by when to pay, and what happens after
    assert (
        f"Pay by {_hh_mm(pay_by)} to keep your place: an unpaid place is given "
        "up then, for someone else to take."
    ) in _page(client, team)
    # when their payment is declined and the payment window ends unpaid
    _decline(member)
    expired = deal_orders_expire_unpaid(now=pay_by + timedelta(seconds=1))
    # then the place and its unit are given back
    assert expired == 1
    member.refresh_from_db()
    member.order.refresh_from_db()
    assert (member.status, member.order.status) == (
        S.CANCELLED,
        DealOrder.Status.CANCELLED,
    )
    assert member.order.cancel_reason == DealOrder.CancelReason.PAYMENT_EXPIRED
    team.refresh_from_db()
    team_deal.refresh_from_db()
    assert (team.state, team.member_count, team_deal.sold) == (Team.State.OPEN, 1, 1)
    # and someone else may take it
    assert team_join(actor=make_user(), team=team).status == S.PENDING


def test_a_declined_payment_past_its_window_is_not_offered_again(client):
    # given a shopper whose declined place's payment window has just ended,
    # before the expiry job gave it up
    _, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    _decline(member)
    DealOrder.objects.filter(pk=member.order_id).update(
        joined_at=timezone.now() - timedelta(minutes=16)
    )
    client.force_login(shopper)
    # when they look at the team
    page = _page(client, team)
    # then they are told the time ran out, not offered to pay
    assert (
        "Your payment was declined and the time to pay has run out: your place "
        "is given up."
    ) in page
    assert 'id="team-pay-again"' not in page and 'id="team-pay"' not in page


@pytest.mark.parametrize(
    "case, code",
    [
        ("payment_open", "payment_not_declined"),
        ("window_over", "payment_window_over"),
        ("team_expired", "team_expired"),
        ("someone_else", "not_found"),
    ],
)
def test_paying_again_is_refused_when_the_place_cannot_be_kept(case, code):
    # given a member of an open team whose payment was declined
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    actor = shopper
    if case != "payment_open":
        _decline(member)
    if case == "window_over":
        DealOrder.objects.filter(pk=member.order_id).update(
            joined_at=timezone.now() - timedelta(minutes=16)
        )
    elif case == "team_expired":
        expire_now(team)
    elif case == "someone_else":
        actor = make_user()
    intents = PaymentIntent.objects.count()
    # when they ask to pay again
    with pytest.raises(DomainError) as refusal:
        team_member_payment_retry(actor=actor, order=member.order)
    # then it is refused and no payment is made
    assert refusal.value.code == code
    assert PaymentIntent.objects.count() == intents


def test_paying_again_twice_makes_one_new_payment():
    # given a member whose payment was declined, and who paid again
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    _decline(member)
    order = team_member_payment_retry(actor=shopper, order=member.order)
    intents = PaymentIntent.objects.count()
    # when the same request comes again (a second tap)
    with pytest.raises(DomainError) as refusal:
        team_member_payment_retry(actor=shopper, order=member.order)
    # then nothing changes: the new payment stays the one to make
    assert refusal.value.code == "payment_not_declined"
    assert PaymentIntent.objects.count() == intents
    member.order.refresh_from_db()
    assert member.order.payment_intent_id == order.payment_intent_id


def test_the_order_pages_try_again_pays_the_same_place_through_the_team(client):
    # given a member whose payment was declined, on their place's order page
    _, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    _decline(member)
    client.force_login(shopper)
    order_page = client.get(f"/orders/{member.order.public_id}/").content.decode()
    assert 'id="pay-again"' in order_page
    # when they press "Try again" there
    response = client.post(f"/orders/{member.order.public_id}/pay-again/")
    # then the new payment is the team's, for the same place
    member.refresh_from_db()
    member.order.refresh_from_db()
    intent = member.order.payment_intent
    assert response["Location"] == f"/escrow/sandbox/pay/{intent.public_id}/"
    assert (intent.purpose, intent.reference, intent.amount_fen) == (
        MEMBER_PURPOSE,
        member.order.public_id,
        TEAM_PRICE,
    )
    # and paying it pays the place: the team completes, the order is confirmed
    pay(member)
    assert member.status == S.PAID
    assert team_complete(team=team).state == Team.State.COMPLETE
    member.order.refresh_from_db()
    assert member.order.status == DealOrder.Status.CONFIRMED


def test_the_api_pays_a_declined_place_again_through_the_team(client):
    # given a member whose payment was declined
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    _decline(member)
    _token, secret = api_token_create(actor=shopper)
    # when they ask the deals API for a new payment
    response = client.post(
        f"/api/deals/orders/{member.order.public_id}/pay-again",
        {},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # then it is a team payment for the same place
    assert response.status_code == 200, response.content
    member.order.refresh_from_db()
    intent = member.order.payment_intent
    assert response.json()["payment"]["intent_id"] == intent.public_id
    assert intent.purpose == MEMBER_PURPOSE


def test_the_order_page_offers_no_try_again_once_the_team_ran_out_of_time(client):
    # given a member whose payment was declined, in a team whose window ended
    # (its deal still open, the sweep not run yet)
    _, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    _decline(member)
    expire_now(team)
    client.force_login(shopper)
    # when they look at the order, or ask for a new payment anyway
    order_page = client.get(f"/orders/{member.order.public_id}/").content.decode()
    intents = PaymentIntent.objects.count()
    client.post(f"/orders/{member.order.public_id}/pay-again/")
    # then nothing is offered and nothing is made
    assert 'id="pay-again"' not in order_page
    assert PaymentIntent.objects.count() == intents


def test_a_place_given_up_as_its_shopper_pays_again_leaves_no_payment_open():
    # given a declined place, which the expiry job reads as it stands, and
    # whose shopper pays again before the job gives it up
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    _decline(member)
    read_by_the_job = DealOrder.objects.get(pk=member.order_id)
    order = team_member_payment_retry(actor=shopper, order=member.order)
    # when the job gives the place up with what it read
    team_member_leave(
        actor=None,
        order=read_by_the_job,
        reason=DealOrder.CancelReason.PAYMENT_EXPIRED,
        refund=False,
    )
    # then the place is given up and the new payment with it: it cannot be paid
    member.refresh_from_db()
    assert member.status == S.CANCELLED
    new_intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    assert new_intent.status == PaymentIntent.Status.CANCELLED
    assert not PaymentIntent.objects.filter(
        reference=order.public_id, status=PaymentIntent.Status.REQUIRES_PAYMENT
    ).exists()


def test_my_teams_says_a_declined_payment_may_be_paid_again_and_by_when(client):
    # given a member whose payment was declined, their place still kept
    _, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    _decline(member)
    client.force_login(shopper)
    # when they look at My teams
    listing = client.get("/teams/").content.decode()
    # then the place reads as the team page says it: declined, payable again
    # until the place is given up, not merely awaiting payment
    pay_by = member.order.joined_at + timedelta(minutes=15)
    assert (
        f"Payment declined: pay again by {_hh_mm(pay_by)} to keep your place"
    ) in listing
    assert "Awaiting payment" not in listing


def test_my_teams_says_a_declined_payment_past_its_window_cannot_be_paid(client):
    # given a member whose declined place's payment window has just ended,
    # before the expiry job gave it up
    _, team = _team_one_short()
    shopper = make_user(preferred_language="en")
    member = team_join(actor=shopper, team=team)
    _decline(member)
    DealOrder.objects.filter(pk=member.order_id).update(
        joined_at=timezone.now() - timedelta(minutes=16)
    )
    client.force_login(shopper)
    # when they look at My teams
    listing = client.get("/teams/").content.decode()
    # then they are told the time ran out, not that payment is awaited
    assert "Payment declined, the time to pay has run out" in listing
    assert "Awaiting payment" not in listing


def test_my_teams_over_the_api_says_a_payment_was_declined_and_by_when(client):
    # given a member whose payment was declined
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    _decline(member)
    _token, secret = api_token_create(actor=shopper)
    # when their app reads My teams
    response = client.get(
        "/api/teams/mine", headers={"Authorization": f"Bearer {secret}"}
    )
    # then the place is pending, its payment declined and payable again until
    # the place is given up (the deals API's pay-again makes the new payment)
    assert response.status_code == 200, response.content
    [item] = response.json()["items"]
    pay_by = member.order.joined_at + timedelta(minutes=15)
    assert (item["status"], item["payment"]["status"]) == ("pending", "failed")
    assert (item["payment_state"], item["can_pay_again"]) == ("declined", True)
    said = datetime.fromisoformat(item["pay_by"])  # to the millisecond
    assert pay_by - timedelta(milliseconds=1) < said <= pay_by


def test_a_declined_place_payment_leads_to_the_team_page_over_the_api(client):
    # given a member whose payment was declined
    _, team = _team_one_short()
    shopper = make_user()
    member = team_join(actor=shopper, team=team)
    _decline(member)
    headers = {"Authorization": f"Bearer {api_token_create(actor=shopper)[1]}"}
    # when their app reads My teams and the place's order
    [item] = client.get("/api/teams/mine", headers=headers).json()["items"]
    order = client.get(
        f"/api/deals/orders/{member.order.public_id}", headers=headers
    ).json()
    # then both payments lead to the team page, which offers to pay again for
    # the place, not to the declined payment's pay page
    team_page = f"http://testserver/teams/t/{team.public_id}/"
    assert item["payment"]["pay_url"] == team_page
    assert item["can_pay_again"] is True
    assert order["payment"]["pay_url"] == team_page
    assert order["payment"]["can_pay_again"] is True
    # and once the team's window has ended, the order says it cannot
    expire_now(team)
    order = client.get(
        f"/api/deals/orders/{member.order.public_id}", headers=headers
    ).json()
    assert order["payment"]["can_pay_again"] is False
