from groupbuy.core.errors import DomainError


class SharingError(DomainError):
    """A sharing rule refused the request (code, human message, fields)."""
