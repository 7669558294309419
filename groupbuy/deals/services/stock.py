"""A merchant adds units to a group buy that is selling.

The stock grows by a counter update (``F``) under the deal lock, so a join that
reserves units at the same moment is neither lost nor oversold, and every
watcher of the deal page sees the new stock after commit, as after a join.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal, StockAddition
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


def deal_add_stock(*, actor, deal: Deal, units: int, idempotency_key: str = "") -> Deal:
    """Add ``units`` to the stock of a draft or open deal (its owners, operators).

    With ``idempotency_key`` (the form's one-time key, an API client's), the
    same request sent again adds nothing and returns the deal as it stands;
    the key sent with another deal or number of units is refused
    (``Conflict`` idempotency_key_reused), nothing added.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    check_sold_here(deal)
    if message := units_to_add_refusal(units):
        raise DealError("invalid", message, fields={"units": [message]})
    try:
        with transaction.atomic():
            deal = lock_deal(deal)
            # Under the deal's lock: a repeat for this deal waits for the
            # first and finds its row; one for another deal ends on the
            # constraint, below.
            if stock_addition_repeated(
                actor=actor, idempotency_key=idempotency_key, deal=deal, units=units
            ):
                return deal
            return _add_locked(actor, deal, units, idempotency_key)
    except IntegrityError:
        if not stock_addition_repeated(
            actor=actor, idempotency_key=idempotency_key, deal=deal, units=units
        ):
            raise
        return Deal.objects.get(pk=deal.pk)


def _add_locked(actor, deal: Deal, units: int, idempotency_key: str) -> Deal:
    if deal.state not in (State.DRAFT, State.OPEN):
        raise Conflict("deal_closed", _("This group buy has already closed."))
    if deal.stock + units > MOST_STOCK:
        message = stock_too_large()
        raise DealError("invalid", message, fields={"units": [message]})
    previous_stock = deal.stock
    Deal.objects.filter(pk=deal.pk).update(stock=F("stock") + units)
    deal.refresh_from_db(fields=["stock", "sold", "updated_at"])
    stock_addition_record(
        actor=actor, idempotency_key=idempotency_key, deal=deal, units=units
    )
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


def stock_addition_repeated(
    *, actor, idempotency_key: str, deal: Deal, units: int
) -> bool:
    """Whether ``actor`` already added ``units`` to ``deal`` with
    ``idempotency_key`` (False without a key). A key that added stock to
    another deal, or other units, is refused: answering the first addition
    would tell the client its new one was made."""
    if not idempotency_key:
        return False
    earlier = StockAddition.objects.filter(
        added_by=actor, idempotency_key=idempotency_key
    ).first()
    if earlier is None:
        return False
    if (earlier.deal_id, earlier.units) != (deal.pk, units):
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already added stock to a group buy; send a "
                "new key to add more."
            ),
        )
    return True


def stock_addition_record(
    *, actor, idempotency_key: str, deal: Deal, units: int
) -> None:
    """Keep ``idempotency_key`` with the units ``actor`` just added to
    ``deal`` (nothing without a key), in the adding transaction."""
    if idempotency_key:
        StockAddition.objects.create(
            deal=deal, added_by=actor, idempotency_key=idempotency_key, units=units
        )
