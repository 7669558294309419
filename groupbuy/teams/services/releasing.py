"""A complete team's place whose order was refunded in whole afterwards.

Once a team completes, its members' orders are confirmed and their coupons
issued; a place can no longer be left (``409 team_complete``). Its
order may still be refunded in whole by the coupons app: the coupon's unit
refunded unused by its shopper or its shop, or expired under "refund the
shopper". The deals app then marks the order refunded and sends
``order_refunded`` (``deal_order_units_refunded``), and the place is released
here: refunded, and no longer counted among the team's members. The team
stays complete: the others keep the team price they were confirmed at, and
nobody new joins a team that succeeded. The unit is not put back on sale (a
group buy's coupon refund leaves its deal's ``sold`` as it is too).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from groupbuy.core.audit import audit_log
from groupbuy.deals.models import DealOrder
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services.common import push_team


def team_place_release(*, actor, order: DealOrder) -> TeamMember | None:
    """Release the confirmed place of ``order``, refunded in whole; return the
    member (None for an order that is no team place). Nothing changes for an
    order not refunded, or a place not confirmed: a place of a team still
    forming leaves through ``team_member_leave``, which refunds it itself.
    Safe to repeat: the place turns refunded in one conditional UPDATE, and
    only the call that turned it counts the team down."""
    member = TeamMember.objects.filter(order_id=order.pk).first()
    if member is None or order.status != DealOrder.Status.REFUNDED:
        return member
    with transaction.atomic():
        released = TeamMember.objects.filter(
            pk=member.pk, status=TeamMember.Status.CONFIRMED
        ).update(status=TeamMember.Status.REFUNDED)
        if not released:
            return member
        Team.objects.filter(pk=member.team_id, member_count__gte=1).update(
            member_count=F("member_count") - 1
        )
        member.refresh_from_db()
        audit_log(
            actor=actor,
            action="teams.member.refunded_after_completion",
            obj=order,
            data={
                "team": member.team.public_id,
                "reason": order.cancel_reason,
                "refunded_fen": order.refunded_fen,
            },
        )
        push_team(member.team)
    return member
