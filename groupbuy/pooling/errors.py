from groupbuy.core.errors import DomainError


class PoolingError(DomainError):
    """A pooled-order rule refused the request (promotions, requests, pools)."""
