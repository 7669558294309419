"""A declined payment for a place, and paying again for the same place.

A declined ``teams.member`` payment leaves the member's place held, awaiting
payment, as the deals app does for an order: the member may get a new payment
for it until the payment window (counted from the join, the deals app's
``GROUPBUY_PAYMENT_WINDOW_MINUTES``) or the team's window ends, whichever comes
first. After that the deals app's expiry job hands the order back to
``team_member_leave``, which gives the place and its unit back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, DomainError, NotFound
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services.payment_retry import payment_window
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import payment_intent_create, payment_intents_lock
from groupbuy.teams.models import Team, TeamMember
from groupbuy.teams.services.common import team_url
from groupbuy.teams.services.payments import MEMBER_PURPOSE


def member_pay_by(member: TeamMember):
    """When an unpaid place is given up: at the end of the payment window, or
    of the team's window if that comes first."""
    return min(member.order.joined_at + payment_window(), member.team.expires_at)


def member_payment_retry_refusal(member: TeamMember, *, now) -> DomainError | None:
    """Return why ``member`` cannot get a new payment now (None when it can)."""
    order, intent = member.order, member.order.payment_intent
    if (
        member.status != TeamMember.Status.PENDING
        or order.status != DealOrder.Status.PENDING_PAYMENT
        or intent is None
    ):
        return Conflict("not_payable", _("This place is not waiting for payment."))
    if intent.status != PaymentIntent.Status.FAILED:
        return Conflict(
            "payment_not_declined", _("Your payment for this place is still open.")
        )
    team = member.team
    if team.state != Team.State.OPEN or now >= team.expires_at:
        return Conflict("team_expired", _("This team has expired."))
    if now >= member_pay_by(member):
        return Conflict(
            "payment_window_over", _("The time to pay for this place has run out.")
        )
    if team.team_deal.deal.state != Deal.State.OPEN:
        return Conflict("deal_closed", _("This team buy is not open."))
    return None


def order_payment_retry_refusal(order: DealOrder, *, now) -> DomainError | None:
    """``deals.order_keepers`` hook: why the place ``order`` holds cannot get a
    new payment now (None when it can)."""
    member = (
        TeamMember.objects.select_related(
            "team__team_deal__deal", "order__payment_intent"
        )
        .filter(order_id=order.pk)
        .first()
    )
    if member is None:
        return Conflict("not_payable", _("This place is not waiting for payment."))
    return member_payment_retry_refusal(member, now=now)


def team_member_payment_retry(*, actor, order: DealOrder) -> DealOrder:
    """Give ``actor``'s place (its ``order``), whose payment was declined, a new
    payment to make; return the order with it.

    Allowed until the place is given up (``member_pay_by``). Repeating the call
    after it succeeded changes nothing: the new payment is open, so there is
    nothing to retry (``payment_not_declined``).
    """
    member = TeamMember.objects.filter(order_id=order.pk).first()
    if member is None or member.shopper_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such order."))
    with transaction.atomic():
        # The lock order of every team service: the team, then the intent,
        # then the member and its order (see services.common).
        Team.objects.select_for_update(of=("self",)).get(pk=member.team_id)
        payment_intents_lock(intent_ids=[order.payment_intent_id])
        member = TeamMember.objects.select_related(
            "team__team_deal__deal", "order__payment_intent"
        ).get(pk=member.pk)
        refusal = member_payment_retry_refusal(member, now=timezone.now())
        if refusal is not None:
            raise refusal
        order, declined = member.order, member.order.payment_intent
        order.payment_intent = payment_intent_create(
            actor=actor,
            payer=actor,
            amount_fen=declined.amount_fen,
            purpose=MEMBER_PURPOSE,
            reference=order.public_id,
            description=declined.description,
            return_url=team_url(member.team),
        )
        order.save(update_fields=["payment_intent", "updated_at"])
        audit_log(
            actor=actor,
            action="teams.member.payment_retried",
            obj=order,
            data={
                "team": member.team.public_id,
                "declined_intent": declined.public_id,
                "intent": order.payment_intent.public_id,
            },
        )
    return order
