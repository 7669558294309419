from groupbuy.core.errors import DomainError


class CatalogError(DomainError):
    """A catalog rule refused a change (bad GTIN, duplicate, not allowed…)."""
