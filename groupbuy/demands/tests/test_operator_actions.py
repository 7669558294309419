"""An operator cancels a buyer demand that breaks the rules, or withdraws one
shop's offer on it: the services, the operator API and the operator's page."""

import pytest

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.demands import services
from groupbuy.demands.models import Demand, Offer, Participation
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_offer,
    make_owner_merchant,
    make_published,
    make_user,
)
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
State, Status = Demand.State, Participation.Status
REASON = "Counterfeit goods are not allowed."


def _operator():
    return make_user(is_staff=True, preferred_language="en")


def _refused(code, call, **kwargs):
    with pytest.raises(DomainError) as refusal:
        call(**kwargs)
    assert refusal.value.code == code
    return refusal.value


def test_an_operator_cancels_a_demand_refunding_everyone_with_the_reason():
    # given a published demand, a paid and an unpaid joiner, and a shop's offer
    demand = make_published()
    paid = join_and_pay(demand)
    unpaid, unpaid_intent = services.demand_join(
        actor=make_user(), demand=demand, quantity=1
    )
    offer = make_offer(demand)
    operator = _operator()
    # when an operator cancels it
    demand = services.demand_cancel_by_platform(
        actor=operator, demand=demand, reason=f"  {REASON}  "
    )
    # then every deposit goes back, as the initiator's own cancel does
    assert demand.state == State.CANCELLED
    assert set(demand.participations.values_list("status", flat=True)) == {
        Status.REFUNDED
    }
    assert balance("shopper_held", user=demand.initiator) == 0
    assert balance("shopper_held", user=paid.shopper) == 0
    unpaid_intent.refresh_from_db()
    assert unpaid_intent.status == PaymentIntent.Status.CANCELLED
    assert Refund.objects.count() == 2
    offer.refresh_from_db()
    assert offer.state == Offer.State.DECLINED
    assert_ledger_sound()
    # and the initiator and both joiners are told the reason, once each
    told = Notification.objects.filter(kind="demands.cancelled_by_platform")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [demand.initiator_id, paid.shopper_id, unpaid.shopper_id]
    )
    assert all(REASON in notice.body for notice in told)
    assert not Notification.objects.filter(kind="demands.closed").exists()
    # and it is audited with the reason and the refunds
    entry = AuditEntry.objects.get(action="demands.demand.cancelled_by_platform")
    assert entry.actor_id == operator.pk
    assert entry.data["reason"] == REASON
    assert sorted(entry.data["refunded_fen"].values()) == [0, 1_000, 1_500]


def test_an_operator_cannot_cancel_a_closed_demand_or_one_that_launched_a_deal():
    operator = _operator()
    # given a demand its initiator cancelled, and one whose offer was accepted
    cancelled = make_published()
    services.demand_cancel(actor=cancelled.initiator, demand=cancelled)
    accepted = make_published()
    join_and_pay(accepted)
    services.offer_accept(actor=accepted.initiator, offer=make_offer(accepted))
    refunds = Refund.objects.count()
    # when an operator tries to cancel them, then each is refused, nothing moves
    closed = _refused(
        "demand_closed",
        services.demand_cancel_by_platform,
        actor=operator,
        demand=cancelled,
        reason=REASON,
    )
    assert closed.status == 409
    launched = _refused(
        "offer_accepted",
        services.demand_cancel_by_platform,
        actor=operator,
        demand=accepted,
        reason=REASON,
    )
    assert "Stop that group buy instead" in launched.message
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED
    assert Refund.objects.count() == refunds
    assert not AuditEntry.objects.filter(
        action="demands.demand.cancelled_by_platform"
    ).exists()


def test_cancelling_needs_an_operator_and_a_reason():
    demand = make_published()
    _refused(
        "forbidden",
        services.demand_cancel_by_platform,
        actor=demand.initiator,
        demand=demand,
        reason=REASON,
    )
    blank = _refused(
        "invalid",
        services.demand_cancel_by_platform,
        actor=_operator(),
        demand=demand,
        reason="   ",
    )
    assert blank.fields == {"reason": [blank.message]}
    demand.refresh_from_db()
    assert demand.state == State.PUBLISHED


def test_an_operator_withdraws_a_shops_offer_and_the_shop_is_told_why():
    # given a demand with a joiner and two shops' offers
    demand = make_published()
    joiner = join_and_pay(demand)
    misleading = make_offer(demand)
    other = make_offer(demand, unit_price_fen=4_400)
    operator = _operator()
    # when an operator withdraws one
    offer = services.offer_withdraw_by_platform(
        actor=operator, offer=misleading, reason=REASON
    )
    # then it is withdrawn, the other stays open and the demand too
    assert offer.state == Offer.State.WITHDRAWN
    other.refresh_from_db()
    assert other.state == Offer.State.ACTIVE
    demand.refresh_from_db()
    assert demand.state == State.PUBLISHED
    # and the shop is told the reason, the buyers that the offer is gone
    (shop_told,) = Notification.objects.filter(
        kind="demands.offer_withdrawn_by_platform"
    )
    assert shop_told.recipient_id == misleading.created_by_id
    assert REASON in shop_told.body
    buyers_told = Notification.objects.filter(kind="demands.offer_withdrawn")
    assert set(buyers_told.values_list("recipient_id", flat=True)) == {
        demand.initiator_id,
        joiner.shopper_id,
    }
    entry = AuditEntry.objects.get(action="demands.offer.withdrawn_by_platform")
    assert (entry.actor_id, entry.data["reason"]) == (operator.pk, REASON)
    # and the buyers can no longer accept it
    _refused("offer_closed", services.offer_accept, actor=demand.initiator, offer=offer)


