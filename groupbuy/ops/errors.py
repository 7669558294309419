from groupbuy.core.errors import DomainError


class OpsError(DomainError):
    """A rule of operations refused the request (code + human message)."""
