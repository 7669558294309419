"""Connect the coupons app to the deals app's documented extension points.

``order_confirmed`` issues the order's coupon: from the settlement batch's
follow-up job, after the money moved (a failure leaves the order awaiting its
follow-up, retried by the every-minute sweep), or inside the transaction of an
order settled on its own (team outcomes, a batch settled order by order).
``order_refunded``
and ``order_cancelled`` (an order that left its deal) revoke it, unless the
coupon's own refund or expiry refunded the order (it is revoked with its own
reason, or expired, already).
"""

from __future__ import annotations

from groupbuy.deals import signals


def issue_on_confirmation(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.services import coupon_issue_for_order

    coupon_issue_for_order(actor=actor, order=order)


def revoke_on_refund(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.models import Revocation
    from groupbuy.coupons.services import coupon_revoke_for_order

    coupon_revoke_for_order(
        actor=actor, order=order, reason=Revocation.Reason.ORDER_REFUNDED
    )


def revoke_on_cancel(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.models import Revocation
    from groupbuy.coupons.services import coupon_revoke_for_order

    coupon_revoke_for_order(
        actor=actor, order=order, reason=Revocation.Reason.ORDER_CANCELLED
    )


signals.order_confirmed.connect(issue_on_confirmation, dispatch_uid="coupons.issue")
signals.order_refunded.connect(revoke_on_refund, dispatch_uid="coupons.order_refunded")
signals.order_cancelled.connect(
    revoke_on_cancel, dispatch_uid="coupons.order_cancelled"
)
