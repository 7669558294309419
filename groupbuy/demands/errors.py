from groupbuy.core.errors import DomainError


class DemandError(DomainError):
    """A buyer-demand rule refused the request (deposits, joins, offers)."""
