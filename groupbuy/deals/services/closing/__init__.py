"""Closing deals at their deadline (or early, when sold out) and settling them.

``deal_close`` is a conditional transition under the deal's row lock: whoever
runs it first (the job scheduled at the exact deadline, the every-minute sweep,
the sold-out trigger or an operator) closes the deal, everyone else finds it no
longer open and changes nothing. An order whose payment was submitted and has
no answer yet holds the close back for a bounded grace period
(``GROUPBUY_PAYMENT_SUBMITTED_GRACE_MINUTES``).

The tier is chosen from the orders that can be confirmed: paid orders whose
money escrow still holds in full (an operator's partial refund takes an order
out, before counting). Success: the final price is the tier reached, orders
still awaiting payment are cancelled. Failure: pending orders are cancelled.

``deal_settle`` then works through the paid orders in batches by primary key,
each batch its own transaction, keeping a cursor on the deal: a crash neither
rolls back nor repeats finished batches. Success charges each order quantity ×
final price, refunds the difference, releases the charge to the merchant (or
to its pending account for a deal settled on redemption) and confirms the
order, a whole batch at once (``settle_batch``: bulk postings, one follow-up
job per batch that sends ``order_confirmed`` and the notifications); a batch
that cannot go in bulk goes order by order, each order a savepoint, so a
failing order stops the cursor before it alone. Failure refunds each order in
full, order by order. Either way the deal ends ``settled``.

The modules: ``close`` (the close itself and the unpaid orders it cancels),
``settle`` (the batches), ``tiers`` (choosing the tier again before settling),
``stop`` (a person stopping or closing a deal now), ``sweep`` (the every-minute
catch-up) and ``orders`` (locking the orders both close and settle work on).
Import from here or from ``groupbuy.deals.services``.
"""

from groupbuy.deals.services.closing.close import (
    Stop,
    StoppedBy,
    deal_close,
    deal_is_due,
    not_open_refusal,
)
from groupbuy.deals.services.closing.settle import deal_settle, settle_batch_size
from groupbuy.deals.services.closing.stop import (
    STOP_REASON_MAX_LENGTH,
    deal_close_now,
    deal_stop,
    stop_reason_refusal,
)
from groupbuy.deals.services.closing.sweep import deals_close_due, logger

__all__ = [
    "STOP_REASON_MAX_LENGTH",
    "Stop",
    "StoppedBy",
    "deal_close",
    "deal_close_now",
    "deal_is_due",
    "deal_settle",
    "deal_stop",
    "deals_close_due",
    "logger",
    "not_open_refusal",
    "settle_batch_size",
    "stop_reason_refusal",
]
