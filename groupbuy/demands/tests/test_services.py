"""Demands from draft to deal or refunds, with the escrow invariants checked."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from groupbuy.catalog.models import Branch, Listing
from groupbuy.core.audit import AuditEntry
from groupbuy.core.errors import DomainError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_close
from groupbuy.deals.tests.factories import pass_deadline
from groupbuy.demands import selectors, services
from groupbuy.demands.models import Demand, Offer, Participation
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    fail_intent,
    join_and_pay,
    make_demand,
    make_merchant,
    make_offer,
    make_owner_merchant,
    make_product,
    make_published,
    make_user,
    pay_deposit,
    pay_intent,
)
from groupbuy.escrow.models import PaymentIntent, Refund
from groupbuy.escrow.selectors import shopper_money_summary
from groupbuy.escrow.tests.factories import assert_shoppers_money_adds_up
from groupbuy.notify.models import Notification

pytestmark = pytest.mark.django_db
State, Status = Demand.State, Participation.Status


def _pass_deadline(demand, *, by_ms: int = 1_500) -> Demand:
    """Move the deadline into the past (tests only)."""
    Demand.objects.filter(pk=demand.pk).update(
        deadline_at=timezone.now() - timedelta(milliseconds=by_ms)
    )
    demand.refresh_from_db()
    return demand


def _raises(code, func, **kwargs):
    with pytest.raises(DomainError) as caught:
        func(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_a_draft_takes_a_deposit_share_of_its_target_value():
    # given a buyer wanting 2 of 10 units at 50.00 (deposit 10 % by default)
    demand = make_demand(initiator_quantity=2, target_unit_price_fen=5_000)
    # then the draft waits for the initiator's 10.00 deposit
    initiator = demand.participations.get()
    assert (demand.state, initiator.is_initiator) == (State.DRAFT, True)
    assert (initiator.status, initiator.deposit_fen) == (Status.AWAITING_DEPOSIT, 1_000)
    assert demand.forfeit_rule == "merchant"


@override_settings(GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN=300)
def test_a_fixed_deposit_setting_wins_over_the_share():
    demand = make_demand()
    assert demand.participations.get().deposit_fen == 300


def test_publishing_without_a_captured_deposit_is_refused_and_changes_nothing():
    demand = make_demand()
    services.demand_deposit_start(actor=demand.initiator, demand=demand)  # not paid
    error = _raises(
        "deposit_not_captured",
        services.demand_publish,
        actor=demand.initiator,
        demand=demand,
    )
    assert error.status == 409
    demand.refresh_from_db()
    assert (demand.state, demand.published_at) == (State.DRAFT, None)


def test_the_captured_deposit_grants_the_right_to_publish():
    # given a draft whose deposit the provider captured
    demand = make_demand()
    intent = pay_deposit(demand)
    # then the money is held and the capture audited
    assert intent.status == PaymentIntent.Status.SUCCEEDED
    assert balance("shopper_held", user=demand.initiator) == 1_000
    assert AuditEntry.objects.filter(action="demands.deposit.captured").count() == 1
    # when the initiator publishes
    demand = services.demand_publish(actor=demand.initiator, demand=demand)
    # then it is public, and publishing again changes nothing
    assert demand.state == State.PUBLISHED
    again = services.demand_publish(actor=demand.initiator, demand=demand)
    assert again.published_at == demand.published_at
    assert_ledger_sound()


def test_someone_else_cannot_publish():
    demand = make_demand()
    pay_deposit(demand)
    _raises("forbidden", services.demand_publish, actor=make_user(), demand=demand)


def test_a_duplicated_deposit_callback_changes_nothing_the_second_time():
    demand = make_demand()
    intent = services.demand_deposit_start(actor=demand.initiator, demand=demand)
    payload = pay_intent(intent)
    from groupbuy.escrow.tests.factories import apply_event

    apply_event(payload)
    apply_event(payload)
    assert balance("shopper_held", user=demand.initiator) == 1_000
    assert AuditEntry.objects.filter(action="demands.deposit.captured").count() == 1
    assert_ledger_sound()


def test_a_failed_deposit_can_be_retried_with_a_new_payment():
    demand = make_demand()
    first = services.demand_deposit_start(actor=demand.initiator, demand=demand)
    fail_intent(first)
    second = services.demand_deposit_start(actor=demand.initiator, demand=demand)
    assert second.pk != first.pk
    pay_intent(second)
    assert demand.participations.get().status == Status.ACTIVE


def test_a_late_payment_of_a_superseded_attempt_is_refunded():
    # given a first attempt cancelled by the demand's cancellation
    demand = make_demand()
    intent = services.demand_deposit_start(actor=demand.initiator, demand=demand)
    services.demand_cancel(actor=demand.initiator, demand=demand)
    # when the provider reports it paid after all
    pay_intent(intent)
    # then escrow refunds it in full; nothing stays held
    assert intent.refunded_fen == 1_000
    assert balance("shopper_held", user=demand.initiator) == 0
    assert demand.participations.get().status == Status.REFUNDED
    assert_ledger_sound()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("target_unit_price_fen", -100),
        ("target_unit_price_fen", 0),
        ("quantity_wanted", 0),
        ("deadline_in", timedelta(hours=-1)),
        ("deadline_in", timedelta(days=3 * 365)),
        ("title", "   "),
    ],
)
def test_bad_drafts_are_refused_and_nothing_is_created(field, value):
    with pytest.raises(DomainError) as caught:
        make_demand(**{field: value})
    assert caught.value.status == 400
    assert Demand.objects.count() == 0


LATITUDE_RANGE = "The latitude must be between -90 and 90."
LONGITUDE_RANGE = "The longitude must be between -180 and 180."
BOTH = "Give both latitude and longitude, or neither."


@pytest.mark.parametrize(
    ("latitude", "longitude", "fields"),
    [
        (91, 0, {"latitude": [LATITUDE_RANGE]}),
        (-90.5, 0, {"latitude": [LATITUDE_RANGE]}),
        (1e308, 0, {"latitude": [LATITUDE_RANGE]}),
        (float("nan"), 0, {"latitude": [LATITUDE_RANGE]}),
        (0, 180.5, {"longitude": [LONGITUDE_RANGE]}),
        (0, -1e308, {"longitude": [LONGITUDE_RANGE]}),
        (91, 181, {"latitude": [LATITUDE_RANGE], "longitude": [LONGITUDE_RANGE]}),
        (31.2, None, {"longitude": [BOTH]}),
        (None, 121.5, {"latitude": [BOTH]}),
    ],
)
def test_a_place_not_on_earth_is_refused_on_the_coordinate_at_fault(
    latitude, longitude, fields
):
    # when a draft names coordinates that are out of range or half given
    with pytest.raises(DomainError) as caught:
        make_demand(latitude=latitude, longitude=longitude)
    # then the refusal names the coordinate at fault, with its message
    assert (caught.value.status, caught.value.code) == (400, "invalid")
    assert caught.value.fields == fields
    assert caught.value.message == next(iter(fields.values()))[0]
    assert Demand.objects.count() == 0


def test_the_edges_of_the_map_and_no_place_at_all_are_accepted():
    for latitude, longitude in ((90, 180), (-90, -180), (None, None)):
        demand = make_demand(latitude=latitude, longitude=longitude)
        assert (demand.latitude, demand.longitude) == (latitude, longitude)


def test_a_deadline_a_minute_ahead_is_refused_for_being_too_soon_not_past():
    with pytest.raises(DomainError) as caught:
        make_demand(deadline_in=timedelta(minutes=2))
    message = caught.value.fields["deadline_at"][0]
    assert "more than 5 minutes from now" in message
    assert make_demand(deadline_in=timedelta(minutes=6)).pk


def test_a_buyer_joins_by_paying_a_deposit_and_the_initiator_is_told():
    demand = make_published()
    joiner = make_user()
    participation, intent = services.demand_join(
        actor=joiner, demand=demand, quantity=3
    )
    assert (participation.status, intent.amount_fen) == (Status.AWAITING_DEPOSIT, 1_500)
    pay_intent(intent)
    participation.refresh_from_db()
    assert participation.status == Status.ACTIVE
    assert balance("shopper_held", user=joiner) == 1_500
    assert Notification.objects.filter(
        recipient=demand.initiator, kind="demands.joined"
    ).exists()


def test_joining_twice_or_ones_own_demand_is_refused():
    demand = make_published()
    joiner = make_user()
    join_and_pay(demand, joiner)
    for user in (joiner, demand.initiator):
        error = _raises(
            "already_joined",
            services.demand_join,
            actor=user,
            demand=demand,
            quantity=1,
        )
        assert error.status == 409
    assert demand.participations.count() == 2


def test_a_join_may_take_only_the_units_still_wanted():
    # given 10 units wanted, the initiator's 2 held
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    # when a neighbour asks for 9
    error = _raises(
        "too_many_units",
        services.demand_join,
        actor=make_user(),
        demand=demand,
        quantity=9,
    )
    # then it is refused, saying how many are left, and nothing is written
    assert error.status == 409
    assert error.message == "Only 8 units are still wanted."
    assert error.fields == {"quantity": ["Only 8 units are still wanted."]}
    assert demand.participations.count() == 1
    assert PaymentIntent.objects.filter(purpose="demands.deposit").count() == 1
    # and 8 are taken
    join_and_pay(demand, quantity=8)
    assert selectors.committed_units(demand) == 10
    assert selectors.units_still_wanted(demand) == 0


def test_an_unpaid_join_holds_its_units_until_it_leaves():
    # given 10 wanted: the initiator's 2 held, 7 joined and not paid yet
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    waiting = make_user()
    services.demand_join(actor=waiting, demand=demand, quantity=7)
    # then only 1 unit is left to join
    error = _raises(
        "too_many_units",
        services.demand_join,
        actor=make_user(),
        demand=demand,
        quantity=2,
    )
    assert error.message == "Only 1 unit is still wanted."
    # and once the unpaid buyer leaves, their units are free again
    services.demand_withdraw(actor=waiting, demand=demand)
    assert selectors.units_still_wanted(demand) == 8
    join_and_pay(demand, quantity=8)
    error = _raises(
        "too_many_units",
        services.demand_join,
        actor=make_user(),
        demand=demand,
        quantity=1,
    )
    assert error.message == "Every unit this demand wants is already taken."


def test_an_unpaid_join_holds_its_units_for_the_payment_window_only(settings):
    """Else joining for every unit left and never paying closed the demand."""
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    services.demand_join(actor=make_user(), demand=demand, quantity=8)
    assert selectors.units_still_wanted(demand) == 0
    later = timezone.now() + timedelta(minutes=16)
    assert selectors.units_still_wanted(demand, now=later) == 8
    # a payment sent to the provider and not answered yet keeps holding them
    unpaid = demand.participations.get(is_initiator=False)
    unpaid.intent.submitted_at = timezone.now()
    unpaid.intent.save(update_fields=["submitted_at"])
    assert selectors.units_still_wanted(demand, now=later) == 0


def _window_ran_out(participation, settings) -> None:
    """Put ``participation``'s join (or its last payment attempt) past the
    payment window, as if it had been left unpaid that long."""
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    Participation.objects.filter(pk=participation.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )


def test_a_late_deposit_takes_its_units_again_while_they_are_free(settings):
    # given 10 wanted, the initiator's 2 held, a join of 3 left unpaid past
    # its payment window (holding nothing)
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user()
    participation, first_intent = services.demand_join(
        actor=late, demand=demand, quantity=3
    )
    _window_ran_out(participation, settings)
    assert selectors.units_still_wanted(demand) == 8
    # when its buyer starts paying, then the join holds its 3 units again
    intent = services.demand_deposit_start(actor=late, demand=demand)
    assert intent.pk == first_intent.pk
    assert selectors.units_still_wanted(demand) == 5
    # and once paid they are committed
    pay_intent(intent)
    participation.refresh_from_db()
    assert participation.status == Status.ACTIVE
    assert selectors.committed_units(demand) == 5
    assert not AuditEntry.objects.filter(action="demands.deposit.refused")


def test_a_late_deposit_is_refused_once_others_took_its_units(settings):
    # A join past its payment window could still pay after others had taken
    # its units: the demand then counted 16 units of the 10 it wanted.
    # given a join of 8 left unpaid past its window, whose 8 units another
    # buyer then took and paid for
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user()
    participation, stale_intent = services.demand_join(
        actor=late, demand=demand, quantity=8
    )
    _window_ran_out(participation, settings)
    join_and_pay(demand, quantity=7)
    # when its buyer starts paying
    error = _raises(
        "units_taken", services.demand_deposit_start, actor=late, demand=demand
    )
    # then it is refused, saying how many are left, and its pay page can no
    # longer take money
    assert error.status == 409
    assert error.message == (
        "The units you joined for were taken while your deposit was unpaid: only 1 "
        "unit is still wanted. Nothing was charged."
    )
    assert error.extra == {"units_left": 1}
    stale_intent.refresh_from_db()
    assert stale_intent.status == PaymentIntent.Status.CANCELLED
    participation.refresh_from_db()
    assert participation.status == Status.AWAITING_DEPOSIT
    assert selectors.committed_units(demand) == 9
    assert AuditEntry.objects.get(
        action="demands.deposit.refused", object_id=participation.public_id
    ).data == {"reason": "units_taken", "units_left": 1}


def test_a_late_deposit_that_arrives_anyway_is_refunded_whole(settings):
    # given a join of 8 past its window, whose units another buyer took (not
    # paid yet, within their own window), and the late buyer paying on the
    # provider's page they had kept open
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user()
    participation, stale_intent = services.demand_join(
        actor=late, demand=demand, quantity=8
    )
    _window_ran_out(participation, settings)
    _other, other_intent = services.demand_join(
        actor=make_user(), demand=demand, quantity=8
    )
    # when the provider's callback brings the money
    pay_intent(stale_intent)
    # then escrow refunds it whole and the join still awaits its deposit
    assert stale_intent.status == PaymentIntent.Status.SUCCEEDED
    assert stale_intent.refunded_fen == stale_intent.amount_fen
    assert balance("shopper_held", user=late) == 0
    participation.refresh_from_db()
    assert participation.status == Status.AWAITING_DEPOSIT
    assert selectors.deposit_refused_fen(participation) == stale_intent.amount_fen
    assert not selectors.deposit_confirming(participation)
    assert AuditEntry.objects.get(
        action="demands.deposit.refused", object_id=participation.public_id
    ).data == {
        "reason": "units_taken",
        "units_left": 0,
        "intent": stale_intent.public_id,
    }
    # and the demand never counts more than it wants
    pay_intent(other_intent)
    assert selectors.committed_units(demand) == 10
    assert_ledger_sound()
    # and paying again is refused while nothing is free
    error = _raises(
        "units_taken", services.demand_deposit_start, actor=late, demand=demand
    )
    assert error.message == (
        "The units you joined for were taken while your deposit was unpaid, and no "
        "unit is still wanted. Nothing was charged."
    )


def test_a_join_after_the_deadline_says_by_how_much_it_passed():
    demand = _pass_deadline(make_published(), by_ms=2_500)
    error = _raises(
        "deadline_passed",
        services.demand_join,
        actor=make_user(),
        demand=demand,
        quantity=1,
    )
    late_ms = int(error.fields["late_ms"][0])
    assert 2_500 <= late_ms < 60_000
    assert f"{late_ms} ms" in error.message
    assert demand.participations.count() == 1


def test_a_join_on_a_draft_is_refused():
    demand = make_demand()
    _raises(
        "demand_closed",
        services.demand_join,
        actor=make_user(),
        demand=demand,
        quantity=1,
    )


def test_withdrawing_before_acceptance_refunds_the_deposit():
    demand = make_published()
    participation = join_and_pay(demand)
    services.demand_withdraw(actor=participation.shopper, demand=demand)
    participation.refresh_from_db()
    assert participation.status == Status.WITHDRAWN
    assert participation.intent.refunded_fen == 1_500
    assert balance("shopper_held", user=participation.shopper) == 0
    assert_ledger_sound()


def test_cancelling_refunds_every_deposit_and_declines_offers():
    # given a published demand, a paid and an unpaid joiner, and an offer
    demand = make_published()
    paid = join_and_pay(demand)
    _unpaid, unpaid_intent = services.demand_join(
        actor=make_user(), demand=demand, quantity=1
    )
    offer = make_offer(demand)
    # when the initiator cancels
    demand = services.demand_cancel(actor=demand.initiator, demand=demand)
    # then deposits are refunded, the unpaid one cancelled, the offer declined
    assert demand.state == State.CANCELLED
    for participation in demand.participations.all():
        assert participation.status == Status.REFUNDED
    assert balance("shopper_held", user=demand.initiator) == 0
    assert balance("shopper_held", user=paid.shopper) == 0
    unpaid_intent.refresh_from_db()
    assert unpaid_intent.status == PaymentIntent.Status.CANCELLED
    offer.refresh_from_db()
    assert offer.state == Offer.State.DECLINED
    assert Refund.objects.count() == 2
    # and cancelling again changes nothing
    services.demand_cancel(actor=demand.initiator, demand=demand)
    assert Refund.objects.count() == 2
    assert_ledger_sound()


def test_only_the_initiator_may_cancel():
    demand = make_published()
    _raises("forbidden", services.demand_cancel, actor=make_user(), demand=demand)
    demand.refresh_from_db()
    assert demand.state == State.PUBLISHED


def test_expiry_closes_due_demands_and_refunds_every_deposit(
    django_capture_on_commit_callbacks,
):
    # given a published demand with a joiner, a draft with a paid deposit, and
    # a demand not yet due
    due = make_published()
    joiner = join_and_pay(due)
    draft = make_demand()
    pay_deposit(draft)
    later = make_published()
    _pass_deadline(due)
    _pass_deadline(draft)
    # when the periodic job runs (twice)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.demands_expire_due() == 2
    assert services.demands_expire_due() == 0
    # then both due ones expired with everything refunded and paid out
    due.refresh_from_db()
    draft.refresh_from_db()
    assert (due.state, draft.state) == (State.EXPIRED, State.EXPIRED)
    later.refresh_from_db()
    assert later.state == State.PUBLISHED
    for user in (due.initiator, joiner.shopper, draft.initiator):
        assert balance("shopper_held", user=user) == 0
    assert set(Refund.objects.values_list("status", flat=True)) == {"succeeded"}
    assert balance("refunds_paid") == 1_000 + 1_500 + 1_000
    assert Notification.objects.filter(kind="demands.closed").count() == 2
    assert_ledger_sound()


def test_a_deposit_paid_after_the_deadline_is_refunded():
    demand = make_published()
    participation, intent = services.demand_join(
        actor=make_user(), demand=demand, quantity=1
    )
    _pass_deadline(demand)
    pay_intent(intent)
    assert intent.refunded_fen == intent.amount_fen
    participation.refresh_from_db()
    assert participation.status == Status.AWAITING_DEPOSIT
    assert_ledger_sound()


def test_offers_are_sent_revised_and_withdrawn_by_the_merchants_owners():
    demand = make_published()
    merchant, owner = make_owner_merchant()
    offer = make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=4_800)
    revised = make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=4_600)
    assert revised.pk == offer.pk
    assert revised.unit_price_fen == 4_600
    assert Notification.objects.filter(kind="demands.offer").count() == 2
    services.offer_withdraw(actor=owner, offer=revised)
    revised.refresh_from_db()
    assert revised.state == Offer.State.WITHDRAWN
    # the buyer who could have accepted it is told, once however often it is
    # withdrawn
    services.offer_withdraw(actor=owner, offer=revised)
    (told,) = Notification.objects.filter(kind="demands.offer_withdrawn")
    assert told.recipient == demand.initiator
    assert merchant.name in told.body


def test_an_offer_from_someone_not_an_owner_is_refused():
    demand = make_published()
    merchant, _owner = make_owner_merchant()
    with pytest.raises(DomainError) as caught:
        make_offer(demand, merchant=merchant, owner=make_user())
    assert caught.value.status == 403
    assert demand.offers.count() == 0


def test_bad_offers_are_refused():
    demand = make_published()
    for price in (-1, 0):
        with pytest.raises(DomainError) as caught:
            make_offer(demand, unit_price_fen=price)
        assert caught.value.status == 400
    merchant, owner = make_owner_merchant()
    with pytest.raises(DomainError):
        services.offer_submit(
            actor=owner,
            demand=demand,
            merchant=merchant,
            product=make_product(),
            quantity=5,
            unit_price_fen=100,
            delivery_on=date.today() - timedelta(days=1),
        )
    assert demand.offers.count() == 0


def test_an_offer_after_the_deadline_or_on_a_closed_demand_is_refused():
    demand = _pass_deadline(make_published(), by_ms=4_000)
    with pytest.raises(DomainError) as caught:
        make_offer(demand)
    assert caught.value.code == "deadline_passed"
    assert int(caught.value.fields["late_ms"][0]) >= 4_000
    closed = make_published()
    services.demand_cancel(actor=closed.initiator, demand=closed)
    with pytest.raises(DomainError) as caught:
        make_offer(closed)
    assert caught.value.code == "demand_closed"


@override_settings(GROUPBUY_PLATFORM_FEE_BPS=0)
def test_accepting_an_offer_turns_the_demand_into_a_deal_with_deposits_applied(
    django_capture_on_commit_callbacks,
):
    # given a published demand (2 units) with a joiner (3 units) and two offers
    demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    chosen = make_offer(demand, unit_price_fen=4_500)
    other = make_offer(demand, unit_price_fen=4_900)
    # when the initiator accepts the cheaper offer
    demand = services.offer_accept(actor=demand.initiator, offer=chosen)
    # then a deal is open for both at 45.00, their deposits applied
    deal = demand.deal
    assert (demand.state, deal.state, deal.sold) == (State.ACCEPTED, "open", 5)
    assert deal.merchant == chosen.merchant
    orders = {o.shopper_id: o for o in deal.orders.all()}
    initiator_order = orders[demand.initiator_id]
    joiner_order = orders[joiner.shopper_id]
    assert initiator_order.amount_fen == 2 * 4_500
    deposit = joiner.intent
    deposit.refresh_from_db()
    assert (deposit.purpose, deposit.reference) == (
        "deals.order",
        joiner_order.public_id,
    )
    rest = PaymentIntent.objects.get(
        purpose="deals.order",
        reference=joiner_order.public_id,
        status="requires_payment",
    )
    assert rest.amount_fen == 3 * 4_500 - 1_500
    other.refresh_from_db()
    assert other.state == Offer.State.DECLINED
    assert Notification.objects.filter(kind="demands.offer_declined").count() == 1
    assert Notification.objects.filter(kind="demands.accepted").count() == 2
    assert set(demand.participations.values_list("status", flat=True)) == {"applied"}
    # when both pay the rest and the deal closes
    for order in (initiator_order, joiner_order):
        for intent in PaymentIntent.objects.filter(
            reference=order.public_id, status="requires_payment"
        ):
            pay_intent(intent)
    pass_deadline(deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=deal)
    # then the merchant gets exactly the offered price for 5 units
    assert balance("merchant_payable", merchant=chosen.merchant) == 5 * 4_500
    for user in (demand.initiator, joiner.shopper):
        assert balance("shopper_held", user=user) == 0
    assert_ledger_sound()


def test_the_deal_of_an_offer_shows_the_shops_own_price_as_its_list_price():
    # the demand's target (what the buyers hoped to pay) is no list price
    demand = make_published(target_unit_price_fen=5_000)
    unlisted = make_offer(demand, unit_price_fen=4_500)
    deal = services.offer_accept(actor=demand.initiator, offer=unlisted).deal
    assert deal.list_price_fen == 4_500
    # where the shop lists the product, its everyday price is the list price
    demand = make_published(target_unit_price_fen=5_000)
    listed = make_offer(demand, unit_price_fen=4_500)
    Listing.objects.create(
        merchant=listed.merchant, product=listed.product, price_fen=5_900
    )
    deal = services.offer_accept(actor=demand.initiator, offer=listed).deal
    assert deal.list_price_fen == 5_900


def test_the_deal_of_an_offer_is_named_after_the_product_sold_not_the_wish(
    django_capture_on_commit_callbacks,
):
    # given buyers wishing for one thing and a shop offering another
    reader = make_user(preferred_language="en")
    demand = make_published(initiator=reader, title="🍜 螺蛳粉，要正宗的！！")
    merchant, owner = make_owner_merchant(name="鲜邻超市")
    offer = services.offer_submit(
        actor=owner,
        demand=demand,
        merchant=merchant,
        product=make_product(name_zh="热干面", name_en="Wuhan Hot Dry Noodles"),
        quantity=5,
        unit_price_fen=950,
        delivery_on=date.today() + timedelta(days=7),
    )
    # when the initiator accepts it
    with django_capture_on_commit_callbacks(execute=True):
        deal = services.offer_accept(actor=demand.initiator, offer=offer).deal
    # then the deal (and so its orders, coupons and till) names what is sold
    assert deal.title == "热干面"
    # and the buyers are told what they accepted, in their language
    told = Notification.objects.get(kind="demands.accepted", recipient=reader)
    assert told.body == (
        "鲜邻超市's offer of Wuhan Hot Dry Noodles at ¥9.50 a unit was accepted "
        "for “🍜 螺蛳粉，要正宗的！！”. Your deposit counts toward your order."
    )


def test_paying_the_rest_says_what_was_paid_now_and_promises_no_price_drop(
    django_capture_on_commit_callbacks,
):
    # given an accepted offer (one tier, every unit taken) and a ¥10.00 deposit
    reader = make_user(preferred_language="en")
    demand = make_published(initiator=reader, initiator_quantity=2)
    demand = services.offer_accept(actor=reader, offer=make_offer(demand))
    order = demand.deal.orders.get(shopper=reader)
    rest = PaymentIntent.objects.get(
        reference=order.public_id, status="requires_payment"
    )
    # when the initiator pays the rest
    with django_capture_on_commit_callbacks(execute=True):
        pay_intent(rest)
    # then they are told of the ¥80.00 just paid, the deposit, and no refund
    told = Notification.objects.get(kind="deals.order.paid", recipient=reader)
    assert told.body == (
        "You paid ¥80.00; with your deposit of ¥10.00, ¥90.00 is held safely "
        "until the group buy closes."
    )


def _listed(merchant, product, *, price_fen):
    return Listing.objects.create(
        merchant=merchant, product=product, price_fen=price_fen
    )


def test_an_offer_above_the_shops_everyday_price_is_refused_on_its_price():
    # given a shop that sells a latte for 8.00 every day
    demand = make_published()
    merchant, owner = make_owner_merchant()
    latte = make_product(name_en="Latte Coffee Drink")
    _listed(merchant, latte, price_fen=800)
    terms = {
        "actor": owner,
        "demand": demand,
        "merchant": merchant,
        "product": latte,
        "quantity": 20,
        "delivery_on": date.today() + timedelta(days=3),
    }
    # when it offers the latte at 75.00
    error = _raises(
        "above_everyday_price", services.offer_submit, unit_price_fen=7_500, **terms
    )
    # then the price is refused, saying why, and nothing is sent
    assert error.status == 400
    assert "¥8.00" in error.message
    assert error.fields == {"unit_price_fen": [error.message]}
    assert not demand.offers.exists()
    assert not Notification.objects.filter(kind="demands.offer").exists()
    # when it offers the everyday price, then revises it above, it keeps the first
    offer = services.offer_submit(unit_price_fen=800, **terms)
    _raises("above_everyday_price", services.offer_submit, unit_price_fen=801, **terms)
    offer.refresh_from_db()
    assert offer.unit_price_fen == 800
    # and the offer it could send is accepted: list price = group price = 8.00
    deal = services.offer_accept(actor=demand.initiator, offer=offer).deal
    assert deal.list_price_fen == 800
    assert [t.price_fen for t in deal.tiers.all()] == [800]


def test_an_offer_the_shop_undercut_since_is_refused_at_acceptance_saying_why():
    # given an offer at 8.00 a shop sold for 8.00, whose everyday price is now 7.00
    demand = make_published()
    merchant, owner = make_owner_merchant("Cafe")
    latte = make_product(name_en="Latte Coffee Drink")
    listing = _listed(merchant, latte, price_fen=800)
    offer = services.offer_submit(
        actor=owner,
        demand=demand,
        merchant=merchant,
        product=latte,
        quantity=20,
        unit_price_fen=800,
        delivery_on=date.today() + timedelta(days=3),
    )
    Listing.objects.filter(pk=listing.pk).update(price_fen=700)
    # when the initiator accepts it
    error = _raises(
        "offer_above_everyday_price",
        services.offer_accept,
        actor=demand.initiator,
        offer=offer,
    )
    # then they are told why and what to do; the demand stays open
    assert error.status == 409
    assert "Cafe" in error.message
    assert "¥7.00" in error.message
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.state, offer.state, Deal.objects.count()) == (
        State.PUBLISHED,
        Offer.State.ACTIVE,
        0,
    )


@override_settings(GROUPBUY_DEMAND_DEPOSIT_FIXED_FEN=2_400)
def test_only_those_with_something_left_to_pay_are_told_to_pay_it():
    # given 24.00 deposits: the initiator's 2 units and a joiner's 3 are covered
    # at 7.50 a unit, another joiner's 10 units (75.00) are not
    demand = make_published(quantity_wanted=20)
    covered = join_and_pay(demand, quantity=3)
    owing = join_and_pay(demand, quantity=10)
    offer = make_offer(demand, unit_price_fen=750)
    # when the initiator accepts the offer
    services.offer_accept(actor=demand.initiator, offer=offer)
    # then only the one with something left to pay is told to pay it
    titles = {
        n.recipient_id: n.text_in("en")[0]
        for n in Notification.objects.filter(kind="demands.accepted")
    }
    paid = "An offer was accepted: your deposit paid your order"
    assert titles == {
        demand.initiator_id: paid,
        covered.shopper_id: paid,
        owing.shopper_id: "An offer was accepted: pay the rest",
    }


def test_only_the_initiator_accepts_and_only_once():
    demand = make_published()
    offer = make_offer(demand)
    _raises("forbidden", services.offer_accept, actor=make_user(), offer=offer)
    services.offer_accept(actor=demand.initiator, offer=offer)
    _raises("demand_closed", services.offer_accept, actor=demand.initiator, offer=offer)
    assert Deal.objects.count() == 1
    _raises(
        "offer_accepted", services.demand_cancel, actor=demand.initiator, demand=demand
    )


def test_an_offer_smaller_than_the_demand_cannot_be_accepted():
    demand = make_published()
    join_and_pay(demand, quantity=3)
    offer = make_offer(demand, quantity=4)
    error = _raises(
        "offer_too_small", services.offer_accept, actor=demand.initiator, offer=offer
    )
    assert error.status == 409
    assert Deal.objects.count() == 0


@pytest.mark.parametrize(
    ("rule", "merchant_gets", "platform_gets", "refunded"),
    [("merchant", 1_500, 0, 0), ("platform", 0, 1_500, 0), ("refund", 0, 0, 1_500)],
)
def test_withdrawing_after_acceptance_follows_the_forfeit_rule(
    rule, merchant_gets, platform_gets, refunded
):
    # given a demand created under the rule, accepted with a joiner in it
    with override_settings(GROUPBUY_DEMAND_FORFEIT_RULE=rule):
        demand = make_published()
    joiner = join_and_pay(demand, quantity=3)
    offer = make_offer(demand)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    # when the joiner walks away
    participation = services.demand_withdraw(actor=joiner.shopper, demand=demand)
    # then the deposit goes where the rule said; the order is cancelled
    assert participation.status == Status.FORFEITED
    order = demand.deal.orders.get(shopper=joiner.shopper)
    assert order.status == DealOrder.Status.CANCELLED
    assert balance("merchant_payable", merchant=offer.merchant) == merchant_gets
    assert balance("platform_revenue") == platform_gets
    deposit = PaymentIntent.objects.get(pk=joiner.intent_id)
    assert deposit.refunded_fen == refunded
    assert balance("shopper_held", user=joiner.shopper) == 0
    kept = shopper_money_summary(user=joiner.shopper).kept_fen
    assert kept == merchant_gets + platform_gets
    assert_shoppers_money_adds_up(joiner.shopper)
    # and withdrawing again changes nothing
    with pytest.raises(DomainError):
        services.demand_withdraw(actor=joiner.shopper, demand=demand)
    assert_ledger_sound()


def test_deposits_still_unpaid_at_acceptance_are_stopped_and_refunded_if_paid_late():
    # given a joiner who has not paid the deposit when an offer is accepted
    demand = make_published()
    late, intent = services.demand_join(actor=make_user(), demand=demand, quantity=1)
    offer = make_offer(demand)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    # then their payment is cancelled and they are not in the deal
    intent.refresh_from_db()
    late.refresh_from_db()
    assert (intent.status, late.status) == ("cancelled", Status.REFUNDED)
    assert not demand.deal.orders.filter(shopper=late.shopper).exists()
    # and a payment the provider reports anyway is refunded in full
    pay_intent(intent)
    assert balance("shopper_held", user=late.shopper) == 0
    assert_ledger_sound()


def test_an_offer_from_a_shop_with_no_open_branch_is_refused_when_sent():
    # given a shop with only a closed branch, and one with an open offer
    demand = make_published()
    owner = make_user()
    shut = make_merchant(name="Shut Co", owner=owner)
    Branch.objects.create(merchant=shut, name="Closed", address="1 Rd", is_active=False)
    open_shop, open_owner = make_owner_merchant()
    offer = make_offer(demand, merchant=open_shop, owner=open_owner)
    audited = AuditEntry.objects.count()
    notified = Notification.objects.count()
    # when the first sends an offer, and the second closes its branch and revises
    refused = []
    open_shop.branches.update(is_active=False)
    for merchant, actor in ((shut, owner), (open_shop, open_owner)):
        with pytest.raises(DomainError) as caught:
            make_offer(demand, merchant=merchant, owner=actor, unit_price_fen=4_000)
        refused.append(caught.value)
    # then both are refused in the deals' words, and nothing is sent or changed
    message = "This shop has no open branch for buyers to collect from: add one first."
    for error in refused:
        assert (error.code, error.status, error.message) == (
            "no_pickup_branch",
            400,
            message,
        )
        assert error.fields == {"merchant_id": [message]}
    assert list(demand.offers.values_list("pk", "unit_price_fen")) == [
        (offer.pk, offer.unit_price_fen)
    ]
    assert AuditEntry.objects.count() == audited
    assert Notification.objects.count() == notified


def test_offer_messages_name_the_shop_in_each_readers_language():
    # They named the shop by its Chinese name in English too.
    demand = make_published()
    merchant, owner = make_owner_merchant()
    merchant.name, merchant.name_en = "鲜邻超市", "FreshNeighbour Market"
    merchant.save(update_fields=["name", "name_en"])
    offer = make_offer(demand, merchant=merchant, owner=owner)
    services.offer_withdraw(actor=owner, offer=offer)
    for kind in ("demands.offer", "demands.offer_withdrawn"):
        notification = Notification.objects.get(kind=kind)
        assert "FreshNeighbour Market" in notification.text_in("en")[1]
        assert "鲜邻超市" in notification.text_in("zh-hans")[1]