@pytest.mark.parametrize(
    ("how", "code"),
    [
        ("withdrawn", "offer_withdrawn"),
        ("accepted", "offer_accepted"),
        ("declined", "offer_closed"),
    ],
)
def test_an_offer_no_longer_open_cannot_be_withdrawn_by_an_operator(how, code):
    # given an offer its shop withdrew, one accepted, or one not chosen
    demand = make_published()
    join_and_pay(demand)
    merchant, owner = make_owner_merchant()
    offer = make_offer(demand, merchant=merchant, owner=owner)
    if how == "withdrawn":
        services.offer_withdraw(actor=owner, offer=offer)
    elif how == "accepted":
        services.offer_accept(actor=demand.initiator, offer=offer)
    else:
        services.demand_cancel(actor=demand.initiator, demand=demand)
    notices = Notification.objects.count()
    # when an operator tries to withdraw it, then it is refused, nothing told
    refusal = _refused(
        code,
        services.offer_withdraw_by_platform,
        actor=_operator(),
        offer=offer,
        reason=REASON,
    )
    assert refusal.status == 409
    assert Notification.objects.count() == notices
    assert not AuditEntry.objects.filter(
        action="demands.offer.withdrawn_by_platform"
    ).exists()


def _api(client, user, method, path, body=None):
    if user is not None:
        client.force_login(user)
    call = getattr(client, method)
    kwargs = {"headers": {"Accept-Language": "en"}}
    if method == "post":
        kwargs.update(data=body or {}, content_type="application/json")
    return call(f"/api/operator/demands/{path}", **kwargs)


def test_over_the_api_an_operator_reads_cancels_and_withdraws(client):
    # given a demand with a joiner and a shop's offer
    demand = make_published()
    join_and_pay(demand)
    offer = make_offer(demand)
    operator = _operator()
    # when an operator reads it, withdraws the offer, then cancels the demand
    read = _api(client, operator, "get", demand.public_id)
    withdrawn = _api(
        client, operator, "post", f"offers/{offer.public_id}/withdraw", {"reason": "x"}
    )
    cancelled = _api(
        client, operator, "post", f"{demand.public_id}/cancel", {"reason": REASON}
    )
    again = _api(
        client, operator, "post", f"{demand.public_id}/cancel", {"reason": REASON}
    )
    # then each answers as the page shows it, and a second cancel is refused
    assert read.status_code == 200
    body = read.json()
    assert (body["held_fen"], body["held_buyers"]) == (2_500, 2)
    assert [o["id"] for o in body["offers"]] == [offer.public_id]
    assert withdrawn.json()["state"] == "withdrawn"
    assert cancelled.status_code == 200
    assert cancelled.json()["demand"]["state"] == "cancelled"
    assert cancelled.json()["held_fen"] == 0
    assert again.status_code == 409
    assert again.json()["message"] == "This demand is already closed."


@pytest.mark.parametrize("who", ["anonymous", "initiator", "offering_owner", "owner"])
def test_only_an_operator_reads_cancels_or_withdraws_over_the_api(client, who):
    # given a demand with its shop's offer, and someone who is not an operator
    demand = make_published()
    merchant, offering_owner = make_owner_merchant()
    offer = make_offer(demand, merchant=merchant, owner=offering_owner)
    user = {
        "anonymous": None,
        "initiator": demand.initiator,
        "offering_owner": offering_owner,
        "owner": make_owner_merchant(name="Other Co")[1],
    }[who]
    # when they try each
    responses = [
        _api(client, user, "get", demand.public_id),
        _api(client, user, "post", f"{demand.public_id}/cancel", {"reason": "x"}),
        _api(
            client, user, "post", f"offers/{offer.public_id}/withdraw", {"reason": "x"}
        ),
    ]
    # then every one is refused, and nothing changed
    expected = 401 if user is None else 403
    assert [response.status_code for response in responses] == [expected] * 3
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.state, offer.state) == (State.PUBLISHED, Offer.State.ACTIVE)


def test_the_operators_page_cancels_with_a_confirm_step_and_refuses_others(client):
    # given a demand with a shop's offer
    demand = make_published()
    offer = make_offer(demand)
    operator = _operator()
    page = f"/operator/demands/{demand.public_id}/"
    # when a shopper or a shop owner opens the operator's page, they are refused
    client.force_login(demand.initiator)
    assert client.get(page).status_code == 403
    client.force_login(make_owner_merchant(name="Other Co")[1])
    assert client.post(f"{page}cancel/", {"reason": REASON}).status_code == 403
    # when the operator opens it, both actions ask first
    client.force_login(operator)
    shown = client.get(page).content.decode()
    assert 'id="operator-demand-cancel"' in shown
    assert "Withdraw this offer…" in shown
    # when they withdraw the offer, then cancel without a reason, then with one
    withdraw = f"/operator/demands/offers/{offer.public_id}/withdraw/"
    client.post(withdraw, {"reason": REASON})
    refused = client.post(f"{page}cancel/", {"reason": " "}, follow=True)
    done = client.post(f"{page}cancel/", {"reason": REASON}, follow=True)
    # then the offer is withdrawn, the blank reason refused, the demand cancelled
    offer.refresh_from_db()
    assert offer.state == Offer.State.WITHDRAWN
    assert "This field is required." in refused.content.decode()
    demand.refresh_from_db()
    assert demand.state == State.CANCELLED
    text = done.content.decode()
    assert "The demand is cancelled: ¥10.00 of deposits goes back to 1 buyer" in text
    assert 'id="operator-demand-cancel"' not in text
