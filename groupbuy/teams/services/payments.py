"""The escrow handlers for ``teams.member`` payments.

The capture handler runs inside escrow's capture transaction holding the
intent's lock: it marks the member (and its order) paid, or declines when the
member left or the team expired meanwhile, and escrow then refunds the payment
in full. Completing the team runs after commit, in its own transaction.
"""

from __future__ import annotations

from django.utils import timezone

from groupbuy.core.transactions import after_commit
from groupbuy.deals.models import Deal, DealOrder

MEMBER_PURPOSE = "teams.member"


def member_payment_captured(*, intent) -> bool:
    from groupbuy.teams.models import TeamMember
    from groupbuy.teams.services.common import push_team

    member = (
        TeamMember.objects.select_related("team", "order__deal")
        .filter(order__public_id=intent.reference)
        .first()
    )
    if member is None:
        return False
    now = timezone.now()
    if not _takes_payment(member, now=now):
        # Escrow refunds it in full in this transaction: the team's page, which
        # may have told this member nothing was charged, hears it after commit.
        push_team(member.team)
        return False
    team = member.team
    paid = TeamMember.objects.filter(
        pk=member.pk, status=TeamMember.Status.PENDING
    ).update(status=TeamMember.Status.PAID, paid_at=now)
    if not paid:
        return False
    DealOrder.objects.filter(
        pk=member.order_id, status=DealOrder.Status.PENDING_PAYMENT
    ).update(status=DealOrder.Status.PAID, paid_at=now, updated_at=now)
    push_team(team)
    after_commit(_complete_later, team.public_id)
    return True


def _takes_payment(member, *, now) -> bool:
    """Whether ``member``'s place still takes its payment: not left or given
    up, its team open and in time, its deal still selling."""
    from groupbuy.teams.models import Team, TeamMember

    if member.status != TeamMember.Status.PENDING:
        return False
    if member.order.status != DealOrder.Status.PENDING_PAYMENT:
        return False  # the payment window ended and the deals app cancelled it
    team = member.team
    if team.state != Team.State.OPEN or now >= team.expires_at:
        return False
    return member.order.deal.state == Deal.State.OPEN  # not stopped or closed


def _complete_later(team_public_id: str) -> None:
    from groupbuy.teams.tasks import team_complete_task

    team_complete_task(team_public_id)


def member_payment_failed(*, intent) -> None:
    """A declined payment leaves the member in place until the team's window
    or the payment window ends (the shopper may pay again)."""
    return None
