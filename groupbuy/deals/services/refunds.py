"""A merchant refunds one order of its open group buy.

The order leaves the deal (its units go back to stock) and whatever of its
payment is still in escrow goes back to the shopper, through the same path as a
shopper's own cancellation (``cancelling.cancel_locked``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.notifications import notify_order_refunded
from groupbuy.deals.order_keepers import keeper_for
from groupbuy.deals.services.cancelling import cancel_locked
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    check_can_manage,
    lock_deal,
)
from groupbuy.deals.signals import send_order_left

REASON_MAX_LENGTH = 200


def deal_order_refund(
    *, actor, deal: Deal, order_id: str, reason: str = ""
) -> DealOrder:
    """Refund the paid order ``order_id`` of ``deal`` in full, for the merchant's
    owners and operators, while the group buy is open. Refunding it again is
    refused (the order is no longer paid).

    ``reason`` is the merchant's own words; it is stored on the order, shown to
    the shopper and written to the audit log.
    """
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX_LENGTH:
        message = _("Keep the reason to at most %(n)s characters.") % {
            "n": REASON_MAX_LENGTH
        }
        raise DealError("invalid", message, fields={"reason": [message]})
    order = DealOrder.objects.filter(deal=deal, public_id=order_id).first()
    if order is not None and (keeper := keeper_for(order)):
        # Another app holds this order's money and takes its own locks.
        check_can_manage(actor=actor, merchant=deal.merchant)
        deal.refresh_from_db(fields=["state"])
        _check_refundable(deal, order)
        order = keeper.order_leave(
            actor=actor, order=order, reason=_reason(actor), refund=True
        )
        return _record_reason(actor=actor, order=order, reason=reason)
    with transaction.atomic():
        deal = lock_deal(deal)
        check_can_manage(actor=actor, merchant=deal.merchant)
        # Under the deal lock a paid order stays paid: closing, the shopper's
        # cancellation and this service all take that lock first.
        order = DealOrder.objects.filter(deal=deal, public_id=order_id).first()
        if order is None:
            raise NotFound("not_found", _("There is no such order."))
        _check_refundable(deal, order)
        order = cancel_locked(
            actor=actor,
            deal=deal,
            order=order,
            reason=_reason(actor),
            now=timezone.now(),
        )
        return _record_reason(actor=actor, order=order, reason=reason)


@transaction.atomic
def _record_reason(*, actor, order: DealOrder, reason: str) -> DealOrder:
    if reason:
        order.refund_reason = reason
        order.save(update_fields=["refund_reason", "updated_at"])
    audit_log(
        actor=actor,
        action="deals.order.refund_requested",
        obj=order,
        data={"reason": reason, "refunded_fen": order.refunded_fen},
    )
    notify_order_refunded(order)
    return order


def _reason(actor) -> str:
    return Reason.OPERATOR if getattr(actor, "is_staff", False) else Reason.MERCHANT


def _check_refundable(deal: Deal, order: DealOrder) -> None:
    if deal.state != State.OPEN:
        raise Conflict(
            "deal_closed",
            _("This group buy has closed; its orders can no longer be refunded."),
        )
    if order.status != Status.PAID:
        raise Conflict("not_paid", _("Only a paid order can be refunded."))


def deal_order_units_refunded(
    *,
    actor,
    order_id: int,
    amount_fen: int,
    every_unit: bool,
    reason: str = "",
    refund_reason: str = "",
) -> DealOrder:
    """Record on a confirmed order the money another app gave back for some of
    its units after the deal closed (a coupon's unused units, refunded or
    expired under "refund the shopper"): ``refunded_fen`` grows by
    ``amount_fen``, so every page, list, CSV and the sales figures count it.

    ``every_unit``: none of the order's units was used, so the order is
    refunded (``status`` refunded, ``cancel_reason`` ``reason``, the shop's
    words ``refund_reason``) and ``order_refunded`` is sent, as for every
    order that leaves refunded (a demand's participation ends with it; a
    team place, an order another app keeps, is released by that app on it);
    a partly refunded order stays confirmed, with the amount refunded shown
    beside it.

    Call it inside the transaction that moves the money, once per refund: the
    caller's own record of the refund (written in that transaction) is what
    makes a repeat move nothing. Takes the order's row lock; callers take it
    before escrow's locks, as the deals services do.
    """
    order = DealOrder.objects.select_for_update(of=("self",)).get(pk=order_id)
    order.refunded_fen += amount_fen
    fields = ["refunded_fen", "updated_at"]
    # An order another app keeps (a team place) is refunded as any other: the
    # money moved, and order_refunded tells that app to release its place.
    # (Until 2026-12-06 it stayed confirmed, and its team still counted it.)
    if every_unit and order.status == Status.CONFIRMED:
        order.status = Status.REFUNDED
        order.cancel_reason = reason
        order.refund_reason = refund_reason[:REASON_MAX_LENGTH]
        order.cancelled_at = timezone.now()
        fields += ["status", "cancel_reason", "refund_reason", "cancelled_at"]
    order.save(update_fields=fields)
    audit_log(
        actor=actor,
        action="deals.order.units_refunded",
        obj=order,
        data={
            "amount_fen": amount_fen,
            "refunded_fen": order.refunded_fen,
            "status": order.status,
        },
    )
    if "status" in fields:
        # Once, as the order turns refunded; inside the caller's transaction,
        # as the deals services send it, so what receivers write commits or
        # rolls back with the refund.
        send_order_left(order=order, actor=actor, reason=reason)
    return order
