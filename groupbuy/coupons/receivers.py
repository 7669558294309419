"""Connect the coupons app to the deals app's documented extension points.

``order_confirmed`` issues the order's coupon inside the settle transaction
(a failure rolls the settlement back; the sweep retries). ``order_refunded``
and ``order_cancelled`` (added by the money work; absent in older trees, hence
the guarded lookup) revoke it.
"""

from __future__ import annotations

from groupbuy.deals import signals


def issue_on_confirmation(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.services import coupon_issue_for_order

    coupon_issue_for_order(actor=actor, order=order)


def revoke_on_refund(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.services import coupon_revoke_for_order

    coupon_revoke_for_order(actor=actor, order=order, reason="order_refunded")


def revoke_on_cancel(sender, *, order, actor=None, **kwargs) -> None:
    from groupbuy.coupons.services import coupon_revoke_for_order

    coupon_revoke_for_order(actor=actor, order=order, reason="order_cancelled")


signals.order_confirmed.connect(issue_on_confirmation, dispatch_uid="coupons.issue")
for _name, _receiver in (
    ("order_refunded", revoke_on_refund),
    ("order_cancelled", revoke_on_cancel),
):
    _signal = getattr(signals, _name, None)
    if _signal is not None:
        _signal.connect(_receiver, dispatch_uid=f"coupons.{_name}")
