from groupbuy.core.errors import DomainError


class SnapError(DomainError):
    """Snap refused a request: an unusable photo, a label it cannot apply…"""
