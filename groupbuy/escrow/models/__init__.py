"""Escrow tables: the double-entry ledger (``ledger``, where the sign convention
and the transaction kinds are described) and payment intents (``payments``)."""

from groupbuy.escrow.models.ledger import (
    LedgerAccount,
    LedgerAccountShard,
    LedgerEntry,
    LedgerKindTotal,
    LedgerTransaction,
)
from groupbuy.escrow.models.payments import (
    PaymentIntent,
    PendingEarning,
    ProviderEvent,
    Refund,
    SandboxPayment,
)

__all__ = [
    "LedgerAccount",
    "LedgerAccountShard",
    "LedgerEntry",
    "LedgerKindTotal",
    "LedgerTransaction",
    "PaymentIntent",
    "PendingEarning",
    "ProviderEvent",
    "Refund",
    "SandboxPayment",
]
