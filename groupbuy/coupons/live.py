"""What the coupons app pushes to open pages: a coupon's state, to its
shopper's own sockets (``ws/me/``), so the coupon page they hold up at the till
shows it redeemed (or how many units are left) as the cashier records it."""

from __future__ import annotations

from groupbuy.coupons.models import Coupon
from groupbuy.realtime import publish, user_group


def coupon_event(coupon: Coupon) -> dict:
    """Return the JSON pushed when ``coupon``'s units or status change (never
    its code: the page asks for itself again)."""
    return {
        "type": "coupons.coupon.updated",
        "coupon_id": coupon.public_id,
        "status": coupon.status,
        "quantity": coupon.quantity,
        "redeemed_quantity": coupon.redeemed_quantity,
        "remaining_quantity": coupon.remaining_quantity,
    }


def publish_coupon_state(coupon: Coupon, *, shopper=None) -> None:
    """Push ``coupon`` as it stands now to its shopper (``shopper`` when the
    caller has them at hand) once the transaction commits (nothing for one that
    rolls back)."""
    shopper = shopper or coupon.shopper
    publish(user_group(shopper.public_id), coupon_event(coupon))
