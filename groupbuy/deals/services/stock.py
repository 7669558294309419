"""A merchant adds units to a group buy that is selling.

The stock grows by a counter update (``F``) under the deal lock, so a join that
reserves units at the same moment is neither lost nor oversold, and every
watcher of the deal page sees the new stock after commit, as after a join.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.common import (
    State,
    check_can_manage,
    check_sold_here,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.services.setup import MOST_STOCK, stock_too_large

MOST_UNITS_ADDED = 100_000


def units_to_add_refusal(units) -> str:
    """Why ``units`` cannot be added to a stock, or "" when they can (a team
    buy's stock takes the same)."""
    whole = isinstance(units, int) and not isinstance(units, bool)
    if whole and 1 <= units <= MOST_UNITS_ADDED:
        return ""
    return _("Add between 1 and %(most)s units.") % {"most": MOST_UNITS_ADDED}


def deal_add_stock(*, actor, deal: Deal, units: int) -> Deal:
    """Add ``units`` to the stock of a draft or open deal (its owners, operators)."""
    check_can_manage(actor=actor, merchant=deal.merchant)
    check_sold_here(deal)
    if message := units_to_add_refusal(units):
        raise DealError("invalid", message, fields={"units": [message]})
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state not in (State.DRAFT, State.OPEN):
            raise Conflict("deal_closed", _("This group buy has already closed."))
        if deal.stock + units > MOST_STOCK:
            message = stock_too_large()
            raise DealError("invalid", message, fields={"units": [message]})
        previous_stock = deal.stock
        Deal.objects.filter(pk=deal.pk).update(stock=F("stock") + units)
        deal.refresh_from_db(fields=["stock", "sold", "updated_at"])
        audit_log(
            actor=actor,
            action="deals.deal.stock_added",
            obj=deal,
            data={
                "units": units,
                "previous_stock": previous_stock,
                "stock": deal.stock,
            },
        )
        push_progress_on_commit(deal)
    return deal
