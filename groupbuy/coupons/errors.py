from groupbuy.core.errors import DomainError


class CouponError(DomainError):
    """A coupon rule refused an action (bad code, used up, not yours…)."""
