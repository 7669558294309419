"""A merchant (or operator) creates a deal in team mode.

The deal row is an ordinary deal (one tier at the team price, so the deals app's
pages and rules read it) whose deadline is the sales end plus a grace period;
the team settings and the stock every team shares live in ``TeamDeal``. Joins
never go through ``deal_join``: ``teams.join_guard`` refuses them.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict
from groupbuy.core.money import MOST_PRICE_FEN, format_fen
from groupbuy.deals.services import deal_create, deal_created_with, deal_open
from groupbuy.deals.services.common import check_can_manage
from groupbuy.deals.services.setup import (
    MOST_STOCK,
    deadline_too_late,
    everyday_price_exceeded,
    latest_deadline,
    stock_too_large,
)
from groupbuy.teams.errors import TeamError
from groupbuy.teams.models import TeamDeal


def close_grace() -> timedelta:
    """How long after sales end the deal row closes (teams are decided first)."""
    return timedelta(minutes=getattr(settings, "GROUPBUY_TEAM_CLOSE_GRACE_MINUTES", 60))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _errors(fields: dict, *, now) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(str(message))

    size = fields["team_size"]
    if not _whole(size) or not 2 <= size <= 10:
        add("team_size", _("A team has between 2 and 10 people."))
    window = fields["window_hours"]
    if not _whole(window) or window < 1:
        add("window_hours", _("A team window is at least one hour."))
    team_price, solo_price = fields["team_price_fen"], fields["solo_price_fen"]
    for name, price in (("solo_price_fen", solo_price), ("team_price_fen", team_price)):
        if not _whole(price) or price < 1:
            add(name, _("Enter a price of at least 1 fen."))
        elif price > MOST_PRICE_FEN:
            add(
                name,
                _("The price may be at most %(max)s.")
                % {"max": format_fen(MOST_PRICE_FEN)},
            )
    prices_valid = not errors.keys() & {"team_price_fen", "solo_price_fen"}
    if prices_valid and team_price >= solo_price:
        # The deals app's rule (a group price below the list price), said here on
        # the team price: at the solo price a team saves nobody anything.
        add("team_price_fen", _("The team price must be below the solo price."))
    stock = fields["stock"]
    if not _whole(stock) or stock < 1:
        add("stock", _("Stock is at least one unit."))
    elif stock > MOST_STOCK:
        add("stock", stock_too_large())
    limit = fields["limit_per_shopper"]
    if not _whole(limit) or not 1 <= limit <= 10:
        add("limit_per_shopper", _("Between 1 and 10 teams per shopper."))
    starts_at, ends_at = fields["starts_at"], fields["ends_at"]
    if ends_at <= max(starts_at, now):
        add("ends_at", _("The end must be after the start and in the future."))
    elif (
        # Compared in hours: starts_at + a window of 10**20 hours overflowed (500).
        _whole(window)
        and window >= 1
        and window > (ends_at - starts_at) / timedelta(hours=1)
    ):
        add(
            "window_hours",
            _("The team window cannot run past the end of the group buy."),
        )
    elif ends_at > (latest := latest_end(starts_at=starts_at, since=now)):
        add("ends_at", deadline_too_late(latest))
    return errors


def latest_end(*, starts_at, since):
    """Return the latest end of sales: the deals app's latest deadline, less the
    grace that the deal row closes after the end."""
    return latest_deadline(starts_at=starts_at, since=since) - close_grace()


def _solo_price_above_shelf(merchant, product, solo_price_fen: int) -> str:
    """The deal's list price is the solo price, which the team price is shown as a
    saving on: the deals app's everyday-price rule, said of the solo price."""
    everyday = everyday_price_exceeded(
        merchant=merchant, product=product, price_fen=solo_price_fen
    )
    if everyday is None:
        return ""
    return _(
        "The solo price cannot be above %(price)s, what you sell this product for "
        "every day: the team price would show a saving that is not there."
    ) % {"price": format_fen(everyday)}


def team_deal_create(
    *,
    actor,
    merchant,
    product,
    title: str,
    team_size: int,
    window_hours: int,
    team_price_fen: int,
    solo_price_fen: int,
    stock: int,
    starts_at,
    ends_at,
    limit_per_shopper: int = 1,
    description: str = "",
    idempotency_key: str = "",
) -> TeamDeal:
    """Create and open a deal in team mode; return its team settings.

    With ``idempotency_key`` (a form's or an API client's one-time key), the
    same request sent again returns the team deal the first one opened; the
    key sent with another shop, product or title is refused (``Conflict``
    idempotency_key_reused), nothing created.
    """
    check_can_manage(actor=actor, merchant=merchant)
    earlier = _opened_with(
        actor=actor,
        idempotency_key=idempotency_key,
        asked=(merchant.pk, product.pk, title.strip()),
    )
    if earlier is not None:
        return earlier
    fields = {
        "team_size": team_size,
        "window_hours": window_hours,
        "team_price_fen": team_price_fen,
        "solo_price_fen": solo_price_fen,
        "stock": stock,
        "limit_per_shopper": limit_per_shopper,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    errors = _errors(fields, now=timezone.now())
    if "solo_price_fen" not in errors and (
        above := _solo_price_above_shelf(merchant, product, solo_price_fen)
    ):
        errors["solo_price_fen"] = [above]
    if errors:
        raise TeamError(
            "invalid_team_deal", _("Please correct the team settings."), fields=errors
        )
    with transaction.atomic():
        deal = deal_create(
            actor=actor,
            merchant=merchant,
            product=product,
            title=title,
            description=description,
            list_price_fen=solo_price_fen,
            tiers=[(1, team_price_fen)],
            stock=stock,
            starts_at=starts_at,
            deadline_at=ends_at + close_grace(),
            max_quantity_per_order=1,
            idempotency_key=idempotency_key,
        )
        if (opened := TeamDeal.objects.filter(deal=deal).first()) is not None:
            return opened  # the same key, sent at the same moment, won
        deal = deal_open(actor=actor, deal=deal)
        stored = {k: v for k, v in fields.items() if k != "starts_at"}
        team_deal = TeamDeal.objects.create(deal=deal, **stored)
        audit_log(
            actor=actor,
            action="teams.deal.created",
            obj=deal,
            data={k: v for k, v in fields.items() if k.endswith(("_fen", "_size"))},
        )
    return team_deal


def _opened_with(*, actor, idempotency_key: str, asked: tuple) -> TeamDeal | None:
    """Return the team deal ``actor`` opened with ``idempotency_key`` if it is
    the one ``asked`` for (merchant pk, product pk, title); None if the key made
    nothing yet. A key that made another deal is refused: a client reusing one
    would otherwise get another deal back."""
    if not idempotency_key:
        return None
    earlier = deal_created_with(actor=actor, idempotency_key=idempotency_key)
    if earlier is None:
        return None
    team_deal = TeamDeal.objects.filter(deal=earlier).select_related("deal").first()
    if (
        team_deal is None
        or (earlier.merchant_id, earlier.product_id, earlier.title) != asked
    ):
        raise Conflict(
            "idempotency_key_reused",
            _(
                "This request's key already created another group buy; send a "
                "new key for a new one."
            ),
        )
    return team_deal
