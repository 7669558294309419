"""Reading a shopper's places in teams: my teams, where a place's payment
stands, and whether (and for how much) a place can be left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from groupbuy.core.errors import Conflict, DomainError
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.selectors.teams import PAID_PLACES


def member_was_charged(member: TeamMember | None) -> bool:
    """Whether ``member`` paid for their place (refunded since, perhaps; a
    payment that arrived after the place was given up included), for the team
    page to tell a member of a team that did not fill whether money goes back."""
    if member is None:
        return False
    if member.status in (*PAID_PLACES, TeamMember.Status.REFUNDED):
        return True
    return bool(member.order.late_refund_fen)


def my_memberships(*, user):
    return (
        TeamMember.objects.filter(shopper=user)
        .select_related("team__team_deal__deal", "order__payment_intent")
        .order_by("-joined_at", "-id")
    )


class PaymentState(StrEnum):
    """Where a member's payment for their place stands, as the team page says it."""

    TO_PAY = "to_pay"  # not paid on the provider's page yet
    AWAITING_OUTCOME = "awaiting_outcome"  # submitted there, its answer not here
    RECEIVED = "received"  # paid, the place not marked paid yet
    DECLINED = "declined"  # the provider declined it


@dataclass(frozen=True)
class MemberPayment:
    """A member's payment for a place still awaiting it, and by when the
    place is given up unpaid."""

    state: PaymentState
    intent: object
    pay_by: datetime
    can_pay_again: bool = False

    @property
    def is_on_its_way(self) -> bool:
        """Paid on the provider's page, the place not marked paid yet."""
        return self.state in (PaymentState.AWAITING_OUTCOME, PaymentState.RECEIVED)


def member_payment(member: TeamMember | None, *, now=None) -> MemberPayment | None:
    """The payment of ``member``'s place while it awaits payment, else None."""
    from groupbuy.escrow.models import PaymentIntent
    from groupbuy.teams.services import member_pay_by, member_payment_retry_refusal

    if member is None or member.status != TeamMember.Status.PENDING:
        return None
    intent = member.order.payment_intent
    if intent is None:
        return None
    now = now or timezone.now()
    pay_by = member_pay_by(member)
    if intent.is_payable:
        return MemberPayment(PaymentState.TO_PAY, intent, pay_by)
    if intent.is_awaiting_outcome:
        return MemberPayment(PaymentState.AWAITING_OUTCOME, intent, pay_by)
    if intent.status == PaymentIntent.Status.SUCCEEDED:
        return MemberPayment(PaymentState.RECEIVED, intent, pay_by)
    if intent.status == PaymentIntent.Status.FAILED:
        refusal = member_payment_retry_refusal(member, now=now)
        return MemberPayment(
            PaymentState.DECLINED, intent, pay_by, can_pay_again=refusal is None
        )
    return None


def member_status_label(member: TeamMember) -> str:
    """The place's state as My teams says it, where the payment part of the team
    page (``member_payment``) says more than the member's status: a payment on
    its way is not "awaiting payment", nor is one declined (the shopper may pay
    again until the place is given up); a payment that arrived after the place
    was cancelled was refunded, which "cancelled" alone would hide; a place
    given up unpaid says so."""
    payment = member_payment(member)
    if payment is not None and payment.is_on_its_way:
        return _("Payment being confirmed")
    if payment is not None and payment.state == PaymentState.DECLINED:
        if not payment.can_pay_again:
            return _("Payment declined, the time to pay has run out")
        return _("Payment declined: pay again by %(time)s to keep your place") % {
            "time": time_format(timezone.localtime(payment.pay_by), "H:i")
        }
    is_cancelled = member.status == TeamMember.Status.CANCELLED
    if is_cancelled and member.order.late_refund_fen:
        return _("Cancelled, payment refunded")
    if is_cancelled and member.order.cancel_reason == "payment_expired":
        return member.order.get_cancel_reason_display()  # "Not paid in time"
    return member.get_status_display()


def membership_of(*, user, team: Team) -> TeamMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        team.members.filter(shopper=user)
        .select_related("order__payment_intent")
        .order_by("-id")
        .first()
    )


def member_leave_refusal(member: TeamMember) -> DomainError | None:
    """Return why ``member`` cannot leave their team now (None when they can):
    a place awaiting payment or paid in a team still forming may be left (a
    paid one is refunded in full); a complete team's places are confirmed
    orders with their coupons, and an ended team's were refunded already."""
    leaving = (TeamMember.Status.PENDING, TeamMember.Status.PAID)
    if member.team.state == Team.State.COMPLETE:
        return Conflict(
            "team_complete",
            _(
                "Your team is complete and this order is confirmed, so it can no "
                "longer be cancelled."
            ),
        )
    if member.status not in leaving or member.team.state != Team.State.OPEN:
        return Conflict(
            "team_ended",
            _("This team is no longer forming, so its places can no longer be left."),
        )
    return None


def order_leave_refusals(orders, *, now) -> dict[int, DomainError | None]:
    """``deals.order_keepers`` hook: why the shopper of each of ``orders``
    cannot leave the place it holds now, by order pk (None when they can, or
    when it holds none); one query for the lot."""
    members = TeamMember.objects.select_related("team").filter(
        order_id__in=[order.pk for order in orders]
    )
    refusals = {member.order_id: member_leave_refusal(member) for member in members}
    return {order.pk: refusals.get(order.pk) for order in orders}


def member_leave_refund_fen(member: TeamMember | None, *, now=None) -> int | None:
    """What leaving gives ``member`` back now, in fen (0 for a place not paid
    yet), or None when they cannot leave (the deals app's cancel rule, the
    keeper's included: ``order_cancel_refusal``). What the team page's Leave
    offers."""
    from groupbuy.deals.selectors import order_paid_fen
    from groupbuy.deals.services import order_cancel_refusal

    if member is None or member.status not in TeamMember.HOLDING:
        return None
    if order_cancel_refusal(member.order, now=now or timezone.now()) is not None:
        return None
    return order_paid_fen(order=member.order)
