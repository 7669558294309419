from groupbuy.core.errors import DomainError


class AccountError(DomainError):
    pass
