"""Joining a deal: the atomic reservation and every reason to refuse."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import (
    deal_close,
    deal_join,
    deal_order_cancel,
    join_refusal,
)
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_user,
    pass_deadline,
)
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db


def _state(deal):
    deal.refresh_from_db()
    return (deal.sold, DealOrder.objects.count(), PaymentIntent.objects.count())


def test_join_reserves_units_and_asks_for_the_highest_tier_price(pushes):
    # given a deal at 99.00 (≥2 buyers) / 89.00 (≥4 buyers)
    deal = make_deal(stock=10)
    shopper = make_user()
    before = timezone.now()
    # when
    order = deal_join(actor=shopper, deal=deal, quantity=3)
    # then
    deal.refresh_from_db()
    assert deal.sold == 3
    assert order.status == DealOrder.Status.PENDING_PAYMENT
    assert (order.quantity, order.unit_price_cap_fen, order.amount_fen) == (
        3,
        9_900,
        29_700,
    )
    assert before <= order.joined_at <= timezone.now()
    intent = order.payment_intent
    assert (intent.payer, intent.amount_fen, intent.status) == (
        shopper,
        29_700,
        "requires_payment",
    )
    assert (intent.purpose, intent.reference) == ("deals.order", order.public_id)
    assert intent.return_url == f"/orders/{order.public_id}/"
    assert intent.description == "3 × Jasmine tea 500 g"
    joined = AuditEntry.objects.get(action="deals.order.joined")
    assert joined.data["joined_at"] == order.joined_at.isoformat()


@pytest.mark.parametrize("quantity", [0, -1, 6, 2.5, "2", True])
def test_bad_quantity_is_400_and_changes_nothing(quantity):
    deal = make_deal(max_quantity_per_order=5)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=quantity)
    assert (caught.value.code, caught.value.status) == ("invalid_quantity", 400)
    assert caught.value.message == "Choose between 1 and 5 units."
    assert _state(deal) == (0, 0, 0)


def test_a_one_unit_limit_is_said_in_the_singular():
    deal = make_deal(max_quantity_per_order=1)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=2)
    assert caught.value.message == "Choose between 1 and 1 unit."


def test_joining_a_closed_deal_is_refused_saying_how_late_by_the_servers_clock():
    deal = make_deal()
    deal = pass_deadline(deal)
    deal_close(deal=deal)
    Deal.objects.filter(pk=deal.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=90)
    )
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert (caught.value.code, caught.value.status) == ("deal_closed", 409)
    assert 90_000 <= caught.value.extra["late_by_ms"] < 100_000
    assert caught.value.message == "This group buy has closed."
    assert _state(deal) == (0, 0, 0)


def test_a_deal_closed_before_its_deadline_states_no_lateness():
    deal = make_deal()
    Deal.objects.filter(pk=deal.pk).update(state=Deal.State.SUCCEEDED)
    deal.refresh_from_db()
    refusal = join_refusal(deal, quantity=1, now=timezone.now())
    assert (refusal.code, refusal.message) == (
        "deal_closed",
        "This group buy has closed.",
    )
    assert "late_by_ms" not in refusal.extra


def test_the_lateness_is_counted_in_whole_ms_from_the_deadline():
    deal = pass_deadline(make_deal())
    refusal = join_refusal(
        deal, quantity=1, now=deal.deadline_at + timedelta(microseconds=1_234_567)
    )
    assert (refusal.code, refusal.extra) == ("deadline_passed", {"late_by_ms": 1234})
    assert refusal.message == (
        "The deadline for this group buy passed 1234 ms ago (by the server's clock)."
    )


def test_joining_a_draft_is_refused():
    deal = make_deal(is_open=False)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert caught.value.code == "not_started"
    assert _state(deal) == (0, 0, 0)


def test_joining_before_the_start_says_when_it_starts():
    deal = make_deal(starts_in=timedelta(hours=2))
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    starts = timezone.localtime(deal.starts_at).strftime("%Y-%m-%d %H:%M")
    assert caught.value.code == "not_started"
    assert caught.value.message == f"This group buy starts at {starts}."
    assert _state(deal) == (0, 0, 0)


def test_joining_after_the_deadline_is_refused_by_the_servers_clock():
    # given a deal still "open" because the closing job has not run yet
    deal = pass_deadline(make_deal())
    assert deal.state == Deal.State.OPEN
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert (caught.value.code, caught.value.status) == ("deadline_passed", 409)
    assert caught.value.message.startswith("The deadline for this group buy passed ")
    assert caught.value.extra["late_by_ms"] >= 1000
    assert _state(deal) == (0, 0, 0)


def test_joining_a_sold_out_deal_is_refused():
    deal = make_deal(stock=2, tiers=[(1, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=2)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    assert (caught.value.code, caught.value.status) == ("sold_out", 409)
    assert caught.value.message == "Sold out."
    assert _state(deal) == (2, 1, 1)


def test_asking_for_more_than_is_left_says_how_many_remain():
    deal = make_deal(stock=5, tiers=[(1, 9_900)])
    deal_join(actor=make_user(), deal=deal, quantity=3)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=make_user(), deal=deal, quantity=3)
    assert caught.value.code == "sold_out"
    assert caught.value.message == "Only 2 left; choose a smaller quantity."
    assert caught.value.fields == {"quantity": [caught.value.message]}
    assert _state(deal) == (3, 1, 1)


def test_joining_twice_is_409_and_reserves_nothing_more():
    deal = make_deal()
    shopper = make_user()
    deal_join(actor=shopper, deal=deal, quantity=1)
    with pytest.raises(DomainError) as caught:
        deal_join(actor=shopper, deal=deal, quantity=2)
    assert (caught.value.code, caught.value.status) == ("already_joined", 409)
    assert caught.value.message == "You have already joined this group buy."
    assert _state(deal) == (1, 1, 1)


def test_a_paid_shopper_cannot_join_again_but_can_after_cancelling():
    deal = make_deal()
    shopper = make_user()
    order = join_and_pay(deal, shopper=shopper)
    with pytest.raises(DomainError):
        deal_join(actor=shopper, deal=deal, quantity=1)
    deal_order_cancel(actor=shopper, order=order)
    again = deal_join(actor=shopper, deal=deal, quantity=1)
    assert again.status == DealOrder.Status.PENDING_PAYMENT


def test_signed_out_visitors_cannot_join():
    from django.contrib.auth.models import AnonymousUser

    deal = make_deal()
    with pytest.raises(DomainError) as caught:
        deal_join(actor=AnonymousUser(), deal=deal, quantity=1)
    assert caught.value.status == 403
    assert _state(deal) == (0, 0, 0)
