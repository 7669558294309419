from groupbuy.core.errors import DomainError


class TeamError(DomainError):
    """A team-buy rule refused the request (400 unless a subclass says)."""
