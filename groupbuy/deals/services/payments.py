"""An order's money: every payment intent applied to it, taken together.

An order is paid by one intent (what the shopper pays on joining), or by several
(a demand's deposit applied with ``payment_intent_apply``, then the rest). Each
intent's purpose is ``deals.order`` and its reference the order's public id;
the amounts count together toward the order's ``amount_fen``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, F, Func, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from groupbuy.deals.models import DealOrder
from groupbuy.escrow.batch import RefundOrder, Release
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.services import (
    escrow_release,
    payment_intents_lock,
    payment_refund_locked,
)

ORDER_PURPOSE = "deals.order"


def order_intents_query(order_public_ids: Iterable[str]):
    return PaymentIntent.objects.filter(
        purpose=ORDER_PURPOSE, reference__in=list(order_public_ids)
    )


def lock_order_intents(orders) -> dict[str, list[PaymentIntent]]:
    """Lock every intent of ``orders`` (pk order); return them by order public id.

    Call before locking the orders themselves (the lock order in ``common``).
    """
    references = [order.public_id for order in orders]
    ids = order_intents_query(references).values_list("pk", flat=True)
    by_order: dict[str, list[PaymentIntent]] = defaultdict(list)
    for intent in payment_intents_lock(intent_ids=ids).values():
        by_order[intent.reference].append(intent)
    return by_order


def order_held_fen(purposes: Iterable[str] = (ORDER_PURPOSE,)):
    """Return, as an expression on DealOrder rows, the fen its intents of
    ``purposes`` (its own, by default) still hold in escrow (0 if none)."""
    # A bare SUM (no GROUP BY) over the order's intents, filtered by reference
    # only, so the database reads them by the reference index: with the status
    # in the WHERE clause (or grouped), SQLite scanned every intent per order.
    succeeded_held = Case(
        When(
            status=PaymentIntent.Status.SUCCEEDED,
            then=F("amount_fen") - F("refunded_fen") - F("released_fen"),
        ),
        default=Value(0),
    )
    held = (
        PaymentIntent.objects.filter(reference=OuterRef("public_id"))
        .filter(purpose__in=list(purposes))
        .order_by()
        .annotate(fen=Func(succeeded_held, function="SUM"))
        .values("fen")
    )
    return Coalesce(Subquery(held), Value(0))


def confirmable_orders(deal):
    """Return the deal's paid orders whose intents still hold their whole amount,
    counted in SQL (a deal may have tens of thousands of orders)."""
    return deal.orders.filter(status=DealOrder.Status.PAID).filter(
        amount_fen__lte=order_held_fen()
    )


def captured_fen(order) -> int:
    """Return what the order's succeeded intents brought in, refunds aside."""
    succeeded = order_intents_query([order.public_id]).filter(
        status=PaymentIntent.Status.SUCCEEDED
    )
    return sum(succeeded.values_list("amount_fen", flat=True))


def held_fen(intents: list[PaymentIntent]) -> int:
    return sum(intent.remaining_held_fen for intent in intents)


def refunded_fen(intents: list[PaymentIntent]) -> int:
    return sum(intent.refunded_fen for intent in intents)


def refund_all_held(*, actor, intents, idempotency_key: str, reason: str) -> int:
    """Refund whatever escrow still holds for these intents; return their total
    refunded (locked, fresh intents; one refund key per intent)."""
    for intent in intents:
        if intent.remaining_held_fen > 0:
            payment_refund_locked(
                actor=actor,
                intent=intent,
                amount_fen=intent.remaining_held_fen,
                idempotency_key=f"{idempotency_key}:{intent.public_id}",
                reason=reason,
            )
            intent.refresh_from_db()
    return refunded_fen(intents)


def charge(
    *, actor, deal, order, intents, charged_fen: int, key: str, to_pending: bool
) -> int:
    """Release ``charged_fen`` of the order's held money to the merchant (from
    the oldest intent first) and refund the rest; return the amount refunded
    now."""
    left = charged_fen
    for intent in intents:
        part = min(left, intent.remaining_held_fen)
        if part > 0:
            escrow_release(
                actor=actor,
                intent=intent,
                merchant=deal.merchant,
                amount_fen=part,
                idempotency_key=f"{key}:release:{intent.public_id}",
                memo=deal.title,
                to_pending=to_pending,
                reference=order.public_id,
            )
            intent.refresh_from_db()
            left -= part
    if left:
        raise ValueError(f"{order.public_id}: {left} fen of the charge not held")
    before = refunded_fen(intents)
    return (
        refund_all_held(
            actor=actor,
            intents=intents,
            idempotency_key=f"{key}:refund",
            reason="final_price",
        )
        - before
    )


def charge_plan(
    *, intents, charged_fen: int, key: str, reference: str
) -> tuple[list[Release], list[RefundOrder]]:
    """Return what ``charge`` would move, for a batch: the releases (oldest intent
    first) and the refunds of the rest, under ``charge``'s idempotency keys."""
    left, releases = charged_fen, []
    for intent in intents:
        part = min(left, intent.remaining_held_fen)
        if part > 0:
            releases.append(
                Release(intent, part, f"{key}:release:{intent.public_id}", reference)
            )
            left -= part
    if left:
        raise ValueError(f"{reference}: {left} fen of the charge not held")
    released = {release.intent.pk: release.amount_fen for release in releases}
    refunds = [
        RefundOrder(intent, rest, f"{key}:refund:{intent.public_id}", "final_price")
        for intent in intents
        if (rest := intent.remaining_held_fen - released.get(intent.pk, 0)) > 0
    ]
    return releases, refunds
