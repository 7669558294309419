from groupbuy.core.errors import DomainError


class ModerationError(DomainError):
    """A moderation rule refused the request (code, human message, fields)."""
