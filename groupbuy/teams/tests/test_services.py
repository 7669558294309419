"""Team buys: every transition and every refund path, with the ledger checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from groupbuy.core.errors import DomainError
from groupbuy.coupons.models import Coupon
from groupbuy.deals.models import DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.signals import order_confirmed, order_refunded
from groupbuy.escrow.models import LedgerAccount, PaymentIntent
from groupbuy.notify.models import Notification
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services import (
    team_complete,
    team_deal_create,
    team_expire,
    team_join,
    team_join_any,
    team_open,
    teams_sweep,
)
from groupbuy.teams.tasks import team_expire_task
from groupbuy.teams.tests.factories import (
    SOLO_PRICE,
    TEAM_PRICE,
    assert_ledger_invariants,
    balance,
    expire_now,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind
S = TeamMember.Status


def _state(team):
    team.refresh_from_db()
    return team.state


def test_open_join_pay_completes_the_team_and_confirms_every_order(
    django_capture_on_commit_callbacks,
):
    # given a team deal of 2 and a shopper who opens a team
    team_deal = make_team_deal(team_size=2)
    alice, bob = make_user(), make_user()
    confirmed = []

    def on_confirmed(sender, order, **kwargs):
        confirmed.append(order.pk)

    order_confirmed.connect(on_confirmed)
    opener = team_open(actor=alice, team_deal=team_deal)
    team = opener.team
    assert (team.size, team.member_count, team.price_fen) == (2, 1, TEAM_PRICE)
    assert opener.order.amount_fen == TEAM_PRICE
    assert opener.order.payment_intent.purpose == "teams.member"
    # when the opener pays and a friend joins and pays
    with django_capture_on_commit_callbacks(execute=True):
        pay(opener)
    assert opener.status == S.PAID and _state(team) == Team.State.OPEN
    friend = team_join(actor=bob, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        pay(friend)
    # then the team is complete and both orders confirmed at the team price
    assert _state(team) == Team.State.COMPLETE
    orders = DealOrder.objects.filter(team_member__team=team)
    assert {o.status for o in orders} == {DealOrder.Status.CONFIRMED}
    assert {o.charged_fen for o in orders} == {TEAM_PRICE}
    assert sorted(confirmed) == sorted(o.pk for o in orders)
    assert Coupon.objects.filter(order__in=orders).count() == 2
    told = Notification.objects.filter(kind="teams.complete")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [alice.pk, bob.pk]
    )
    merchant = team_deal.deal.merchant
    earned = balance(Kind.MERCHANT_PAYABLE, merchant=merchant) + balance(
        Kind.PLATFORM_REVENUE
    )
    assert earned == 2 * TEAM_PRICE
    assert balance(Kind.SHOPPER_HELD, user=alice) == 0
    assert balance(Kind.SHOPPER_HELD, user=bob) == 0
    assert_ledger_invariants()
    # and completing again changes nothing
    team_complete(team=team)
    assert (
        balance(Kind.MERCHANT_PAYABLE, merchant=merchant)
        + balance(Kind.PLATFORM_REVENUE)
        == 2 * TEAM_PRICE
    )


def test_a_full_team_waits_for_every_payment():
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    team_join(actor=make_user(), team=opener.team)  # joins, does not pay
    assert team_complete(team=opener.team).state == Team.State.OPEN


def test_an_expired_team_refunds_paid_members_and_cancels_unpaid_ones(
    django_capture_on_commit_callbacks,
):
    team_deal = make_team_deal(team_size=3, stock=5)
    alice, bob, carol = make_user(), make_user(), make_user()
    opener = team_open(actor=alice, team_deal=team_deal)
    pay(opener)
    second = team_join(actor=bob, team=opener.team)
    pay(second)
    third = team_join(actor=carol, team=opener.team)  # never pays
    refunded = []

    def on_refunded(sender, order, refunded_fen, **kwargs):
        refunded.append(refunded_fen)

    order_refunded.connect(on_refunded)
    team_deal.refresh_from_db()
    assert team_deal.sold == 3
    # when the window ends and the periodic job runs
    expire_now(opener.team)
    with django_capture_on_commit_callbacks(execute=True):
        assert teams_sweep()["expired"] == 1
    # then the paid are refunded in full, the unpaid cancelled, stock back
    for member in (opener, second, third):
        member.refresh_from_db()
        member.order.refresh_from_db()
    assert (opener.status, second.status, third.status) == (
        S.REFUNDED,
        S.REFUNDED,
        S.CANCELLED,
    )
    assert opener.order.refunded_fen == TEAM_PRICE
    assert opener.order.status == DealOrder.Status.REFUNDED
    assert third.order.status == DealOrder.Status.CANCELLED
    assert third.order.payment_intent.status == PaymentIntent.Status.CANCELLED
    assert refunded == [TEAM_PRICE, TEAM_PRICE]
    told = Notification.objects.filter(kind="teams.expired")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [alice.pk, bob.pk, carol.pk]
    )
    assert balance(Kind.SHOPPER_HELD, user=alice) == 0
    assert balance(Kind.MERCHANT_PAYABLE, merchant=team_deal.deal.merchant) == 0
    assert balance(Kind.REFUNDS_PAID) + balance(Kind.GATEWAY_CLEARING) == 2 * TEAM_PRICE
    team_deal.refresh_from_db()
    assert team_deal.sold == 0
    assert_ledger_invariants()
    # and running it again changes nothing
    assert team_expire(team=opener.team).state == Team.State.EXPIRED
    assert teams_sweep()["expired"] == 0


def test_a_team_is_not_expired_before_its_window_ends():
    opener = team_open(actor=make_user(), team_deal=make_team_deal())
    assert team_expire(team=opener.team).state == Team.State.OPEN


def test_opening_a_team_schedules_its_refund_at_the_end_of_its_window(
    django_capture_on_commit_callbacks,
):
    HUEY.flush()
    # when a shopper opens a team (and another buys alone: no window to end)
    team_deal = make_team_deal(team_size=2)
    with django_capture_on_commit_callbacks(execute=True):
        opener = team_open(actor=make_user(), team_deal=team_deal)
        team_open(actor=make_user(), team_deal=team_deal, solo=True)
    # then the team's expiry waits in the queue for its deadline, the solo's not
    team = opener.team
    scheduled = [task for task in HUEY.scheduled() if task.name.endswith("expire_task")]
    assert [task.args for task in scheduled] == [(team.public_id,)]
    # Huey keeps naive UTC times.
    assert scheduled[0].eta == team.expires_at.replace(tzinfo=None)
    # and run before the deadline (a clock ahead) it leaves the team open
    assert team_expire_task.call_local(team.public_id) == Team.State.OPEN
    # at the deadline it refunds the paid opener
    pay(opener)
    expire_now(team)
    with django_capture_on_commit_callbacks(execute=True):
        assert team_expire_task.call_local(team.public_id) == Team.State.EXPIRED
    opener.refresh_from_db()
    assert opener.status == S.REFUNDED
    assert_ledger_invariants()
    HUEY.flush()


def test_a_payment_callback_for_a_team_that_expired_meanwhile_refunds_in_full():
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    expire_now(opener.team)
    # when the callback arrives after the window but before the job
    pay(opener)
    intent = PaymentIntent.objects.get(pk=opener.order.payment_intent_id)
    assert intent.refunded_fen == TEAM_PRICE
    assert opener.status == S.PENDING
    # then the job ends the team; nothing is refunded twice
    team_expire(team=opener.team)
    intent.refresh_from_db()
    assert intent.refunded_fen == TEAM_PRICE
    assert balance(Kind.SHOPPER_HELD, user=opener.shopper) == 0
    assert_ledger_invariants()


def test_a_payment_callback_after_the_job_expired_the_team_refunds_in_full():
    opener = team_open(actor=make_user(), team_deal=make_team_deal())
    expire_now(opener.team)
    team_expire(team=opener.team)
    pay(opener)
    intent = PaymentIntent.objects.get(pk=opener.order.payment_intent_id)
    assert intent.refunded_fen == intent.amount_fen == TEAM_PRICE
    assert balance(Kind.SHOPPER_HELD, user=opener.shopper) == 0
    assert_ledger_invariants()


def test_buying_alone_pays_the_solo_price_and_completes_at_once(
    django_capture_on_commit_callbacks,
):
    team_deal = make_team_deal()
    member = team_open(actor=make_user(), team_deal=team_deal, solo=True)
    assert member.team.size == 1 and member.order.amount_fen == SOLO_PRICE
    with django_capture_on_commit_callbacks(execute=True):
        pay(member)
    assert _state(member.team) == Team.State.COMPLETE
    member.order.refresh_from_db()
    assert member.order.charged_fen == SOLO_PRICE
    assert_ledger_invariants()


def test_put_me_in_any_team_picks_the_team_closest_to_completion():
    team_deal = make_team_deal(team_size=3, limit_per_shopper=1)
    far = team_open(actor=make_user(), team_deal=team_deal).team
    near = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=make_user(), team=near)
    placed = team_join_any(actor=make_user(), team_deal=team_deal)
    assert placed.team == near
    placed = team_join_any(actor=make_user(), team_deal=team_deal)
    assert placed.team == far  # near is full now


def test_put_me_in_any_team_with_none_open_is_a_clear_404():
    with pytest.raises(DomainError) as refusal:
        team_join_any(actor=make_user(), team_deal=make_team_deal())
    assert (refusal.value.code, refusal.value.status) == ("no_open_team", 404)


def test_an_abandoned_unpaid_place_is_freed_after_the_payment_window(settings):
    from groupbuy.deals.services import deal_orders_expire_unpaid

    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    deal_orders_expire_unpaid(
        now=timezone.now()
        + timedelta(minutes=settings.GROUPBUY_PAYMENT_WINDOW_MINUTES + 1)
    )
    # the deals app hands the expiry to the teams app: the place is freed at
    # once, and the sweep finds nothing left to free
    assert teams_sweep()["freed"] == 0
    opener.refresh_from_db()
    opener.team.refresh_from_db()
    team_deal.refresh_from_db()
    assert opener.status == S.CANCELLED
    assert (opener.team.member_count, team_deal.sold) == (0, 0)


def test_a_late_payment_for_an_order_the_payment_window_cancelled_is_refunded(
    settings,
):
    from groupbuy.deals.services import deal_orders_expire_unpaid

    opener = team_open(actor=make_user(), team_deal=make_team_deal())
    later = timezone.now() + timedelta(
        minutes=settings.GROUPBUY_PAYMENT_WINDOW_MINUTES + 1
    )
    deal_orders_expire_unpaid(now=later)
    # the callback lands after the place was freed
    pay(opener)
    intent = PaymentIntent.objects.get(pk=opener.order.payment_intent_id)
    assert opener.status == S.CANCELLED
    assert intent.refunded_fen == TEAM_PRICE
    assert balance(Kind.SHOPPER_HELD, user=opener.shopper) == 0
    assert_ledger_invariants()


# --- bad input: each a clear 4xx, nothing changed ---------------------------


def _unchanged(fn, code, status=409):
    counts = (
        Team.objects.count(),
        TeamMember.objects.count(),
        DealOrder.objects.count(),
        PaymentIntent.objects.count(),
        list(TeamDeal.objects.values_list("sold", flat=True)),
        list(Team.objects.values_list("member_count", flat=True)),
    )
    with pytest.raises(DomainError) as refusal:
        fn()
    assert (refusal.value.code, refusal.value.status) == (code, status)
    assert counts == (
        Team.objects.count(),
        TeamMember.objects.count(),
        DealOrder.objects.count(),
        PaymentIntent.objects.count(),
        list(TeamDeal.objects.values_list("sold", flat=True)),
        list(Team.objects.values_list("member_count", flat=True)),
    )
    return refusal.value


def test_joining_a_full_team_is_refused_and_offers_the_next_open_team():
    team_deal = make_team_deal(team_size=2, limit_per_shopper=1)
    full = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=make_user(), team=full)
    other = team_open(actor=make_user(), team_deal=team_deal).team
    refusal = _unchanged(lambda: team_join(actor=make_user(), team=full), "team_full")
    assert refusal.fields["next_team"] == [other.public_id]


def test_joining_an_expired_team_is_refused():
    team = team_open(actor=make_user(), team_deal=make_team_deal()).team
    expire_now(team)
    _unchanged(lambda: team_join(actor=make_user(), team=team), "team_expired")


def test_joining_my_own_team_is_refused():
    opener = team_open(actor=make_user(), team_deal=make_team_deal(team_size=3))
    _unchanged(lambda: team_join(actor=opener.shopper, team=opener.team), "own_team")


def test_a_second_team_where_the_limit_is_one_is_refused():
    team_deal = make_team_deal(limit_per_shopper=1)
    alice = make_user()
    team_open(actor=alice, team_deal=team_deal)
    other = team_open(actor=make_user(), team_deal=team_deal).team
    _unchanged(lambda: team_open(actor=alice, team_deal=team_deal), "limit_reached")
    _unchanged(lambda: team_join(actor=alice, team=other), "limit_reached")


def test_stock_is_never_oversold_across_teams():
    team_deal = make_team_deal(team_size=2, stock=3)
    first = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=make_user(), team=first)
    second = team_open(actor=make_user(), team_deal=team_deal).team
    _unchanged(lambda: team_join(actor=make_user(), team=second), "sold_out")
    _unchanged(lambda: team_open(actor=make_user(), team_deal=team_deal), "sold_out")


def test_opening_a_team_whose_window_would_pass_the_end_is_refused():
    team_deal = make_team_deal(window_hours=24, ends_in=timedelta(days=3))
    TeamDeal.objects.filter(pk=team_deal.pk).update(
        ends_at=timezone.now() + timedelta(hours=2)
    )
    team_deal.refresh_from_db()
    _unchanged(
        lambda: team_open(actor=make_user(), team_deal=team_deal),
        "team_window_past_end",
    )


def test_a_team_deal_cannot_be_joined_as_a_plain_deal():
    team_deal = make_team_deal()
    _unchanged(
        lambda: deal_join(actor=make_user(), deal=team_deal.deal, quantity=1),
        "team_mode",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"team_size": 1}, "team_size"),
        ({"team_size": 11}, "team_size"),
        ({"team_price_fen": SOLO_PRICE + 1}, "team_price_fen"),
        ({"team_price_fen": SOLO_PRICE}, "team_price_fen"),
        ({"window_hours": 24 * 4}, "window_hours"),
        # buyers' payments would wait in escrow for years
        ({"ends_at": timezone.now().replace(year=2099)}, "ends_at"),
        ({"stock": 0}, "stock"),
        # Numbers past the limits (a window of 10**20 hours overflowed: a 500).
        ({"window_hours": 10**20}, "window_hours"),
        ({"stock": 10**20}, "stock"),
        ({"solo_price_fen": 10**20, "team_price_fen": 10**19}, "solo_price_fen"),
        ({"solo_price_fen": 10**20, "team_price_fen": 10**19}, "team_price_fen"),
    ],
)
def test_bad_team_settings_are_refused_with_the_field_named(change, field):
    from groupbuy.deals.tests.factories import make_merchant, make_product

    now = timezone.now()
    fields = {
        "merchant": make_merchant(),
        "product": make_product(),
        "title": "Tea",
        "team_size": 2,
        "window_hours": 24,
        "team_price_fen": TEAM_PRICE,
        "solo_price_fen": SOLO_PRICE,
        "stock": 10,
        "starts_at": now,
        "ends_at": now + timedelta(days=3),
        **change,
    }
    refusal = _unchanged(
        lambda: team_deal_create(actor=None, **fields), "invalid_team_deal", 400
    )
    assert field in refusal.fields
    assert not TeamDeal.objects.exists()


def test_the_join_api_refuses_a_team_deal_as_a_plain_join(client):
    # given a deal sold in teams
    team_deal = make_team_deal()
    shopper = make_user()
    client.force_login(shopper)
    # when a shopper joins it through the plain join endpoint
    response = client.post(
        f"/api/deals/{team_deal.deal.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
    )
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "team_mode"
    assert not DealOrder.objects.filter(deal=team_deal.deal).exists()


def test_the_payment_reads_as_the_product_bought_not_an_internal_id():
    member = team_open(actor=make_user(), team_deal=make_team_deal())
    description = member.order.payment_intent.description
    assert description == f"1 × {member.team.team_deal.deal.title}"
    assert member.team.public_id not in description
