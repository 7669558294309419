"""A merchant adds units to a team buy, or lets it sell for longer.

The deals app refuses both on a team buy's row (``check_sold_here``): its teams
take their units from ``TeamDeal.stock`` and stop at ``TeamDeal.ends_at``. Here
both change together with the row, under a lock on the row that the deals app's
closing (``FOR UPDATE``) waits for, so a team buy is never extended while it
closes. The lock is ``FOR NO KEY UPDATE``: a shopper buying at that moment holds
the team buy's stock row and then writes an order that refers to the deal row
(``FOR KEY SHARE``), which a ``FOR UPDATE`` here would make wait while this
waits for the stock row: a deadlock (caught by the PostgreSQL race test).
The stock row is locked next: the deals app's closing ends the sales on it
(``ends_at`` = now) before it takes the deal row's lock, and an extension that
had read the old end would otherwise write it back over the closing's.

The end of sales only moves later: a shopper may have chosen to open a team, or
to buy alone, by the end they were shown. Teams already open keep their window
(a team opens only while its whole window fits before the end, so no team is cut
short by it); teams that were too late to open before may open now.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.deals.models import Deal
from groupbuy.deals.services.common import (
    announce_deadline_moved,
    check_can_manage,
    push_progress_on_commit,
)
from groupbuy.deals.services.setup import deadline_too_late
from groupbuy.deals.services.stock import (
    stock_addition_record,
    stock_addition_repeated,
    units_to_add_refusal,
)
from groupbuy.teams.errors import TeamError
from groupbuy.teams.models import TeamDeal
from groupbuy.teams.services.setup import close_grace, latest_end


def team_deal_add_stock(
    *, actor, team_deal: TeamDeal, units: int, idempotency_key: str = ""
) -> TeamDeal:
    """Add ``units`` to the stock every team of ``team_deal`` shares.

    With ``idempotency_key``, the same request sent again adds nothing and
    returns the team deal as it stands, as ``deal_add_stock`` does."""
    check_can_manage(actor=actor, merchant=team_deal.deal.merchant)
    if message := units_to_add_refusal(units):
        raise TeamError("invalid", message, fields={"units": [message]})
    try:
        with transaction.atomic():
            return _add_stock(actor, team_deal, units, idempotency_key)
    except IntegrityError:
        # The same key sent for another deal at the same moment won.
        if not stock_addition_repeated(
            actor=actor,
            idempotency_key=idempotency_key,
            deal=team_deal.deal,
            units=units,
        ):
            raise
        team_deal.refresh_from_db()
        return team_deal


def _add_stock(actor, team_deal: TeamDeal, units: int, key: str) -> TeamDeal:
    def repeated() -> bool:
        return stock_addition_repeated(
            actor=actor, idempotency_key=key, deal=team_deal.deal, units=units
        )

    # Before the lock too: a repeat after the sales ended answers the first.
    if repeated():
        team_deal.refresh_from_db()
        return team_deal
    deal = _lock_selling(team_deal)
    if repeated():  # the first, sent at the same moment, won the lock
        return team_deal
    previous_stock = team_deal.stock
    # Counter updates: a team opened at this moment takes its unit from the
    # stock as it is, and neither is lost.
    TeamDeal.objects.filter(pk=team_deal.pk).update(stock=F("stock") + units)
    Deal.objects.filter(pk=deal.pk).update(stock=F("stock") + units)
    team_deal.refresh_from_db()
    stock_addition_record(actor=actor, idempotency_key=key, deal=deal, units=units)
    audit_log(
        actor=actor,
        action="teams.deal.stock_added",
        obj=deal,
        data={
            "units": units,
            "previous_stock": previous_stock,
            "stock": team_deal.stock,
        },
    )
    push_progress_on_commit(deal)
    return team_deal


def team_deal_extend(*, actor, team_deal: TeamDeal, ends_at: datetime) -> TeamDeal:
    """Move the end of ``team_deal``'s sales later, and its row's deadline
    (the end plus the grace in which teams are decided) with it."""
    check_can_manage(actor=actor, merchant=team_deal.deal.merchant)
    if not isinstance(ends_at, datetime) or timezone.is_naive(ends_at):
        message = _("Give a date and time with its time zone.")
        raise TeamError("invalid", message, fields={"ends_at": [message]})
    with transaction.atomic():
        deal = _lock_selling(team_deal)
        previous_ends_at = team_deal.ends_at
        if ends_at <= previous_ends_at:
            message = _(
                "The end of sales can only move later than %(end)s: shoppers "
                "chose to open a team or buy alone by it."
            ) % {"end": timezone.localtime(previous_ends_at).strftime("%Y-%m-%d %H:%M")}
            raise TeamError("invalid", message, fields={"ends_at": [message]})
        # From when the deal was made, as the deals app's schedule counts: each
        # extension does not start the longest a team buy may hold payments anew.
        latest = latest_end(starts_at=deal.starts_at, since=deal.created_at)
        if ends_at > latest:
            message = deadline_too_late(latest)
            raise TeamError("invalid", message, fields={"ends_at": [message]})
        team_deal.ends_at = ends_at
        team_deal.save(update_fields=["ends_at"])
        previous_deadline_at = deal.deadline_at
        deal.deadline_at = ends_at + close_grace()
        deal.save(update_fields=["deadline_at", "updated_at"])
        audit_log(
            actor=actor,
            action="teams.deal.extended",
            obj=deal,
            data={
                "ends_at": ends_at.isoformat(),
                "previous_ends_at": previous_ends_at.isoformat(),
            },
        )
        # Every countdown of a team buy shows its end of sales, not the row's.
        announce_deadline_moved(
            deal=deal,
            actor=actor,
            previous_deadline_at=previous_deadline_at,
            shown_deadline_at=ends_at,
        )
    return team_deal


def _lock_selling(team_deal: TeamDeal) -> Deal:
    """Lock the team buy's rows, deal then stock (see above), and read the
    stock row as locked into ``team_deal``; refuse once its sales are over."""
    deal = Deal.objects.select_for_update(of=("self",), no_key=True).get(
        pk=team_deal.deal_id
    )
    locked = TeamDeal.objects.select_for_update().get(pk=team_deal.pk)
    for field in ("stock", "sold", "ends_at"):
        setattr(team_deal, field, getattr(locked, field))
    if deal.state != Deal.State.OPEN or team_deal.ends_at <= timezone.now():
        raise Conflict("sales_ended", _("This team buy's sales have ended."))
    return deal
