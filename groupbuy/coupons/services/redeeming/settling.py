"""Settle a redemption: move its share of the order's money from
merchant-pending to payable when the deal settles on redemption."""

from __future__ import annotations

from groupbuy.coupons.models import Redemption


def settles_on_redemption(order) -> bool:
    """Return whether ``order``'s money waits in merchant-pending for its coupon.

    Deals settled on close paid the merchant then; only deals settled on
    redemption move money when a coupon is used.
    """
    return order.deal.settlement_mode == order.deal.SettlementMode.ON_REDEMPTION


def settle_redemption(*, actor, redemption: Redemption) -> None:
    """Move the redeemed share from merchant-pending to payable (escrow's rule).

    Runs inside the redemption's transaction, so a redemption and its
    settlement commit together; the idempotency key makes a retry harmless.
    """
    from groupbuy.escrow.services import escrow_settle_redemption

    if not settles_on_redemption(redemption.coupon.order):
        return  # the deal paid the merchant when it closed
    escrow_settle_redemption(
        actor=actor,
        order=redemption.coupon.order,
        amount_fen=redemption.amount_fen,
        idempotency_key=settlement_key(redemption),
    )


def settlement_key(redemption: Redemption) -> str:
    """Return the escrow key ``redemption`` settles under (a claim reinstated
    after being superseded settles again, under a fresh key)."""
    key = f"coupons.redemption:{redemption.nonce}"
    if redemption.settlement_round:
        return f"{key}:{redemption.settlement_round}"
    return key
