"""A declined payment, and paying again for the same order.

A declined ``deals.order`` intent leaves its order awaiting payment with its
units reserved; the shopper may get a new intent for it until the payment
window (counted from the join) ends, after which the expiry job releases it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.deals.errors import DealError
from groupbuy.deals.links import order_page_url
from groupbuy.deals.models import DealOrder
from groupbuy.deals.order_keepers import keeper_for
from groupbuy.deals.services.common import State, Status
from groupbuy.deals.services.payments import ORDER_PURPOSE
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import payment_intent_create


def order_payment_failed(*, intent) -> None:
    """Failure handler for ``deals.order``: keep the order for another try.

    A declined payment leaves the order awaiting payment, so its payer can try
    again (``deal_order_payment_retry``) until the payment window ends; the
    expiry job then releases the units as for any unpaid order. The payer's
    socket already hears of the intent's failure (escrow pushes it).
    """
    audit_log(
        actor=None,
        action="deals.order.payment_declined",
        obj=DealOrder.objects.filter(public_id=intent.reference).first() or intent,
        data={"intent": intent.public_id},
    )


def payment_window() -> timedelta:
    return timedelta(minutes=settings.GROUPBUY_PAYMENT_WINDOW_MINUTES)


def _not_payable() -> DealError:
    return Conflict("not_payable", _("This order is not waiting for payment."))


def order_payment_retry_refusal(order: DealOrder, *, now) -> DealError | None:
    """Return why ``order`` cannot get a new payment now (None when it can);
    the keeper of a kept order (a team place) answers for it."""
    if keeper := keeper_for(order):
        if keeper.payment_retry_refusal is None:
            return _not_payable()
        return keeper.payment_retry_refusal(order, now=now)
    intent = order.payment_intent
    if order.status != Status.PENDING_PAYMENT or intent is None:
        return _not_payable()
    if intent.status != PaymentIntent.Status.FAILED:
        return Conflict(
            "payment_not_declined", _("Your payment for this order is still open.")
        )
    if now >= order.joined_at + payment_window():
        return Conflict(
            "payment_window_over", _("The time to pay for this order has run out.")
        )
    if order.deal.state != State.OPEN or now >= order.deal.deadline_at:
        return Conflict("deal_closed", _("This group buy has closed."))
    return None


def deal_order_payment_retry(*, actor, order: DealOrder) -> DealOrder:
    """Give ``actor``'s order, whose payment was declined, a new payment to make.

    Allowed until the order's payment window ends. Repeating the call after it
    succeeded changes nothing: the new payment is open, so there is nothing to
    retry (``payment_not_declined``).
    """
    if order.shopper_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("There is no such order."))
    if keeper := keeper_for(order):
        # Another app holds this order's money, under its own purpose and locks.
        if keeper.payment_retry is None:
            raise _not_payable()
        return keeper.payment_retry(actor=actor, order=order)
    with transaction.atomic():
        order = (
            DealOrder.objects.select_for_update(of=("self",))
            .select_related("deal", "payment_intent")
            .get(pk=order.pk)
        )
        refusal = order_payment_retry_refusal(order, now=timezone.now())
        if refusal is not None:
            raise refusal
        declined = order.payment_intent
        order.payment_intent = payment_intent_create(
            actor=actor,
            payer=actor,
            # What the declined one asked for: the rest of the order when a
            # deposit already paid part of it (payment_intent_apply).
            amount_fen=declined.amount_fen,
            purpose=ORDER_PURPOSE,
            reference=order.public_id,
            description=declined.description,
            return_url=order_page_url(order),
        )
        order.save(update_fields=["payment_intent", "updated_at"])
        audit_log(
            actor=actor,
            action="deals.order.payment_retried",
            obj=order,
            data={
                "declined_intent": declined.public_id,
                "intent": order.payment_intent.public_id,
            },
        )
    return order
