"""A person (an operator or the merchant's owner) stopping a deal as failed, or
closing it now, instead of waiting for its deadline."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.closing.close import Stop, StoppedBy, deal_close
from groupbuy.deals.services.common import check_can_manage

STOP_REASON_MAX_LENGTH = 200


def stop_reason_refusal(reason: str) -> str:
    """Why ``reason`` (spaces already collapsed) cannot be given, or ""."""
    if len(reason) <= STOP_REASON_MAX_LENGTH:
        return ""
    return _("Keep the reason to at most %(n)s characters.") % {
        "n": STOP_REASON_MAX_LENGTH
    }


def deal_stop(*, actor, deal: Deal, reason: str = "") -> Deal:
    """Stop an open deal now as failed, refunding everyone in full (operators
    and the merchant's owners).

    ``reason`` is the stopper's own words (spaces collapsed, at most
    ``STOP_REASON_MAX_LENGTH``): kept on the deal and its refunded orders, quoted
    to its shoppers, audited. A deal no longer open is refused (``Conflict``
    deal_closed, or deal_not_open for a draft): nothing is stopped twice.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    reason = " ".join((reason or "").split())
    if message := stop_reason_refusal(reason):
        raise DealError("invalid", message, fields={"reason": [message]})
    by = StoppedBy.PLATFORM if getattr(actor, "is_staff", True) else StoppedBy.MERCHANT
    # No lock is taken here: deal_close lets other apps' keepers close their
    # orders before it locks the deal (locking first deadlocks with a member
    # joining a team at that moment, on PostgreSQL). It checks the state and
    # writes the "stopped" audit row under that lock, so of two stops at once
    # only the one that closed the deal records it; the other is refused.
    return deal_close(
        actor=actor, deal=deal, stop=Stop(by=by, reason=reason), refuse_closed=True
    )


def deal_close_now(*, actor, deal: Deal) -> Deal:
    """Close an open deal now, as if its deadline had passed (operators and the
    merchant's owners): it succeeds at the tier reached, else fails and refunds.
    A deal no longer open is refused, as ``deal_stop`` refuses it."""
    check_can_manage(actor=actor, merchant=deal.merchant)
    return deal_close(actor=actor, deal=deal, force=True, refuse_closed=True)
