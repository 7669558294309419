"""A team's outcome: complete (every member confirmed) or expired (refunded).

``team_complete`` runs once every place is taken and paid: each member's money
goes from escrow to the merchant and each order is confirmed at the team price,
sending ``order_confirmed`` (coupons are issued). ``team_expire`` runs on a team
still short at the end of its window: paid members are refunded in full, unpaid
ones cancelled, and their units go back to the shared stock. Both take the team
row's lock first and change nothing when run again. A team every member
left (``team_member_leave``), none paying or paid, closes.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from groupbuy.core.audit import audit_log
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import issue_coupons_for_confirmed_order
from groupbuy.deals.signals import send_order_left
from groupbuy.escrow.services import (
    escrow_release,
    payment_intent_cancel,
    payment_intents_lock,
    payment_refund_locked,
)
from groupbuy.teams import notifications
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services.common import push_team

Status = TeamMember.Status
OrderStatus = DealOrder.Status


def _lock_team(team: Team) -> Team:
    return (
        Team.objects.select_for_update(of=("self",))
        .select_related("team_deal__deal__merchant")
        .get(pk=team.pk)
    )


def _lock_members(team: Team, statuses):
    """Lock the payment intents of ``team``'s members in ``statuses``, then
    read those members.

    The order matters: a capture marks its member paid while it holds the
    intent's lock, so a member read before that lock is taken may be stale
    (on PostgreSQL's READ COMMITTED, "pending" while the capture commits
    "paid"), and a stale member would be cancelled with its money kept.
    The team's lock keeps new members out meanwhile.
    """
    intent_ids = list(
        team.members.filter(status__in=statuses).values_list(
            "order__payment_intent_id", flat=True
        )
    )
    intents = payment_intents_lock(intent_ids=intent_ids)
    members = list(
        team.members.filter(
            status__in=statuses, order__payment_intent_id__in=intent_ids
        ).select_related("order__payment_intent", "shopper")
    )
    return members, intents


def team_complete(*, actor=None, team: Team) -> Team:
    """Confirm every member of a full, fully paid team at once."""
    with transaction.atomic():
        team = _lock_team(team)
        if team.state != Team.State.OPEN or team.member_count < team.size:
            return team
        members, intents = _lock_members(team, TeamMember.HOLDING)
        if len(members) < team.size or any(m.status != Status.PAID for m in members):
            return team
        now = timezone.now()
        deal = team.team_deal.deal
        to_pending = deal.settlement_mode == Deal.SettlementMode.ON_REDEMPTION
        for member in members:
            order = member.order
            intent = intents[order.payment_intent_id]
            escrow_release(
                actor=actor,
                intent=intent,
                merchant=deal.merchant,
                amount_fen=team.price_fen,
                idempotency_key=f"teams.complete:{order.public_id}",
                memo=deal.title,
                to_pending=to_pending,
                reference=order.public_id,
            )
            order.status = OrderStatus.CONFIRMED
            order.final_unit_price_fen = team.price_fen
            order.charged_fen = team.price_fen
            order.confirmed_at = now
            order.save(
                update_fields=[
                    "status",
                    "final_unit_price_fen",
                    "charged_fen",
                    "confirmed_at",
                    "updated_at",
                ]
            )
            member.status = Status.CONFIRMED
            member.save(update_fields=["status"])
            issue_coupons_for_confirmed_order(order=order, actor=actor)
            notifications.notify_team_complete(member)
        team.state = Team.State.COMPLETE
        team.completed_at = now
        team.save(update_fields=["state", "completed_at"])
        audit_log(
            actor=actor,
            action="teams.team.completed",
            obj=team,
            data={"members": len(members), "price_fen": team.price_fen},
        )
        push_team(team)
    return team


def _member_leaves(
    *, actor, team, member, intent, now, reason, stop_reason: str = ""
) -> None:
    order = member.order
    if member.status == Status.PAID:
        remaining = intent.remaining_held_fen
        if remaining > 0:
            payment_refund_locked(
                actor=actor,
                intent=intent,
                amount_fen=remaining,
                idempotency_key=f"teams.leave:{order.public_id}:{intent.public_id}",
                reason=reason,
            )
            intent.refresh_from_db()
        order.refunded_fen = intent.refunded_fen
        member.status = Status.REFUNDED
        order.status = OrderStatus.REFUNDED
    else:
        payment_intent_cancel(actor=actor, intent=intent)
        member.status = Status.CANCELLED
        if order.status == OrderStatus.PENDING_PAYMENT:
            order.status = OrderStatus.CANCELLED
    order.cancel_reason = reason
    order.cancelled_at = now
    fields = ["status", "cancel_reason", "cancelled_at", "refunded_fen", "updated_at"]
    if stop_reason:
        # the stopper's words, shown with the order as the deals app's own
        # orders of a stopped deal show them
        order.refund_reason = stop_reason
        fields.append("refund_reason")
    order.save(update_fields=fields)
    member.save(update_fields=["status"])
    TeamDeal.objects.filter(pk=team.team_deal_id, sold__gte=1).update(
        sold=F("sold") - 1
    )
    send_order_left(order=order, actor=actor, reason=reason)


def team_expire(*, actor=None, team: Team, now=None) -> Team:
    """Refund every paid member and cancel every unpaid one of a team still
    open at the end of its window; its units go back to the shared stock."""
    return _end_team(actor=actor, team=team, now=now, state=Team.State.EXPIRED)


def team_stop(*, actor=None, team: Team, now=None, stop=None) -> Team:
    """Refund every paid member and cancel every unpaid one of an open team
    now, whatever its window: its deal was stopped or closed early. ``stop``
    (the deals app's ``Stop``: who stopped the deal and why) is what the
    members are told and their orders keep."""
    return _end_team(
        actor=actor, team=team, now=now, state=Team.State.STOPPED, stop=stop
    )


def _end_team(*, actor, team: Team, now, state, stop=None) -> Team:
    with transaction.atomic():
        team = _lock_team(team)
        now = now or timezone.now()
        if team.state != Team.State.OPEN:
            return team
        if state == Team.State.EXPIRED and now < team.expires_at:
            return team
        members, intents = _lock_members(team, (Status.PENDING, Status.PAID))
        if state == Team.State.EXPIRED:
            reason = DealOrder.CancelReason.DEAL_FAILED
        elif stop is not None:
            reason = DealOrder.CancelReason.DEAL_STOPPED
        else:
            reason = DealOrder.CancelReason.DEAL_CLOSED
        for member in members:
            intent = intents[member.order.payment_intent_id]
            _member_leaves(
                actor=actor,
                team=team,
                member=member,
                intent=intent,
                now=now,
                reason=reason,
                stop_reason=stop.reason if stop is not None else "",
            )
            if state == Team.State.EXPIRED:
                notifications.notify_team_expired(member)
            else:
                notifications.notify_team_stopped(member, stop=stop)
        team.state = state
        team.expired_at = now
        team.save(update_fields=["state", "expired_at"])
        audit_log(
            actor=actor,
            action=f"teams.team.{state}",
            obj=team,
            data={"members": len(members)},
        )
        push_team(team)
    return team


def team_member_leave(*, actor, order: DealOrder, reason: str, refund: bool = True):
    """Take one member out of an open team (the deals app hands it a shopper's
    cancellation, a merchant's refund or the payment window's expiry): a paid
    member is refunded in full (only if ``refund``), an unpaid one cancelled;
    the place and the unit go back. Repeating it changes nothing."""
    member = TeamMember.objects.filter(order_id=order.pk).first()
    if member is None:
        return order
    with transaction.atomic():
        team = _lock_team(member.team)
        # The order's payment as it stands under the team's lock: paying again
        # (team_member_payment_retry, under the same lock) may have replaced the
        # one the caller read, and that new one must not stay open.
        intent_id = (
            DealOrder.objects.filter(pk=order.pk)
            .values_list("payment_intent_id", flat=True)
            .get()
        )
        # The intent's lock first, then the member (see _lock_members).
        intent = payment_intents_lock(intent_ids=[intent_id])[intent_id]
        member = TeamMember.objects.select_related("order", "shopper").get(pk=member.pk)
        leaving = (Status.PENDING, Status.PAID) if refund else (Status.PENDING,)
        if team.state != Team.State.OPEN or member.status not in leaving:
            return DealOrder.objects.get(pk=order.pk)
        _member_leaves(
            actor=actor,
            team=team,
            member=member,
            intent=intent,
            now=timezone.now(),
            reason=reason,
        )
        Team.objects.filter(pk=team.pk, member_count__gte=1).update(
            member_count=F("member_count") - 1
        )
        audit_log(
            actor=actor,
            action="teams.member.left",
            obj=member.order,
            data={
                "team": team.public_id,
                "reason": reason,
                "refunded_fen": member.order.refunded_fen,
            },
        )
        if reason == DealOrder.CancelReason.SHOPPER and member.order.refunded_fen:
            # The shopper left by choice: their refund's receipt, in the inbox
            # beside the page's message (a shop's refund is the deals app's
            # to tell, an expired payment had nothing to refund).
            notifications.notify_team_left(member)
        _close_if_empty(actor=actor, team=team, last=member, now=timezone.now())
        push_team(team)
    return member.order


def _close_if_empty(*, actor, team: Team, last: TeamMember | None, now) -> None:
    """Close the locked ``team`` once nobody holds a place in it.

    Until 2026-12-06 it stayed open with no member: listed for others to join
    ("2 more needed"), while its opener, whose payment had run out, was
    promised a refund of nothing. ``last``, the member whose leaving emptied
    it, is told when their payment ran out (leaving by choice, they know).
    """
    if team.members.filter(status__in=TeamMember.HOLDING).exists():
        return
    team.state = Team.State.CLOSED
    team.expired_at = now
    team.save(update_fields=["state", "expired_at"])
    reason = last.order.cancel_reason if last is not None else ""
    audit_log(
        actor=actor, action="teams.team.closed", obj=team, data={"reason": reason}
    )
    if reason == DealOrder.CancelReason.PAYMENT_EXPIRED:
        notifications.notify_team_closed(last)


def team_deal_closing(
    *, actor=None, deal: Deal, now, stopping: bool, stop=None
) -> None:
    """The deals app is about to close ``deal`` (order keeper hook).

    Sales end now (no team opens or takes a member after this). ``stopping``
    (an operator stops the deal): every team not yet complete is stopped and
    refunded. Otherwise (deadline, or closed early): a full team whose members
    all paid completes, a team past its window expires, the rest are stopped.
    Complete teams are left alone. Each team is its own transaction.
    ``stop``: who stopped the deal and why, told to the stopped teams' members.
    """
    team_deal = TeamDeal.objects.filter(deal_id=deal.pk).first()
    if team_deal is None:
        return
    TeamDeal.objects.filter(pk=team_deal.pk, ends_at__gt=now).update(ends_at=now)
    for team in Team.objects.filter(team_deal=team_deal, state=Team.State.OPEN):
        if not stopping and team.member_count >= team.size:
            team = team_complete(actor=actor, team=team)
        if team.state != Team.State.OPEN:
            continue
        if not stopping and now >= team.expires_at:
            team_expire(actor=actor, team=team, now=now)
        else:
            team_stop(actor=actor, team=team, now=now, stop=stop)


def _free_abandoned_places(*, now) -> int:
    """Free the place of a member whose order the deals app cancelled (payment
    window over): the slot and the unit go back, the intent is cancelled."""
    freed = 0
    abandoned = TeamMember.objects.filter(
        status=Status.PENDING,
        team__state=Team.State.OPEN,
        order__status=OrderStatus.CANCELLED,
    ).values_list("team_id", flat=True)
    for team in Team.objects.filter(pk__in=list(abandoned)):
        with transaction.atomic():
            team = _lock_team(team)
            if team.state != Team.State.OPEN:
                continue
            members, intents = _lock_members(team, [Status.PENDING])
            for member in members:
                if member.order.status != OrderStatus.CANCELLED:
                    continue
                payment_intent_cancel(
                    actor=None, intent=intents[member.order.payment_intent_id]
                )
                member.status = Status.CANCELLED
                member.save(update_fields=["status"])
                Team.objects.filter(pk=team.pk, member_count__gte=1).update(
                    member_count=F("member_count") - 1
                )
                TeamDeal.objects.filter(pk=team.team_deal_id, sold__gte=1).update(
                    sold=F("sold") - 1
                )
                freed += 1
            _close_if_empty(actor=None, team=team, last=None, now=now)
            push_team(team)
    return freed


def _close_empty_teams(*, now) -> int:
    """Close open teams nobody holds a place in (left so before teams closed
    when their last member left)."""
    closed = 0
    for team in Team.objects.filter(state=Team.State.OPEN, member_count=0):
        with transaction.atomic():
            team = _lock_team(team)
            if team.state != Team.State.OPEN:
                continue
            _close_if_empty(actor=None, team=team, last=None, now=now)
            closed += team.state == Team.State.CLOSED
            push_team(team)
    return closed


def teams_sweep(*, now=None) -> dict:
    """The periodic job: expire teams past their window, complete full paid
    teams whose completion was lost, free abandoned places, close teams
    nobody is left in."""
    now = now or timezone.now()
    expired = 0
    for team in Team.objects.filter(state=Team.State.OPEN, expires_at__lte=now):
        expired += team_expire(team=team, now=now).state == Team.State.EXPIRED
    # A team whose deal closed without it (a join that raced the close) is
    # stopped: its deal takes no payment any more.
    orphans = Team.objects.filter(state=Team.State.OPEN).exclude(
        team_deal__deal__state=Deal.State.OPEN
    )
    for team in orphans:
        expired += team_stop(team=team, now=now).state == Team.State.STOPPED
    completed = 0
    full = Team.objects.filter(state=Team.State.OPEN, member_count=F("size"))
    for team in full:
        completed += team_complete(team=team).state == Team.State.COMPLETE
    freed = _free_abandoned_places(now=now)
    closed = _close_empty_teams(now=now)
    return {
        "expired": expired,
        "completed": completed,
        "freed": freed,
        "closed": closed,
    }
