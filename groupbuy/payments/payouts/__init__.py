"""Merchant payouts: an operator approves (or the merchant's daily schedule
makes one), the provider transfers after commit.

In the operator's transaction: a pending ``Payout`` and the posting
``payments.payout.sent`` (merchant payable → gateway clearing); a payout
larger than the payable is refused by the ledger and nothing is written.
After commit the provider's transfer API is called with the payout's
business number. Paid: ``payments.payout.paid`` (clearing → external). Refused
for good (wrong payee…): ``payments.payout.returned`` puts the money back in
the payable and the payout says why. A network or 5xx error leaves it pending;
``payouts_retry_due`` sends it again with the same business number, so the
provider pays once.

Import from here: ``from groupbuy.payments.payouts import payout_create``; the
modules split it by step (``approval``, ``schedule``, ``sending``, and the
``providers`` that can pay).
"""

from groupbuy.payments.payouts.approval import (
    MAX_IDEMPOTENCY_KEY_CHARS,
    payout_create,
)
from groupbuy.payments.payouts.providers import (
    transfer_capable_provider_names,
    transfer_provider_names,
)
from groupbuy.payments.payouts.schedule import (
    payout_schedule_set,
    payouts_schedule_run,
)
from groupbuy.payments.payouts.sending import (
    payout_send,
    payout_send_after_commit,
    payouts_retry_due,
)

__all__ = [
    "MAX_IDEMPOTENCY_KEY_CHARS",
    "payout_create",
    "payout_schedule_set",
    "payout_send",
    "payout_send_after_commit",
    "payouts_retry_due",
    "payouts_schedule_run",
    "transfer_capable_provider_names",
    "transfer_provider_names",
]
