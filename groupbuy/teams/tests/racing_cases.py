"""Races shared by the SQLite (threads on a file) and PostgreSQL tests."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.db.models import Count

from groupbuy.deals.tests.racing import race
from groupbuy.escrow.models import LedgerAccount
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services import team_join, team_open
from groupbuy.teams.tests.factories import (
    TEAM_PRICE,
    assert_ledger_invariants,
    balance,
    make_team_deal,
    make_user,
    pay,
)


def last_slot_is_taken_once(*, racers: int, max_connections: int = 0) -> None:
    # given a team of 3 one place short, and another open team
    team_deal = make_team_deal(team_size=3, stock=100)
    team = team_open(actor=make_user(), team_deal=team_deal).team
    team_join(actor=make_user(), team=team)
    other = team_open(actor=make_user(), team_deal=team_deal).team
    shoppers = [make_user() for _ in range(racers)]
    # when every racer goes for the last place at once
    outcomes = race(
        [lambda s=s: team_join(actor=s, team=team) for s in shoppers],
        max_connections=max_connections,
    )
    # then exactly one wins; the rest are told it is full
    assert outcomes == Counter({"ok": 1, "team_full": racers - 1})
    team.refresh_from_db()
    assert team.member_count == 3
    assert team.members.count() == 3
    team_deal.refresh_from_db()
    assert team_deal.sold == 4
    assert other.members.count() == 1
    connection.close()


def stock_is_never_oversold_across_teams(
    *, teams: int, stock: int, racers: int, max_connections: int = 0
) -> None:
    team_deal = make_team_deal(team_size=2, stock=stock, limit_per_shopper=1)
    opened = [
        team_open(actor=make_user(), team_deal=team_deal).team for _ in range(teams)
    ]
    shoppers = [make_user() for _ in range(racers)]
    calls = [
        lambda s=s, t=opened[i % teams]: team_join(actor=s, team=t)
        for i, s in enumerate(shoppers)
    ]
    outcomes = race(calls, max_connections=max_connections)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    team_deal.refresh_from_db()
    members = TeamMember.objects.filter(team__team_deal=team_deal).count()
    assert team_deal.sold == members <= stock
    overfilled = (
        Team.objects.annotate(n=Count("members")).filter(n__gt=2).count()
        + Team.objects.filter(member_count__gt=2).count()
    )
    assert overfilled == 0
    assert TeamDeal.objects.get(pk=team_deal.pk).sold <= stock
    connection.close()


def racing_payments_complete_the_team_once() -> None:
    team_deal = make_team_deal(team_size=3)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    members = [opener] + [
        team_join(actor=make_user(), team=opener.team) for _ in range(2)
    ]
    outcomes = race([lambda m=m: pay(m) for m in members])
    assert outcomes == Counter({"ok": 3})
    # the completion task ran after one of the commits (immediate huey) or
    # the sweep finishes it
    from groupbuy.teams.services import teams_sweep

    teams_sweep()
    opener.team.refresh_from_db()
    assert opener.team.state == Team.State.COMPLETE
    merchant = team_deal.deal.merchant
    earned = balance(LedgerAccount.Kind.MERCHANT_PAYABLE, merchant=merchant) + balance(
        LedgerAccount.Kind.PLATFORM_REVENUE
    )
    assert earned == 3 * TEAM_PRICE
    assert_ledger_invariants()
    connection.close()


def one_shopper_never_exceeds_the_limit(
    *, attempts: int, limit: int, max_connections: int = 0
) -> None:
    # given a deal allowing ``limit`` teams per shopper and one eager shopper
    team_deal = make_team_deal(team_size=2, stock=100, limit_per_shopper=limit)
    alice = make_user()
    # when she opens teams from many tabs at once
    outcomes = race(
        [lambda: team_open(actor=alice, team_deal=team_deal)] * attempts,
        max_connections=max_connections,
    )
    # then exactly ``limit`` succeed; the rest are told the limit is reached
    assert outcomes == Counter({"ok": limit, "limit_reached": attempts - limit})
    held = TeamMember.objects.filter(shopper=alice, status__in=TeamMember.HOLDING)
    assert held.count() == limit
    team_deal.refresh_from_db()
    assert team_deal.sold == limit
    connection.close()


def stopping_the_deal_while_members_join_and_pay_refunds_each_once(
    *, teams: int, max_connections: int = 0
) -> None:
    from groupbuy.deals.services import deal_stop
    from groupbuy.escrow.models import PaymentIntent, Refund
    from groupbuy.teams.services import teams_sweep

    # given open teams of 3, each with a paid opener and an unpaid joiner
    team_deal = make_team_deal(team_size=3, stock=10 * teams)
    joiners = []
    for _ in range(teams):
        opener = team_open(actor=make_user(), team_deal=team_deal)
        pay(opener)
        joiners.append(team_join(actor=make_user(), team=opener.team))
    operator = make_user(is_staff=True)
    # when an operator stops the deal while joiners pay and strangers join
    calls = [lambda m=m: pay(m) for m in joiners]
    calls += [lambda t=m.team: team_join(actor=make_user(), team=t) for m in joiners]
    calls.append(lambda: deal_stop(actor=operator, deal=team_deal.deal))
    outcomes = race(calls, max_connections=max_connections)
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    teams_sweep()  # stops a team whose join raced the close
    # then nobody's money is left held by a team that is not complete
    live = TeamMember.objects.filter(
        team__team_deal=team_deal,
        status__in=[TeamMember.Status.PENDING, TeamMember.Status.PAID],
    )
    assert not live.exists()
    for member in TeamMember.objects.filter(team__team_deal=team_deal):
        intent = PaymentIntent.objects.get(pk=member.order.payment_intent_id)
        if member.status == TeamMember.Status.CONFIRMED:
            assert not Refund.objects.filter(intent=intent).exists()
        else:
            assert intent.remaining_held_fen == 0, (
                member.status,
                member.order.status,
                intent.status,
                intent.amount_fen,
                intent.refunded_fen,
                intent.released_fen,
            )
            assert Refund.objects.filter(intent=intent).count() <= 1
            if member.status == TeamMember.Status.REFUNDED:
                assert member.order.refunded_fen == intent.refunded_fen == TEAM_PRICE
            # (a cancelled member's payment that landed late was declined and
            # refunded in full by escrow: held nothing, checked above)
    assert_ledger_invariants()
    connection.close()


def stock_added_while_shoppers_buy_is_never_lost(
    *, buyers: int, additions: int, max_connections: int = 0
) -> None:
    """The owner adds units (two at a time) while shoppers buy the last ones."""
    from groupbuy.deals.tests.factories import make_merchant
    from groupbuy.teams.services import team_deal_add_stock

    owner = make_user()
    team_deal = make_team_deal(merchant=make_merchant(owner=owner), stock=3)
    shoppers = [make_user() for _ in range(buyers)]
    calls = [
        lambda s=s: team_open(actor=s, team_deal=team_deal, solo=True) for s in shoppers
    ] + [
        lambda: team_deal_add_stock(actor=owner, team_deal=team_deal, units=2)
        for _ in range(additions)
    ]
    outcomes = race(calls, max_connections=max_connections)
    assert set(outcomes) <= {"ok", "sold_out"}, outcomes
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert team_deal.stock == team_deal.deal.stock == 3 + 2 * additions
    bought = Team.objects.filter(team_deal=team_deal).count()
    assert outcomes["ok"] == bought + additions
    assert team_deal.sold == bought <= team_deal.stock
    connection.close()


def selling_for_longer_while_the_deal_closes_ends_closed(
    *, max_connections: int = 0
) -> None:
    """Closing wins whatever the order: an extension before it is ended by it,
    one after it is refused."""
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.deals.models import Deal
    from groupbuy.deals.services import deal_close_now
    from groupbuy.deals.tests.factories import make_merchant
    from groupbuy.teams.services import team_deal_extend

    owner = make_user()
    team_deal = make_team_deal(merchant=make_merchant(owner=owner))
    later = timezone.now() + timedelta(days=30)
    outcomes = race(
        [
            lambda: team_deal_extend(actor=owner, team_deal=team_deal, ends_at=later),
            lambda: deal_close_now(actor=owner, deal=team_deal.deal),
        ],
        max_connections=max_connections,
    )
    assert outcomes in ({"ok": 2}, {"ok": 1, "sales_ended": 1}), outcomes
    team_deal.refresh_from_db()
    team_deal.deal.refresh_from_db()
    assert team_deal.deal.state != Deal.State.OPEN
    assert team_deal.ends_at <= timezone.now()
    connection.close()


def paying_again_while_the_place_is_given_up_leaves_nothing_open(
    *, tabs: int, max_connections: int = 0
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from groupbuy.deals.models import DealOrder
    from groupbuy.deals.services import deal_orders_expire_unpaid
    from groupbuy.escrow.models import PaymentIntent
    from groupbuy.escrow.providers.base import PAYMENT_FAILED
    from groupbuy.escrow.tests.factories import apply_event, event_for
    from groupbuy.teams.services import team_member_payment_retry

    # given a team whose second place's payment was declined
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    shopper = make_user()
    member = team_join(actor=shopper, team=opener.team)
    apply_event(event_for(member.order.payment_intent, event_type=PAYMENT_FAILED))
    order = DealOrder.objects.get(pk=member.order_id)
    later = timezone.now() + timedelta(hours=1)
    # when its shopper pays again from several tabs as the expiry job gives it up
    calls = [
        lambda: team_member_payment_retry(actor=shopper, order=order)
        for _ in range(tabs)
    ] + [lambda: deal_orders_expire_unpaid(now=later)]
    outcomes = race(calls, max_connections=max_connections)
    # then at most one new payment was made, the place is given up, and no
    # payment for it is left open to pay
    assert not [o for o in outcomes if o.startswith("crash")], outcomes
    assert outcomes["ok"] in (1, 2), outcomes
    member.refresh_from_db()
    assert member.status == TeamMember.Status.CANCELLED
    intents = PaymentIntent.objects.filter(reference=order.public_id)
    assert intents.count() == outcomes["ok"]  # the declined one, and a retry
    assert not intents.filter(status=PaymentIntent.Status.REQUIRES_PAYMENT).exists()
    team = Team.objects.get(pk=opener.team_id)
    assert (team.state, team.member_count) == (Team.State.OPEN, 1)
    assert TeamDeal.objects.get(pk=team_deal.pk).sold == 1
    connection.close()


def members_refunding_a_complete_team_at_once_count_down_once_each() -> None:
    # given a complete team of three, each member's coupon issued
    from groupbuy.coupons.models import Coupon
    from groupbuy.coupons.services import coupon_refund_unused
    from groupbuy.teams.services import team_complete

    team_deal = make_team_deal(team_size=3)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    members = [opener] + [
        team_join(actor=make_user(), team=opener.team) for _ in range(2)
    ]
    for member in members:
        pay(member)
    team = team_complete(team=opener.team)
    assert team.state == Team.State.COMPLETE
    coupons = {m.pk: Coupon.objects.get(order_id=m.order_id) for m in members}
    # when every member refunds their coupon at once, each from two tabs
    outcomes = race(
        [
            lambda m=m: coupon_refund_unused(actor=m.shopper, coupon=coupons[m.pk])
            for m in members
            for _tab in range(2)
        ]
    )
    # then each place is released once: the team counts nobody, still complete
    assert outcomes == Counter({"ok": 6})
    team.refresh_from_db()
    assert (team.state, team.member_count) == (Team.State.COMPLETE, 0)
    statuses = set(
        TeamMember.objects.filter(team=team).values_list("status", flat=True)
    )
    assert statuses == {TeamMember.Status.REFUNDED}
    assert_ledger_invariants()
    connection.close()
