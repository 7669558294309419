"""Locking the orders a close or a settlement works on."""

from __future__ import annotations

from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.order_keepers import exclude_kept
from groupbuy.deals.services.payments import lock_order_intents


def lock_live_orders(
    deal: Deal, statuses, *, after_pk: int = 0, limit=None, lean: bool = False
):
    """Lock the intents, then the orders, of ``deal``'s orders in ``statuses``.

    ``lean`` reads only what a bulk batch needs of the orders (no shopper).
    Orders another app keeps (``order_keepers``) are left out.
    """
    live = exclude_kept(deal.orders.filter(status__in=statuses, pk__gt=after_pk))
    live = live.order_by("pk")
    if limit is not None:
        live = live.filter(pk__in=list(live.values_list("pk", flat=True)[:limit]))
    # Public ids only: model instances of a related manager's query would read
    # their deferred deal id back one query each.
    references = live.values_list("public_id", flat=True)
    intents = lock_order_intents([DealOrder(public_id=ref) for ref in references])
    locked = live.select_for_update(of=("self",))
    if lean:
        locked = locked.only("public_id", "deal", "quantity", "amount_fen", "status")
    else:
        locked = locked.select_related("shopper", "deal")
    orders = list(locked)
    return intents, orders
