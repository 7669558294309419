"""Deals as the shopper's pages show them: the phase pill and the card."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groupbuy.catalog.selectors import product_thumbnail_urls
from groupbuy.core.plugins import deal_card_labels
from groupbuy.deals.models import Deal
from groupbuy.deals.pricing import highest_price_fen, next_tier, tier_reached

State = Deal.State


# What a shopper reads about a deal's state (its pill), by phase.
PHASE_LABELS = {
    "draft": _("Draft"),
    "upcoming": _("Starting soon"),
    "open": _("Open"),
    "closing": _("Closing"),
    "succeeded": _("Succeeded"),
    "failed": _("Failed"),
}

PHASE_TONES = {
    "draft": "info",
    "upcoming": "info",
    "open": "ok",
    "closing": "info",
    "succeeded": "ok",
    "failed": "bad",
}


def deal_phase(deal: Deal, *, now=None) -> str:
    """Return where the deal stands for a shopper: draft, upcoming (open but
    not started), open, closing (deadline passed, not closed yet), succeeded
    or failed."""
    now = now or timezone.now()
    if deal.state == State.DRAFT:
        return "draft"
    if deal.has_failed:
        return "failed"
    if deal.state in (State.SUCCEEDED, State.SETTLED):
        return "succeeded"
    if deal.is_scheduled(now=now):
        return "upcoming"
    if now >= deal.deadline_at:
        return "closing"
    return "open"


def _percent(part: int, whole: int) -> int:
    if whole <= 0:
        return 100
    return max(0, min(100, part * 100 // whole))


@dataclass
class TierStep:
    min_participants: int
    price_fen: int
    is_reached: bool
    is_current: bool
    is_next: bool
    buyers_short: int


@dataclass
class DealCard:
    deal: Deal
    participants: int
    current_price_fen: int
    lowest_price_fen: int
    next_tier_participants: int | None
    next_tier_price_fen: int | None
    participants_to_next_tier: int | None
    progress_percent: int
    # When it stops selling and what of its stock is taken: the deal row's, or
    # what the app selling it says (a team buy: deals.order_keepers.Sales).
    ends_at: datetime
    sold: int
    stock: int
    # No tier reached yet: the group buy would fail if it closed now.
    is_below_first_tier: bool
    is_sold_in_teams: bool = False
    # What the apps say a deal in a list is ("Team buy": core.plugins
    # deal_card_labels), shown as pills on its card.
    labels: list[str] = field(default_factory=list)
    distance_m: float | None = None
    thumbnail_url: str = ""
    tiers: list[TierStep] = field(default_factory=list)
    phase: str = "open"
    starts_ms: int = 0

    @property
    def deadline_ms(self) -> int:
        return int(self.ends_at.timestamp() * 1000)

    @property
    def phase_label(self) -> str:
        return str(PHASE_LABELS[self.phase])

    @property
    def phase_tone(self) -> str:
        return PHASE_TONES[self.phase]


def _tiers(deal: Deal) -> list:
    return sorted(deal.tiers.all(), key=lambda tier: tier.min_participants)


def deal_card(deal: Deal, *, participants: int | None = None) -> DealCard:
    """Return what a deal card or the deal page header shows for ``deal``."""
    tiers = _tiers(deal)
    if participants is None:
        participants = getattr(deal, "participants", 0) or 0
    reached = tier_reached(tiers, participants)
    upcoming = next_tier(tiers, participants)
    current_price = deal.final_price_fen or (
        reached.price_fen if reached else highest_price_fen(tiers)
    )
    goal = upcoming.min_participants if upcoming else participants
    steps = [
        TierStep(
            min_participants=tier.min_participants,
            price_fen=tier.price_fen,
            is_reached=participants >= tier.min_participants,
            is_current=reached is not None and tier.pk == reached.pk,
            is_next=upcoming is not None and tier.pk == upcoming.pk,
            buyers_short=max(0, tier.min_participants - participants),
        )
        for tier in tiers
    ]
    return DealCard(
        deal=deal,
        participants=participants,
        current_price_fen=current_price,
        lowest_price_fen=tiers[-1].price_fen,
        next_tier_participants=upcoming.min_participants if upcoming else None,
        next_tier_price_fen=upcoming.price_fen if upcoming else None,
        participants_to_next_tier=(
            upcoming.min_participants - participants if upcoming else None
        ),
        progress_percent=_percent(participants, goal),
        is_below_first_tier=reached is None,
        ends_at=deal.deadline_at,
        sold=deal.sold,
        stock=deal.stock,
        distance_m=getattr(deal, "distance_m", None),
        tiers=steps,
        phase=deal_phase(deal),
        starts_ms=int(deal.starts_at.timestamp() * 1000),
    )


def deal_cards(deals: list[Deal], *, labelled: bool = False) -> list[DealCard]:
    """Return the cards of ``deals``; ``labelled`` for a list of cards
    (web/deals/_card.html), which shows the apps' labels of each deal."""
    from groupbuy.deals.order_keepers import outcomes_remembered, sales_of

    # How each closed deal ended, asked once for the list (its label, whether
    # it failed): asked deal by deal, a page of closed deals read 3 queries each.
    cards = [deal_card(deal) for deal in outcomes_remembered(deals)]
    thumbnails = product_thumbnail_urls(product_ids={deal.product_id for deal in deals})
    # A deal another app sells (a team buy) stops selling before its row's
    # deadline and takes its units from its own stock.
    sales = sales_of(deals)
    labels = deal_card_labels(deals) if labelled else {}
    for card in cards:
        card.thumbnail_url = thumbnails.get(card.deal.product_id, "")
        card.labels = labels.get(card.deal.pk, [])
        if (kept := sales[card.deal.pk]).is_kept:
            card.ends_at, card.sold, card.stock = kept.ends_at, kept.sold, kept.stock
            card.is_sold_in_teams = True
    return cards
