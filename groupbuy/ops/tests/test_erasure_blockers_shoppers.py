"""A shopper is not erased while money they paid waits on something unfinished:
a paid order in a group buy, a paid place in a team, a deposit in someone
else's demand, a coupon not used yet. Finished, refunded and used ones do not
hold the erasure back."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db.models import QuerySet
from django.utils import timezone, translation

from groupbuy.accounts.models import User
from groupbuy.accounts.services import api_token_create
from groupbuy.coupons.models import Coupon, DealCouponTerms
from groupbuy.coupons.tests.factories import confirmed_orders, coupon_for
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_join, deal_order_cancel
from groupbuy.deals.tests.factories import join_and_pay, make_deal, make_merchant
from groupbuy.demands.models import Demand, Participation
from groupbuy.demands.services import demand_join, demand_withdraw, offer_accept
from groupbuy.demands.tests.factories import join_and_pay as join_demand_and_pay
from groupbuy.demands.tests.factories import make_offer, make_published
from groupbuy.escrow.models import PaymentIntent
from groupbuy.ops import services
from groupbuy.ops.models import ErasureRequest
from groupbuy.ops.services import erasure_request, erasures_perform_due
from groupbuy.teams.models import TeamMember
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import make_team_deal
from groupbuy.teams.tests.factories import pay as pay_place

pytestmark = pytest.mark.django_db

# Asking to be erased takes the account's password.
WITH_PASSWORD = {"password": "long-enough-pw"}

PAID_ORDER = (
    "You have paid into the group buy “Jasmine tea 500 g”, which has not "
    "finished: cancel your order while it is open, or wait until it ends, "
    "before this account is deleted."
)
PAID_PLACE = (
    "You have paid for a place in a team for “Jasmine tea 500 g”, which has not "
    "filled yet: leave the team, or wait until it fills or its time runs out, "
    "before this account is deleted."
)
HELD_DEPOSIT = (
    "Your deposit for the demand “有机牛奶 Organic milk” is still held: leave "
    "the demand (the deposit comes back to you), or wait until it ends, before "
    "this account is deleted."
)


def bearer(user) -> dict:
    return {
        "Authorization": f"Bearer {api_token_create(actor=user)[1]}",
        "Accept-Language": "en",
    }


@pytest.fixture
def shopper():
    return User.objects.create_user(
        "+8613955557777",
        "long-enough-pw",
        preferred_language="en",
        phone_verified_at=timezone.now(),
    )


def assert_not_erased(user) -> None:
    user.refresh_from_db()
    assert user.is_active and user.phone == "+8613955557777"


def test_a_paid_order_in_an_open_group_buy_holds_the_erasure(client, shopper):
    # given a paid order in an open group buy
    order = join_and_pay(make_deal(), shopper=shopper)

    # when they ask over the API
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then they are told what to finish first, and nothing is recorded
    assert answer.status_code == 409
    assert answer.json() == {
        "code": "erasure_blocked",
        "message": PAID_ORDER,
        "fields": {},
        "blockers": [PAID_ORDER],
    }
    assert not ErasureRequest.objects.exists()
    assert_not_erased(shopper)
    # and once they cancel the order (refunded), they may ask
    deal_order_cancel(actor=shopper, order=order)
    assert DealOrder.objects.get(pk=order.pk).status == DealOrder.Status.REFUNDED
    again = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    assert again.status_code == 202


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_data_page_says_which_group_buy_to_finish(client, shopper, language):
    # given a paid order in an open group buy, in the person's language
    User.objects.filter(pk=shopper.pk).update(preferred_language=language)
    join_and_pay(make_deal(), shopper=shopper)
    client.force_login(shopper)

    # when they press "Delete my account"
    answer = client.post("/account/data/erasure/", WITH_PASSWORD)

    # then the page tells them, in their language, and records nothing
    assert answer.status_code == 302
    with translation.override(language):
        shown = translation.gettext(
            PAID_ORDER.replace("Jasmine tea 500 g", "%(deal)s")
        ) % {"deal": "Jasmine tea 500 g"}
    assert [str(m) for m in get_messages(answer.wsgi_request)] == [shown]
    assert not ErasureRequest.objects.exists()
    assert_not_erased(shopper)


def test_unpaid_and_refunded_orders_do_not_hold_it(client, shopper):
    # given an order never paid, and one paid then refunded
    deal = make_deal()
    deal_join(actor=shopper, deal=deal, quantity=1)
    refunded = join_and_pay(make_deal(title="Oolong"), shopper=shopper)
    deal_order_cancel(actor=shopper, order=refunded)

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then the request is recorded
    assert answer.status_code == 202


def test_a_payment_made_but_not_confirmed_yet_holds_it(client, shopper):
    # given an order, a team place and a deposit each paid on the provider's
    # page, the provider's answer still on its way
    order = deal_join(actor=shopper, deal=make_deal(), quantity=1)
    place = team_open(actor=shopper, team_deal=make_team_deal())
    _participation, deposit = demand_join(
        actor=shopper, demand=make_published(), quantity=1
    )
    intents = [order.payment_intent_id, place.order.payment_intent_id, deposit.pk]
    PaymentIntent.objects.filter(pk__in=intents).update(submitted_at=timezone.now())

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then each is named: the money is on its way
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [PAID_ORDER, PAID_PLACE, HELD_DEPOSIT]
    assert not ErasureRequest.objects.exists()


def test_a_paid_team_place_holds_it_until_they_leave(client, shopper):
    # given a paid place in a team still forming
    place = team_open(actor=shopper, team_deal=make_team_deal())
    pay_place(place)
    assert place.status == TeamMember.Status.PAID

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then the team is named (once: its order is the team's, not the deal's)
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [PAID_PLACE]
    assert not ErasureRequest.objects.exists()
    # and once they leave the team (refunded), they may ask
    deal_order_cancel(actor=shopper, order=place.order)
    place.refresh_from_db()
    assert place.status == TeamMember.Status.REFUNDED
    assert client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    ).status_code == (202)


def test_a_deposit_held_in_someone_elses_demand_holds_it(client, shopper):
    # given a deposit paid into another buyer's open demand
    demand = make_published()
    participation = join_demand_and_pay(demand, shopper)
    assert participation.status == Participation.Status.ACTIVE

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then the demand is named
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [HELD_DEPOSIT]
    assert not ErasureRequest.objects.exists()
    # and once they leave it (the deposit comes back), they may ask
    demand_withdraw(actor=shopper, demand=demand)
    assert client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    ).status_code == (202)


def test_a_deposit_applied_to_an_order_not_paid_yet_holds_it(client, shopper):
    # given a deposit in a demand whose offer was accepted: the deposit went to
    # an order in the deal that opened, the rest not paid yet
    demand = make_published()
    join_demand_and_pay(demand, shopper)
    offer_accept(actor=demand.initiator, offer=make_offer(demand))
    order = DealOrder.objects.get(shopper=shopper)
    assert order.status == DealOrder.Status.PENDING_PAYMENT

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then the group buy is named, once (the deposit is the order's now)
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [
        PAID_ORDER.replace("Jasmine tea 500 g", order.deal.title)
    ]
    assert not ErasureRequest.objects.exists()


def test_their_own_open_demand_does_not_hold_it_and_is_cancelled(client, shopper):
    # given a demand they started, their own deposit held
    demand = make_published(initiator=shopper)

    # when they ask, and the request is performed
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    assert answer.status_code == 202
    assert erasures_perform_due(now=timezone.now() + timedelta(days=8)) == 1

    # then the demand is cancelled and every deposit given back
    demand.refresh_from_db()
    assert demand.state == Demand.State.CANCELLED
    assert set(demand.participations.values_list("status", flat=True)) == {
        Participation.Status.REFUNDED
    }


def test_a_coupon_not_used_yet_holds_it_a_used_or_expired_one_does_not(client, shopper):
    # given a confirmed order whose coupon is still to be used
    (order,) = confirmed_orders(make_merchant(name="Tea House"), quantities=(1,))
    DealOrder.objects.filter(pk=order.pk).update(shopper=shopper)
    coupon = coupon_for(order)
    Coupon.objects.filter(pk=coupon.pk).update(shopper=shopper)
    expiry = timezone.localdate(coupon.expires_at).isoformat()

    # when they ask
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )

    # then the coupon is named, with how to finish it
    assert answer.status_code == 409
    assert answer.json()["blockers"] == [
        f"Your coupon {coupon.serial} for Tea House is paid for and not used yet: "
        "use it at the shop or refund it before this account is deleted."
    ]
    # (a deal whose coupons cannot be refunded says to wait for the expiry)
    DealCouponTerms.objects.create(deal=order.deal, unused_refundable=False)
    answer = client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    )
    assert answer.json()["blockers"] == [
        f"Your coupon {coupon.serial} for Tea House is paid for and not used yet: "
        f"use it at the shop, or wait until it expires on {expiry}, before this "
        "account is deleted."
    ]
    # and a coupon past its expiry (not swept yet), or used up, holds nothing
    Coupon.objects.filter(pk=coupon.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    ).status_code == (202)
    ErasureRequest.objects.all().delete()
    Coupon.objects.filter(pk=coupon.pk).update(
        expires_at=timezone.now() + timedelta(days=30),
        status=Coupon.Status.REDEEMED,
        redeemed_quantity=1,
    )
    assert client.post(
        "/api/me/data/erasure",
        WITH_PASSWORD,
        content_type="application/json",
        headers=bearer(shopper),
    ).status_code == (202)


def test_paying_during_the_grace_period_holds_the_job_and_erases_nothing(
    client, shopper
):
    # given a request recorded, then a paid order in an open group buy
    request = erasure_request(actor=shopper)
    order = join_and_pay(make_deal(), shopper=shopper)
    held = PaymentIntent.objects.get(pk=order.payment_intent_id).amount_fen

    # when the request falls due
    performed = erasures_perform_due(now=timezone.now() + timedelta(days=8))

    # then it stays pending, and nothing of theirs is erased or moved
    assert performed == 0
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.PENDING
    assert_not_erased(shopper)
    order.refresh_from_db()
    assert order.status == DealOrder.Status.PAID
    intent = PaymentIntent.objects.get(pk=order.payment_intent_id)
    assert intent.remaining_held_fen == held


def test_the_person_is_locked_before_their_blockers_are_read(monkeypatch, shopper):
    # given a spy on row locks, and on when the blockers are read
    locked, seen_by_the_check = [], []
    select_for_update = QuerySet.select_for_update

    def spying(queryset, *args, **kwargs):
        locked.append(queryset.model._meta.label)
        return select_for_update(queryset, *args, **kwargs)

    refuse_while_blocked = services._refuse_while_blocked

    def checking(user):
        seen_by_the_check.append(list(locked))
        refuse_while_blocked(user)

    monkeypatch.setattr(QuerySet, "select_for_update", spying)
    monkeypatch.setattr(services, "_refuse_while_blocked", checking)

    # when they ask, and the request falls due
    erasure_request(actor=shopper)
    locked.clear()
    assert erasures_perform_due(now=timezone.now() + timedelta(days=8)) == 1

    # then each check ran with the person's row locked first (a join or payment
    # that takes the same lock waits for the erasure, or the check sees it)
    assert seen_by_the_check[0][:1] == ["accounts.User"]
    assert seen_by_the_check[1][:2] == ["accounts.User", "ops.ErasureRequest"]


def test_erasing_cancels_their_unpaid_orders_and_puts_the_units_back(shopper):
    # given an order awaiting payment for 3 units, and an unpaid team place
    deal = make_deal(stock=10)
    order = deal_join(actor=shopper, deal=deal, quantity=3)
    place = team_open(actor=shopper, team_deal=make_team_deal())
    team_deal_id = place.order.deal_id
    deal.refresh_from_db()
    assert deal.sold == 3
    request = erasure_request(actor=shopper)

    # when the request falls due and is performed
    assert erasures_perform_due(now=timezone.now() + timedelta(days=8)) == 1

    # then both are cancelled by the platform, and their units are on sale again
    request.refresh_from_db()
    assert request.status == ErasureRequest.Status.COMPLETED
    order.refresh_from_db()
    assert (order.status, order.cancel_reason) == (
        DealOrder.Status.CANCELLED,
        DealOrder.CancelReason.OPERATOR,
    )
    assert PaymentIntent.objects.get(pk=order.payment_intent_id).status == (
        PaymentIntent.Status.CANCELLED
    )
    deal.refresh_from_db()
    assert (deal.sold, deal.buyers) == (0, 0)
    place.refresh_from_db()
    assert place.status == TeamMember.Status.CANCELLED
    assert DealOrder.objects.get(pk=place.order_id).status == DealOrder.Status.CANCELLED
    assert not DealOrder.objects.filter(
        deal_id=team_deal_id, status=DealOrder.Status.PENDING_PAYMENT
    ).exists()
