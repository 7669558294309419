from groupbuy.core.errors import DomainError


class DealError(DomainError):
    """A refusal by the deals app; ``code`` says which rule (deal_closed, sold_out,
    not_started, deadline_passed, invalid_quantity, already_joined, invalid…)."""
