"""Reading team deals: one by its deal's id, a merchant's with their teams
counted, and what the deals app reads of their sales and cards."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.core.errors import NotFound
from groupbuy.deals.services.common import check_can_manage
from groupbuy.teams.models import Team, TeamDeal
from groupbuy.teams.selectors.outcomes import COUNTED, team_counts


def team_deal_get(*, deal_id: str) -> TeamDeal:
    team_deal = (
        TeamDeal.objects.select_related("deal__merchant", "deal__product")
        .filter(deal__public_id=deal_id)
        .first()
    )
    if team_deal is None:
        raise NotFound("not_found", _("There is no such team buy."))
    return team_deal


def team_deal_get_for_shop(*, actor, merchant_id: str, deal_id: str) -> TeamDeal:
    """Return the team deal ``deal_id`` of the shop ``merchant_id`` for its
    staff: anyone else is refused 403 whatever the deal (as the shop's other
    addresses refuse them), and its staff told 404 for a deal not of the shop."""
    from groupbuy.catalog.selectors import merchant_get_for_staff

    merchant = merchant_get_for_staff(user=actor, public_id=merchant_id)
    team_deal = team_deal_get(deal_id=deal_id)
    if team_deal.deal.merchant_id != merchant.pk:
        raise NotFound("not_found", _("There is no such team buy."))
    return team_deal


def teams_for_merchant(*, actor, team_deal: TeamDeal):
    check_can_manage(actor=actor, merchant=team_deal.deal.merchant)
    return team_deal.teams.select_related("opener").order_by("-opened_at", "-id")


def deal_sales(deals) -> dict:
    """``deals.order_keepers`` hook: when each team deal among ``deals`` stops
    selling (its row's deadline is later by the closing grace) and what its
    teams took of the stock they share."""
    from groupbuy.deals.order_keepers import Sales

    rows = TeamDeal.objects.filter(deal__in=[deal.pk for deal in deals]).values_list(
        "deal_id", "ends_at", "sold", "stock"
    )
    return {
        deal_id: Sales(ends_at=ends_at, sold=sold, stock=stock)
        for deal_id, ends_at, sold, stock in rows
    }


def deal_card_labels(deals) -> dict[int, list[str]]:
    """Label the team buys among ``deals`` on their cards (one query)."""
    team_buys = TeamDeal.objects.filter(deal__in=deals).values_list(
        "deal_id", flat=True
    )
    return {deal_pk: [_("Team buy")] for deal_pk in team_buys}


def team_deals_for_merchant(*, actor, merchant):
    """A merchant's team deals with their teams counted by outcome (owners and
    operators only)."""
    from django.db.models import Count, Q

    check_can_manage(actor=actor, merchant=merchant)
    return (
        TeamDeal.objects.filter(deal__merchant=merchant)
        .select_related("deal")
        .annotate(
            open_count=Count("teams", filter=Q(teams__state=Team.State.OPEN)),
            complete_count=Count("teams", filter=Q(teams__state=Team.State.COMPLETE)),
            expired_count=Count(
                "teams",
                filter=Q(teams__state__in=[Team.State.EXPIRED, Team.State.STOPPED]),
            ),
            # Each row's outcome (``team_deal_outcome``), counted here: asked
            # row by row, a page of 20 team buys read 18 queries more than 2.
            **{
                f"{COUNTED}{name}": count
                for name, count in team_counts("teams__").items()
            },
        )
        .order_by("-created_at", "-id")
    )
