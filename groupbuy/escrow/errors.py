from groupbuy.core.errors import DomainError


class EscrowError(DomainError):
    """A refusal by the escrow app (status 400 unless the code says otherwise)."""


class InsufficientFunds(EscrowError):
    """A posting would take a balance below zero; nothing was written."""

    status = 409
