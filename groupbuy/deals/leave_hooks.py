"""What another app's rule keeps when a shopper cancels an order (an extension point).

``deal_order_cancel`` (the order page's "Cancel order", ``POST
/api/deals/orders/{id}/cancel``) refunds whatever the order's payments hold. Some
of that money may be the shopper's under another app's rule: a demand's deposit
applied to the order, which leaving the demand after acceptance forfeits by the
demand's rule. Cancelling the order is that same leaving, so the app registers a
``LeaveHook`` from its ``AppConfig.ready()`` and the deals app

- asks ``terms(order)`` what cancelling the order now would keep and why
  (``LeaveTerms``; None: the app has no say over this order), a read, for the
  page where the shopper confirms;
- calls ``leaving(actor=, deal=, order=)`` inside the cancellation's
  transaction, the deal row, the order's intents and the order locked (the lock
  order in ``services.common``), the deal open and the order still active,
  before anything is refunded: the app keeps what its rule keeps (with
  ``escrow_forfeit_deposit`` from the order's intents) and records it, or raises
  a DomainError to refuse, which rolls everything back. Whatever the order's
  intents still hold afterwards is refunded as usual.

Only the shopper's own cancellation asks: a merchant's or an operator's refund,
the payment window's expiry and a failed deal refund everything, nobody having
chosen to leave. A cancelled order is no longer active, so cancelling it again
asks nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LeaveTerms:
    kept_fen: int  # what the rule keeps of the order's money if it is cancelled
    message: str  # the rule, in the shopper's words


@dataclass(frozen=True)
class LeaveHook:
    terms: Callable[..., LeaveTerms | None]
    leaving: Callable[..., None]


_hooks: list[LeaveHook] = []


def register_leave_hook(hook: LeaveHook) -> None:
    if hook not in _hooks:
        _hooks.append(hook)


def leave_terms(order) -> LeaveTerms | None:
    """Return what an app's rule keeps if the shopper cancels ``order`` now,
    None if no app has a say over it."""
    for hook in list(_hooks):
        if (terms := hook.terms(order)) is not None:
            return terms
    return None


def run_leaving(*, actor, deal, order) -> None:
    for hook in list(_hooks):
        hook.leaving(actor=actor, deal=deal, order=order)
