from groupbuy.core.errors import DomainError


class AccountError(DomainError):
    """A refusal of the accounts app; ``retry_after`` (seconds) for rate limits."""

    def __init__(self, *args, retry_after: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after
