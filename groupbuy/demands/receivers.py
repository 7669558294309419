"""Connect the demands app to the deals app's documented extension points.

``order_refunded`` and ``order_cancelled`` (an order that left its deal): an
order made from a demand's accepted offer ends its participation
(``services/order_endings.py``).
"""

from __future__ import annotations

from groupbuy.deals import signals


def end_participation(sender, *, order, actor=None, reason="", **kwargs) -> None:
    from groupbuy.demands.services.order_endings import participation_end_with_order

    participation_end_with_order(actor=actor, order=order, reason=reason)


signals.order_refunded.connect(end_participation, dispatch_uid="demands.order_refunded")
signals.order_cancelled.connect(
    end_participation, dispatch_uid="demands.order_cancelled"
)
