"""How a team deal's teams ended, counted by outcome, and the words for
it (the ``deals.order_keepers`` hooks that read it included)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from groupbuy.teams.models import Team, TeamDeal


def team_deal_outcome(team_deal: TeamDeal, *, now=None) -> dict:
    """Teams of a deal by outcome: ``completed`` (teams of two or more that
    filled), ``solo`` (buys alone), ``refunded`` (teams expired or stopped),
    ``open``; ``is_over`` once sales ended or the deal closed."""
    from groupbuy.deals.models import Deal

    now = now or timezone.now()
    if hasattr(team_deal, f"{COUNTED}completed"):  # team_deals_for_merchant's
        counts = {name: getattr(team_deal, f"{COUNTED}{name}") for name in _COUNTS}
    else:
        counts = team_deal.teams.aggregate(**team_counts())
    is_over = team_deal.deal.state != Deal.State.OPEN or now >= team_deal.ends_at
    return {**counts, "is_over": is_over}


_COUNTS = ("completed", "solo", "refunded", "open")
# The prefix of those counts annotated on a list's team deals.
COUNTED = "teams_"


def team_counts(teams: str = "") -> dict:
    """The counts ``team_deal_outcome`` gives, over a team deal's teams
    (``teams="teams__"`` from the team deal's own rows)."""
    from django.db.models import Count, Q

    ended = (Team.State.EXPIRED, Team.State.STOPPED)
    complete = Q(**{f"{teams}state": Team.State.COMPLETE})

    def count(condition: Q):
        return Count(f"{teams}id", filter=condition, distinct=True)

    return {
        "completed": count(complete & Q(**{f"{teams}size__gte": 2})),
        "solo": count(complete & Q(**{f"{teams}size": 1})),
        "refunded": count(Q(**{f"{teams}state__in": ended})),
        "open": count(Q(**{f"{teams}state": Team.State.OPEN})),
    }


def outcome_label(outcome: dict) -> str:
    """The words people read for a finished team buy."""
    from django.utils.translation import ngettext

    completed = ngettext(
        "%(n)s team completed", "%(n)s teams completed", outcome["completed"]
    ) % {"n": outcome["completed"]}
    refunded = ngettext("%(n)s refunded", "%(n)s refunded", outcome["refunded"]) % {
        "n": outcome["refunded"]
    }
    label = _("Ended: %(completed)s, %(refunded)s") % {
        "completed": completed,
        "refunded": refunded,
    }
    if outcome["solo"]:
        label += " " + ngettext(
            "(and %(n)s bought alone)", "(and %(n)s bought alone)", outcome["solo"]
        ) % {"n": outcome["solo"]}
    return label


def deal_outcome(deal):
    """``deals.order_keepers`` hook: how a closed team deal ended."""
    return deal_outcomes([deal]).get(deal.pk)


def deal_outcomes(deals) -> dict:
    """``deals.order_keepers`` hook: how each closed team deal among ``deals``
    ended (``{deal pk: Outcome}``), one query for the lot."""
    from groupbuy.deals.order_keepers import Outcome

    counts = team_counts("teams__")
    rows = (
        TeamDeal.objects.filter(deal_id__in=[deal.pk for deal in deals])
        .annotate(**counts)
        .values("deal_id", *counts)
    )
    return {
        row["deal_id"]: Outcome(
            label=outcome_label(row),
            has_failed=not (row["completed"] or row["solo"]),
        )
        for row in rows
    }


def deals_not_failed():
    """``deals.order_keepers`` hook: the team deals that did not fail, as
    ``deal_outcome`` says (a team completed, or a shopper bought alone)."""
    from django.db.models import Q

    with_complete_team = TeamDeal.objects.filter(
        teams__state=Team.State.COMPLETE
    ).values("deal_id")
    return Q(pk__in=with_complete_team)
