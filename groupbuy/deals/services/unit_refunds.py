"""A shop's owner refunds some units of a paid order while its group buy is
open (部分退款), with a reason the shopper is told.

The units leave the order and go back to the deal's stock; their price, as the
order paid it up front, goes back to the shopper from escrow (the newest of the
order's payments first) through the ordinary refund path. The order stays paid
with its other units, and is charged the final price for those at close.
Refunding every unit of it is the whole refund (``cancel_locked``).

Locks as every deals service: the deal, then the order's intents, then the
order. Each refund is one ``OrderUnitRefund`` row carrying the request's
one-time key (unique per person), so the same request sent twice refunds once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, DealOrder, OrderUnitRefund
from groupbuy.deals.notifications import notify_order_units_refunded
from groupbuy.deals.order_keepers import keeper_for
from groupbuy.deals.services.cancelling import cancel_locked
from groupbuy.deals.services.common import (
    Reason,
    State,
    Status,
    check_can_manage,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.services.payments import lock_order_intents
from groupbuy.escrow.services import payment_refund_locked

REASON_MAX_LENGTH = 200


def deal_order_refund_units(
    *,
    actor,
    deal: Deal,
    order_id: str,
    units: int,
    reason: str,
    idempotency_key: str = "",
) -> OrderUnitRefund:
    """Refund ``units`` of the paid order ``order_id`` of the open ``deal``,
    for its shop's owners and operators; return the refund.

    With ``idempotency_key``, the same request sent again returns the first
    refund and moves nothing; the key sent for another order or number of
    units is refused (409 idempotency_key_reused). More units than the order
    holds is a 409 ``more_than_paid``, nothing changed.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    reason = _checked_reason(reason)
    if not isinstance(units, int) or isinstance(units, bool) or units < 1:
        message = _("Refund at least one unit.")
        raise DealError("invalid", message, fields={"units": [message]})
    asked = {"order_id": order_id, "units": units}
    try:
        with transaction.atomic():
            deal = lock_deal(deal)
            earlier = _refunded_with(actor, idempotency_key, **asked)
            if earlier is not None:
                return earlier
            return _refund_locked(actor, deal, asked, reason, idempotency_key)
    except IntegrityError:
        # The same key, sent for another deal's order at the same moment, won.
        earlier = _refunded_with(actor, idempotency_key, **asked)
        if earlier is None:
            raise
        return earlier


def _checked_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason or len(reason) > REASON_MAX_LENGTH:
        message = _("Say why you refund these units (at most 200 characters).")
        raise DealError("invalid", message, fields={"reason": [message]})
    return reason


def _refunded_with(
    actor, idempotency_key: str, *, order_id: str, units: int
) -> OrderUnitRefund | None:
    """The refund ``actor`` made with ``idempotency_key`` if it is the one
    asked for; None if the key made none (or there is no key)."""
    if not idempotency_key or not getattr(actor, "pk", None):
        return None
    earlier = (
        OrderUnitRefund.objects.filter(
            refunded_by=actor, idempotency_key=idempotency_key
        )
        .select_related("order__deal")
        .first()
    )
    if earlier is None:
        return None
    if (earlier.order.public_id, earlier.units) != (order_id, units):
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already refunded other units; send a new "
                "key for a new refund."
            ),
        )
    return earlier


def _refund_locked(
    actor, deal: Deal, asked: dict, reason: str, idempotency_key: str
) -> OrderUnitRefund:
    order = DealOrder.objects.filter(deal=deal, public_id=asked["order_id"]).first()
    if order is None:
        raise NotFound("not_found", _("There is no such order."))
    _check_refundable(deal, order)
    # The order's intents, then its row: the lock order of every deals service.
    intents = lock_order_intents([order]).get(order.public_id, [])
    order = DealOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
    _check_refundable(deal, order)  # the shopper may have just cancelled it
    units = asked["units"]
    if units > order.quantity:
        raise _more_than_paid(order)
    refund = OrderUnitRefund.objects.create(
        order=order,
        units=units,
        amount_fen=units * order.unit_price_cap_fen,
        reason=reason,
        refunded_by=actor if getattr(actor, "pk", None) else None,
        idempotency_key=idempotency_key if getattr(actor, "pk", None) else "",
    )
    if units == order.quantity:
        order = _refund_every_unit(actor, deal, order, refund)
    else:
        order = _refund_some_units(actor, deal, order, intents, refund)
    audit_log(
        actor=actor,
        action="deals.order.units_refunded_by_merchant",
        obj=order,
        data={
            "refund": refund.public_id,
            "units": units,
            "amount_fen": refund.amount_fen,
            "quantity_left": order.quantity if order.is_active else 0,
            "reason": reason,
        },
    )
    refund.order = order
    # Queued in this transaction and sent after it commits (notify): a refund
    # rolled back tells the shopper nothing.
    notify_order_units_refunded(refund)
    push_progress_on_commit(deal)
    return refund


def _check_refundable(deal: Deal, order: DealOrder) -> None:
    if keeper_for(order) is not None:
        raise Conflict(
            "kept_order",
            _(
                "This order is held by another part of the shop (a team place); "
                "refund it whole instead."
            ),
        )
    if deal.state != State.OPEN:
        raise Conflict(
            "deal_closed",
            _(
                "This group buy has closed; refund the unused units of its "
                "coupon instead."
            ),
        )
    if order.status != Status.PAID:
        raise Conflict("not_paid", _("Only a paid order's units can be refunded."))


def more_than_paid_message(quantity: int) -> str:
    """What refusing more units than an order of ``quantity`` holds says."""
    return ngettext(
        "This order has %(count)s unit paid; refund at most that many.",
        "This order has %(count)s units paid; refund at most that many.",
        quantity,
    ) % {"count": quantity}


def _more_than_paid(order: DealOrder) -> Conflict:
    message = more_than_paid_message(order.quantity)
    return Conflict("more_than_paid", message, fields={"units": [message]})


def _refund_every_unit(actor, deal, order, refund) -> DealOrder:
    """The whole order: as the shop's refund of an order."""
    reason = Reason.OPERATOR if getattr(actor, "is_staff", False) else Reason.MERCHANT
    order = cancel_locked(
        actor=actor, deal=deal, order=order, reason=reason, now=timezone.now()
    )
    order.refund_reason = refund.reason
    order.save(update_fields=["refund_reason", "updated_at"])
    return order


def _refund_some_units(actor, deal, order, intents, refund) -> DealOrder:
    """Give back ``refund``'s amount from the order's newest payments first,
    and take its units out of the order and the deal's sold units."""
    left = refund.amount_fen
    for intent in sorted(intents, key=lambda i: i.pk, reverse=True):
        part = min(left, intent.remaining_held_fen)
        if part > 0:
            payment_refund_locked(
                actor=actor,
                intent=intent,
                amount_fen=part,
                idempotency_key=f"deals.order.units:{refund.public_id}:"
                f"{intent.public_id}",
                reason=refund.reason,
            )
            left -= part
    if left:
        # An operator refunded part of the payment straight from escrow.
        raise Conflict(
            "not_held",
            _("Part of this order's payment was already refunded; refund it whole."),
        )
    DealOrder.objects.filter(pk=order.pk).update(
        quantity=F("quantity") - refund.units,
        amount_fen=F("amount_fen") - refund.amount_fen,
        refunded_fen=F("refunded_fen") + refund.amount_fen,
        updated_at=timezone.now(),
    )
    Deal.objects.filter(pk=deal.pk, sold__gte=refund.units).update(
        sold=F("sold") - refund.units
    )
    order.refresh_from_db()
    return order
