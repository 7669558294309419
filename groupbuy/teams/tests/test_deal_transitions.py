"""Deal-level transitions of a deal in team mode (stop, close, settle, expiry
of unpaid orders, a shopper's or merchant's cancellation through the deals app):
the money of every team order goes through escrow exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.core.errors import DomainError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import (
    deal_close,
    deal_close_now,
    deal_order_cancel,
    deal_orders_expire_unpaid,
    deal_settle,
    deal_stop,
    deals_close_due,
)
from groupbuy.deals.services.refunds import deal_order_refund
from groupbuy.escrow.models import LedgerAccount, PaymentIntent, Refund
from groupbuy.notify.models import Notification
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services import team_complete, team_join, team_open
from groupbuy.teams.tests.factories import (
    TEAM_PRICE,
    assert_ledger_invariants,
    balance,
    make_team_deal,
    make_user,
    pay,
)

pytestmark = pytest.mark.django_db
Kind = LedgerAccount.Kind
S = TeamMember.Status
OS = DealOrder.Status


def _operator():
    return make_user(is_staff=True)


def _fresh(*objects):
    for obj in objects:
        obj.refresh_from_db()
    return objects


def _three_teams(stock=20):
    """A complete team (2 paid), an open team with a paid and an unpaid member,
    and an open team with one paid opener."""
    team_deal = make_team_deal(team_size=2, stock=stock)
    shoppers = [make_user() for _ in range(5)]
    full_opener = team_open(actor=shoppers[0], team_deal=team_deal)
    pay(full_opener)
    full_friend = team_join(actor=shoppers[1], team=full_opener.team)
    pay(full_friend)
    team_complete(team=full_opener.team)  # (the job after commit, in tests)
    paid_opener = team_open(actor=shoppers[2], team_deal=team_deal)
    pay(paid_opener)
    unpaid_opener = team_open(actor=shoppers[3], team_deal=team_deal)
    return team_deal, shoppers, full_opener, full_friend, paid_opener, unpaid_opener


def _refunds_of(member) -> int:
    return Refund.objects.filter(intent=member.order.payment_intent).count()


def _assert_refunded_once(member):
    member.refresh_from_db()
    member.order.refresh_from_db()
    intent = PaymentIntent.objects.get(pk=member.order.payment_intent_id)
    assert member.status == S.REFUNDED
    assert member.order.status == OS.REFUNDED
    assert member.order.refunded_fen == TEAM_PRICE
    assert intent.refunded_fen == TEAM_PRICE
    assert intent.remaining_held_fen == 0
    assert _refunds_of(member) == 1
    assert balance(Kind.SHOPPER_HELD, user=member.shopper) == 0


def test_stopping_a_team_deal_refunds_every_paid_member_through_escrow(
    django_capture_on_commit_callbacks,
):
    # given a complete team and two open teams (one paid, one unpaid member)
    team_deal, _shoppers, full_a, full_b, paid, unpaid = _three_teams()
    merchant = team_deal.deal.merchant
    earned_before = balance(Kind.MERCHANT_PAYABLE, merchant=merchant) + balance(
        Kind.PLATFORM_REVENUE
    )
    assert earned_before == 2 * TEAM_PRICE
    # when an operator stops the deal
    with django_capture_on_commit_callbacks(execute=True):
        deal = deal_stop(actor=_operator(), deal=team_deal.deal)
    # then the paid member of the open team is refunded through escrow, once
    _assert_refunded_once(paid)
    # the unpaid one is cancelled and its payment intent cancelled
    unpaid.refresh_from_db()
    unpaid.order.refresh_from_db()
    assert unpaid.status == S.CANCELLED
    assert unpaid.order.status == OS.CANCELLED
    intent = PaymentIntent.objects.get(pk=unpaid.order.payment_intent_id)
    assert intent.status == PaymentIntent.Status.CANCELLED
    # the complete team is left alone: confirmed, the merchant keeps its money
    for member in (full_a, full_b):
        member.refresh_from_db()
        member.order.refresh_from_db()
        assert member.status == S.CONFIRMED
        assert member.order.status == OS.CONFIRMED
        assert _refunds_of(member) == 0
    assert (
        balance(Kind.MERCHANT_PAYABLE, merchant=merchant)
        + balance(Kind.PLATFORM_REVENUE)
        == earned_before
    )
    # the open teams are stopped, no place is held, the deal is closed
    states = sorted(Team.objects.values_list("state", flat=True))
    assert states == ["complete", "stopped", "stopped"]
    assert deal.state in (Deal.State.FAILED, Deal.State.SETTLED)
    team_deal.refresh_from_db()
    assert team_deal.sold == 2
    assert balance(Kind.REFUNDS_PAID) + balance(Kind.GATEWAY_CLEARING) == TEAM_PRICE
    assert Notification.objects.filter(kind="teams.stopped").count() == 2
    assert_ledger_invariants()
    # and stopping again is refused; it and settling again change nothing
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(DomainError) as refused:
            deal_stop(actor=_operator(), deal=team_deal.deal)
        assert refused.value.code == "deal_closed"
        deal_settle(deal=team_deal.deal)
        deals_close_due()
    _assert_refunded_once(paid)
    assert Refund.objects.count() == 1
    assert balance(Kind.REFUNDS_PAID) + balance(Kind.GATEWAY_CLEARING) == TEAM_PRICE
    assert_ledger_invariants()


def test_a_stopped_team_deal_takes_no_new_team_and_no_join():
    team_deal, _shoppers, *_rest, unpaid = _three_teams()
    deal_stop(actor=_operator(), deal=team_deal.deal)
    with pytest.raises(DomainError):
        team_open(actor=make_user(), team_deal=TeamDeal.objects.get(pk=team_deal.pk))
    with pytest.raises(DomainError):
        team_join(actor=make_user(), team=Team.objects.get(pk=unpaid.team_id))


def test_a_payment_arriving_after_the_stop_is_refunded_in_full():
    team_deal, _shoppers, *_rest, unpaid = _three_teams()
    deal_stop(actor=_operator(), deal=team_deal.deal)
    pay(unpaid)
    intent = PaymentIntent.objects.get(pk=unpaid.order.payment_intent_id)
    # whatever the callback found, escrow holds nothing for it
    assert intent.remaining_held_fen == 0
    unpaid.order.refresh_from_db()
    assert unpaid.order.status == OS.CANCELLED
    assert_ledger_invariants()


def test_closing_a_team_deal_now_refunds_open_teams_and_completes_paid_full_ones(
    django_capture_on_commit_callbacks,
):
    team_deal = make_team_deal(team_size=2)
    a, b, c = make_user(), make_user(), make_user()
    first = team_open(actor=a, team_deal=team_deal)
    pay(first)
    friend = team_join(actor=b, team=first.team)
    # the friend's payment arrives but the completion (after commit) never ran
    pay(friend)
    lonely = team_open(actor=c, team_deal=team_deal)
    pay(lonely)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close_now(actor=_operator(), deal=team_deal.deal)
    first.team.refresh_from_db()
    assert first.team.state == Team.State.COMPLETE
    _assert_refunded_once(lonely)
    assert_ledger_invariants()


def test_close_now_on_the_console_says_how_the_team_deal_ended(
    client, django_capture_on_commit_callbacks
):
    # given a team deal with one complete team and one lonely paid opener, and
    # its owner reading English
    team_deal = make_team_deal(team_size=2)
    owner = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=owner, merchant=team_deal.deal.merchant, role="owner"
    )
    a, b, c = make_user(), make_user(), make_user()
    first = team_open(actor=a, team_deal=team_deal)
    pay(first)
    with django_capture_on_commit_callbacks(execute=True):
        pay(team_join(actor=b, team=first.team))
    pay(team_open(actor=c, team_deal=team_deal))
    client.force_login(owner)
    # when the owner closes it now on the console
    deal = team_deal.deal
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            f"/merchant/{deal.merchant.public_id}/deals/{deal.public_id}/close/",
            follow=True,
        )
    # then the message is the teams' outcome, not a tier's price nor "failed"
    html = page.content.decode()
    assert "The group buy is closed. Ended: 1 team completed, 1 refunded." in html, (
        html[-3000:]
    )


def test_a_team_deals_owner_is_not_told_it_failed_when_a_team_completed(
    django_capture_on_commit_callbacks,
):
    # given a team deal with one complete team (its row has no paid order of
    # its own, so it closes "failed" while the teams say how it ended)
    team_deal = make_team_deal(team_size=2)
    owner = make_user(preferred_language="en")
    merchant_membership_add(
        actor=None, user=owner, merchant=team_deal.deal.merchant, role="owner"
    )
    first = team_open(actor=make_user(), team_deal=team_deal)
    pay(first)
    with django_capture_on_commit_callbacks(execute=True):
        pay(team_join(actor=make_user(), team=first.team))
    # when an operator closes it now
    with django_capture_on_commit_callbacks(execute=True):
        deal_close_now(actor=_operator(), deal=team_deal.deal)
    # then the deals app tells its owner nothing about the outcome: it is the
    # teams' (deals/shop_notifications.py covers deals sold by their row)
    assert not Notification.objects.filter(
        recipient=owner, kind__startswith="deals.shop."
    ).exists()


def test_the_deadline_close_and_settle_never_mark_a_team_order_refunded_unpaid(
    django_capture_on_commit_callbacks,
):
    # given a team still open when the deal row's deadline passes (sweep late)
    team_deal = make_team_deal(team_size=3)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    Deal.objects.filter(pk=team_deal.deal_id).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    TeamDeal.objects.filter(pk=team_deal.pk).update(
        ends_at=timezone.now() - timedelta(hours=1)
    )
    Team.objects.filter(pk=opener.team_id).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    # when the deals app's sweep closes and settles the deal
    with django_capture_on_commit_callbacks(execute=True):
        deals_close_due()
        deals_close_due()
    # then the member was refunded through escrow exactly once
    _assert_refunded_once(opener)
    opener.team.refresh_from_db()
    assert opener.team.state == Team.State.EXPIRED
    assert_ledger_invariants()


def test_deal_close_leaves_a_paid_team_order_it_does_not_hold_alone():
    # the deals app closing early (forced) must not mark a team order refunded
    # without its money: whatever happens, escrow and the order agree
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    deal_close(deal=team_deal.deal, force=True)
    deal_settle(deal=team_deal.deal)
    opener.order.refresh_from_db()
    intent = PaymentIntent.objects.get(pk=opener.order.payment_intent_id)
    assert opener.order.refunded_fen == intent.refunded_fen
    if opener.order.status == OS.REFUNDED:
        assert intent.refunded_fen == TEAM_PRICE
    assert_ledger_invariants()


def test_a_shopper_cancelling_a_paid_team_order_is_refunded_and_frees_the_place():
    team_deal = make_team_deal(team_size=3)
    alice = make_user()
    opener = team_open(actor=alice, team_deal=team_deal)
    pay(opener)
    joiner = team_join(actor=make_user(), team=opener.team)
    pay(joiner)
    deal_order_cancel(actor=joiner.shopper, order=joiner.order)
    _assert_refunded_once(joiner)
    team = Team.objects.get(pk=opener.team_id)
    assert (team.state, team.member_count) == (Team.State.OPEN, 1)
    team_deal.refresh_from_db()
    assert team_deal.sold == 1
    # cancelling again changes nothing
    deal_order_cancel(actor=joiner.shopper, order=joiner.order)
    _assert_refunded_once(joiner)
    assert_ledger_invariants()


def test_a_merchant_refunding_a_paid_team_order_refunds_it_through_escrow():
    team_deal = make_team_deal(team_size=3)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    pay(opener)
    owner = make_user()
    merchant_membership_add(
        actor=None, user=owner, merchant=team_deal.deal.merchant, role="owner"
    )
    deal_order_refund(actor=owner, deal=team_deal.deal, order_id=opener.order.public_id)
    _assert_refunded_once(opener)
    assert Team.objects.get(pk=opener.team_id).member_count == 0
    assert_ledger_invariants()


def test_the_payment_window_expiry_cancels_an_unpaid_team_order_and_its_intent(
    settings,
):
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 0
    team_deal = make_team_deal(team_size=2)
    opener = team_open(actor=make_user(), team_deal=team_deal)
    deal_orders_expire_unpaid(now=timezone.now() + timedelta(minutes=1))
    opener.refresh_from_db()
    opener.order.refresh_from_db()
    assert (opener.status, opener.order.status) == (S.CANCELLED, OS.CANCELLED)
    intent = PaymentIntent.objects.get(pk=opener.order.payment_intent_id)
    assert intent.status == PaymentIntent.Status.CANCELLED
    team_deal.refresh_from_db()
    assert team_deal.sold == 0


def test_a_stopped_team_buys_members_are_told_who_stopped_it_and_why(
    django_capture_on_commit_callbacks,
):
    # given a team buy of a shop, an open team with a paid and an unpaid member
    owner = make_user()
    team_deal = make_team_deal(team_size=3)
    merchant_membership_add(
        actor=None, user=owner, merchant=team_deal.deal.merchant, role="owner"
    )
    paid = team_open(actor=make_user(preferred_language="en"), team_deal=team_deal)
    pay(paid)
    unpaid = team_join(actor=make_user(preferred_language="zh-hans"), team=paid.team)
    # when the owner stops the deal with a reason
    with django_capture_on_commit_callbacks(execute=True):
        deal_stop(actor=owner, deal=team_deal.deal, reason="Supplier out of stock")
    # then each member reads that the shop stopped it, and the shop's words
    note = Notification.objects.get(recipient=paid.shopper, kind="teams.stopped")
    assert note.body == (
        "The shop stopped this team buy before your team filled; whatever you "
        "paid is refunded in full. The shop says: “Supplier out of stock”"
    )
    assert (note.data["stopped_by"], note.data["reason"]) == (
        "merchant",
        "Supplier out of stock",
    )
    note = Notification.objects.get(recipient=unpaid.shopper, kind="teams.stopped")
    assert "Supplier out of stock" in note.body
    assert note.data["stopped_by"] == "merchant"
    # and both orders keep it as a stopped deal's own orders do
    for member, status in ((paid, OS.REFUNDED), (unpaid, OS.CANCELLED)):
        member.order.refresh_from_db()
        assert (
            member.order.status,
            member.order.cancel_reason,
            member.order.refund_reason,
        ) == (status, "deal_stopped", "Supplier out of stock")


def test_a_team_stopped_by_the_platform_without_a_reason_says_so():
    team_deal = make_team_deal(team_size=2)
    paid = team_open(actor=make_user(preferred_language="en"), team_deal=team_deal)
    pay(paid)
    deal_stop(actor=_operator(), deal=team_deal.deal)
    note = Notification.objects.get(recipient=paid.shopper, kind="teams.stopped")
    assert note.body == (
        "The platform stopped this team buy before your team filled; whatever "
        "you paid is refunded in full."
    )
    assert (note.data["stopped_by"], note.data["reason"]) == ("platform", "")
