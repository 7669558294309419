"""Opening a draft deal for joining, and scheduling its close."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from groupbuy.catalog.models import Branch, Listing
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.transactions import after_commit
from groupbuy.deals.errors import DealError
from groupbuy.deals.models import Deal
from groupbuy.deals.services.common import (
    State,
    check_can_manage,
    lock_deal,
    push_progress_on_commit,
)
from groupbuy.deals.services.setup.validation import fields_of, raise_if_invalid
from groupbuy.deals.signals import deal_opened


def deal_open(*, actor, deal: Deal) -> Deal:
    """Open a draft deal for joining (from ``starts_at``) until its deadline.

    Schedules the close at the exact deadline; opening twice changes nothing.
    """
    check_can_manage(actor=actor, merchant=deal.merchant)
    with transaction.atomic():
        deal = lock_deal(deal)
        if deal.state == State.OPEN:
            return deal
        if deal.state != State.DRAFT:
            raise Conflict("deal_closed", _("This group buy has already closed."))
        # The everyday price it is checked against may not drop meanwhile:
        # catalog's listing_update locks this row before reading the open deals.
        Listing.objects.select_for_update().filter(
            merchant_id=deal.merchant_id, product_id=deal.product_id
        ).values_list("pk").first()
        # The prices were held to a discount when set (deal_create, deal_update);
        # what may have moved since is the everyday price, checked again here.
        raise_if_invalid({**fields_of(deal), "require_discount": False})
        check_has_pickup_branch(deal.merchant, lock=True)
        deal.state = State.OPEN
        deal.save(update_fields=["state", "updated_at"])
        audit_log(actor=actor, action="deals.deal.opened", obj=deal)
        deal_opened.send(sender=Deal, deal=deal, actor=actor)
        after_commit(schedule_close_at_deadline, deal.public_id, deal.deadline_at)
        push_progress_on_commit(deal)
    return deal


def check_has_pickup_branch(merchant, *, lock: bool = False) -> None:
    """Refuse to open a deal at a shop with no active branch. Every buyer
    collects at a branch; with none, shoppers could join and pay with nowhere
    to collect (a draft may wait while the shop adds its first branch). A
    demand's offer, which opens a deal when accepted, is refused with it.

    ``lock`` (inside a transaction) locks the open branches until it ends, so
    the last one cannot close meanwhile (catalog's ``branch_update`` locks
    them to refuse closing the last one while a deal is open)."""
    branches = Branch.objects.filter(merchant=merchant, is_active=True)
    if lock:
        branches = branches.select_for_update().order_by("pk").values_list("pk")
        has_one = bool(list(branches))
    else:
        has_one = branches.exists()
    if has_one:
        return
    # No field: none of the requests that open a deal sends the shop (it is
    # the deal's, or in the address). A demand's offer, which does send it,
    # files this under its ``merchant_id``.
    raise DealError(
        "no_pickup_branch",
        _("This shop has no open branch for buyers to collect from: add one first."),
    )


def schedule_close_at_deadline(deal_public_id: str, deadline_at: datetime) -> None:
    from groupbuy.deals.tasks import deal_close_task

    deal_close_task.schedule(args=(deal_public_id,), eta=deadline_at)
