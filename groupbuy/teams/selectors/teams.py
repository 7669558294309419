"""Reading teams: one by id, a team deal's open teams (a page of them), and
a team's snapshot as its page and sockets show it."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from groupbuy.accounts.names import mask_display_name
from groupbuy.core.errors import NotFound
from groupbuy.core.pagination import PageResult, paginate
from groupbuy.core.times import api_time
from groupbuy.teams.models import Team, TeamDeal, TeamMember


def team_get(*, team_id: str) -> Team:
    team = (
        Team.objects.select_related(
            "team_deal__deal__merchant", "team_deal__deal__product"
        )
        .filter(public_id=team_id)
        .first()
    )
    if team is None:
        raise NotFound("not_found", _("There is no such team."))
    return team


def open_teams(team_deal: TeamDeal, *, now=None, viewer=None):
    """Open teams with a place left, fewest places left first, then soonest to
    expire; teams ``viewer`` is already in are left out. Solo buys never show."""
    now = now or timezone.now()
    teams = (
        Team.objects.filter(
            team_deal=team_deal,
            state=Team.State.OPEN,
            expires_at__gt=now,
            member_count__lt=F("size"),
            size__gte=2,
        )
        .annotate(left=F("size") - F("member_count"))
        .select_related("opener")
        .order_by("left", "expires_at", "id")
    )
    if getattr(viewer, "is_authenticated", False):
        teams = teams.exclude(
            members__shopper=viewer, members__status__in=TeamMember.HOLDING
        )
    return teams


def open_teams_page(
    team_deal: TeamDeal, *, viewer=None, page=1, page_size=None
) -> PageResult:
    """One page of ``open_teams`` (the deal's teams page and the API list them
    alike); a team buy may have more open teams than fit on a phone's page.
    Each team comes with what its snapshot reads (its deal, its members), so a
    page of 20 reads as many queries as a page of 2."""
    teams = open_teams(team_deal, viewer=viewer).prefetch_related(
        Prefetch(
            "members",
            queryset=TeamMember.objects.select_related(*_MEMBER_JOINS).filter(
                status__in=TeamMember.HOLDING
            ),
            to_attr=_LISTED,
        )
    )
    result = paginate(teams, page=page, page_size=page_size)
    for team in result.items:
        team.team_deal = team_deal  # (one deal's teams: its row is read already)
    return result


PAID_PLACES = (TeamMember.Status.PAID, TeamMember.Status.CONFIRMED)


def _listed_members(team: Team):
    """The members a team's page lists: those holding a place; once it ended
    unfilled (expired or stopped), those who were in it then, refunded or
    cancelled with it (their orders ended when it did), so each still finds
    themselves there. Nothing in the model marks who was in it, so the end's
    own time does: ``services.outcomes`` stamps the team and those orders
    with one ``now``. An open team listed by ``open_teams_page`` has them
    read already."""
    if hasattr(team, _LISTED):
        return getattr(team, _LISTED)
    members = team.members.select_related(*_MEMBER_JOINS)
    if team.state in (Team.State.EXPIRED, Team.State.STOPPED) and team.expired_at:
        return members.filter(order__cancelled_at=team.expired_at)
    return members.filter(status__in=TeamMember.HOLDING)


# What a team's snapshot reads of each member it lists.
_MEMBER_JOINS = ("shopper", "order__payment_intent")
# Where ``open_teams_page`` puts each open team's listed members.
_LISTED = "listed_members"


def team_snapshot(team: Team, *, now=None, name_of=mask_display_name) -> dict:
    """Return a team's state as its page and sockets show it, each member
    named by ``name_of(user)``."""
    now = now or timezone.now()
    members = list(_listed_members(team))
    return {
        "team_id": team.public_id,
        "deal_id": team.team_deal.deal.public_id,
        "state": team.state,
        "size": team.size,
        "price_fen": team.price_fen,
        "member_count": team.member_count,
        "slots_left": team.slots_left,
        "paid_count": sum(1 for m in members if m.status in PAID_PLACES),
        "expires_at": api_time(team.expires_at),
        "seconds_left": max(0, int((team.expires_at - now).total_seconds())),
        "members": [
            {
                "name": name_of(m.shopper),
                "paid": m.status in PAID_PLACES,
                # (a payment that came after the place was given up went back
                # too: the page then says it is refunded, not "nothing charged")
                "refunded": m.status == m.Status.REFUNDED
                or bool(m.order.late_refund_fen),
                "key": member_key(m),
            }
            for m in members
        ],
    }


def member_key(member: TeamMember | None) -> str:
    """An opaque mark of ``member``'s place in the team's snapshot (pushed to
    anyone watching the team), for the team page to find its reader's own
    place and say "(you)" beside it; it names nobody and opens nothing."""
    if member is None:
        return ""
    return salted_hmac("groupbuy.teams.member", str(member.pk)).hexdigest()[:16]


def places_refunded_after_completion(team: Team) -> int:
    """Return how many of ``team``'s places were confirmed and then refunded
    in whole (``services.releasing``); members who left while it formed were
    never confirmed."""
    return team.members.filter(
        status=TeamMember.Status.REFUNDED, order__confirmed_at__isnull=False
    ).count()
