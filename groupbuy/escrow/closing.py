"""Close a cancelled intent's trade at its provider, after commit.

An order that expires unpaid cancels its intent; a real provider's cashier may
still be open in the shopper's browser, so the trade is closed there too. A
close that fails is logged only: the provider closes unpaid trades itself at
the time limit we sent, and money that still arrives is captured and refunded
(``groupbuy.escrow.handlers``), found by reconciliation if its notification is
lost.
"""

from __future__ import annotations

import logging

from groupbuy.core.audit import audit_log
from groupbuy.escrow.models import PaymentIntent
from groupbuy.escrow.providers import get_provider

logger = logging.getLogger(__name__)


def intent_close_at_provider(*, intent_pk: int) -> bool:
    """Ask the intent's provider to close its unpaid trade; return True if closed."""
    intent = PaymentIntent.objects.get(pk=intent_pk)
    if intent.status != PaymentIntent.Status.CANCELLED:
        return False
    close = getattr(get_provider(intent.provider), "close_intent", None)
    if close is None:
        return False
    try:
        close(intent)
    except Exception:
        logger.exception("closing %s at %s failed", intent.public_id, intent.provider)
        return False
    audit_log(
        actor=None,
        action="escrow.intent.closed_at_provider",
        obj=intent,
        data={"provider": intent.provider},
    )
    return True
