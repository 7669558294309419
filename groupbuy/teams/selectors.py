"""Reading team buys: open teams of a deal, a team's snapshot, my teams."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from groupbuy.accounts.names import mask_display_name
from groupbuy.core.errors import Conflict, DomainError, NotFound
from groupbuy.core.pagination import DEFAULT_PAGE_SIZE, PageResult, paginate
from groupbuy.core.times import api_time
from groupbuy.deals.services.common import check_can_manage
from groupbuy.teams.models import Team, TeamDeal, TeamMember


def team_deal_get(*, deal_id: str) -> TeamDeal:
    team_deal = (
        TeamDeal.objects.select_related("deal__merchant", "deal__product")
        .filter(deal__public_id=deal_id)
        .first()
    )
    if team_deal is None:
        raise NotFound("not_found", _("There is no such team buy."))
    return team_deal


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
    team_deal: TeamDeal, *, viewer=None, page=1, page_size=DEFAULT_PAGE_SIZE
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


def member_was_charged(member: TeamMember | None) -> bool:
    """Whether ``member`` paid for their place (refunded since, perhaps; a
    payment that arrived after the place was given up included), for the team
    page to tell a member of a team that did not fill whether money goes back."""
    if member is None:
        return False
    if member.status in (*PAID_PLACES, TeamMember.Status.REFUNDED):
        return True
    return bool(member.order.late_refund_fen)


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


def my_memberships(*, user):
    return (
        TeamMember.objects.filter(shopper=user)
        .select_related("team__team_deal__deal", "order__payment_intent")
        .order_by("-joined_at", "-id")
    )


class PaymentState(StrEnum):
    """Where a member's payment for their place stands, as the team page says it."""

    TO_PAY = "to_pay"  # not paid on the provider's page yet
    AWAITING_OUTCOME = "awaiting_outcome"  # submitted there, its answer not here
    RECEIVED = "received"  # paid, the place not marked paid yet
    DECLINED = "declined"  # the provider declined it


@dataclass(frozen=True)
class MemberPayment:
    """A member's payment for a place still awaiting it, and by when the
    place is given up unpaid."""

    state: PaymentState
    intent: object
    pay_by: datetime
    can_pay_again: bool = False

    @property
    def is_on_its_way(self) -> bool:
        """Paid on the provider's page, the place not marked paid yet."""
        return self.state in (PaymentState.AWAITING_OUTCOME, PaymentState.RECEIVED)


def member_payment(member: TeamMember | None, *, now=None) -> MemberPayment | None:
    """The payment of ``member``'s place while it awaits payment, else None."""
    from groupbuy.escrow.models import PaymentIntent
    from groupbuy.teams.services import member_pay_by, member_payment_retry_refusal

    if member is None or member.status != TeamMember.Status.PENDING:
        return None
    intent = member.order.payment_intent
    if intent is None:
        return None
    now = now or timezone.now()
    pay_by = member_pay_by(member)
    if intent.is_payable:
        return MemberPayment(PaymentState.TO_PAY, intent, pay_by)
    if intent.is_awaiting_outcome:
        return MemberPayment(PaymentState.AWAITING_OUTCOME, intent, pay_by)
    if intent.status == PaymentIntent.Status.SUCCEEDED:
        return MemberPayment(PaymentState.RECEIVED, intent, pay_by)
    if intent.status == PaymentIntent.Status.FAILED:
        refusal = member_payment_retry_refusal(member, now=now)
        return MemberPayment(
            PaymentState.DECLINED, intent, pay_by, can_pay_again=refusal is None
        )
    return None


def member_status_label(member: TeamMember) -> str:
    """The place's state as My teams says it, where the payment part of the team
    page (``member_payment``) says more than the member's status: a payment on
    its way is not "awaiting payment", nor is one declined (the shopper may pay
    again until the place is given up); a payment that arrived after the place
    was cancelled was refunded, which "cancelled" alone would hide; a place
    given up unpaid says so."""
    payment = member_payment(member)
    if payment is not None and payment.is_on_its_way:
        return _("Payment being confirmed")
    if payment is not None and payment.state == PaymentState.DECLINED:
        if not payment.can_pay_again:
            return _("Payment declined, the time to pay has run out")
        return _("Payment declined: pay again by %(time)s to keep your place") % {
            "time": time_format(timezone.localtime(payment.pay_by), "H:i")
        }
    is_cancelled = member.status == TeamMember.Status.CANCELLED
    if is_cancelled and member.order.late_refund_fen:
        return _("Cancelled, payment refunded")
    if is_cancelled and member.order.cancel_reason == "payment_expired":
        return member.order.get_cancel_reason_display()  # "Not paid in time"
    return member.get_status_display()


def membership_of(*, user, team: Team) -> TeamMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        team.members.filter(shopper=user)
        .select_related("order__payment_intent")
        .order_by("-id")
        .first()
    )


def member_leave_refusal(member: TeamMember) -> DomainError | None:
    """Return why ``member`` cannot leave their team now (None when they can):
    a place awaiting payment or paid in a team still forming may be left (a
    paid one is refunded in full); a complete team's places are confirmed
    orders with their coupons, and an ended team's were refunded already."""
    leaving = (TeamMember.Status.PENDING, TeamMember.Status.PAID)
    if member.team.state == Team.State.COMPLETE:
        return Conflict(
            "team_complete",
            _(
                "Your team is complete and this order is confirmed, so it can no "
                "longer be cancelled."
            ),
        )
    if member.status not in leaving or member.team.state != Team.State.OPEN:
        return Conflict(
            "team_ended",
            _("This team is no longer forming, so its places can no longer be left."),
        )
    return None


def order_leave_refusals(orders, *, now) -> dict[int, DomainError | None]:
    """``deals.order_keepers`` hook: why the shopper of each of ``orders``
    cannot leave the place it holds now, by order pk (None when they can, or
    when it holds none); one query for the lot."""
    members = TeamMember.objects.select_related("team").filter(
        order_id__in=[order.pk for order in orders]
    )
    refusals = {member.order_id: member_leave_refusal(member) for member in members}
    return {order.pk: refusals.get(order.pk) for order in orders}


def member_leave_refund_fen(member: TeamMember | None, *, now=None) -> int | None:
    """What leaving gives ``member`` back now, in fen (0 for a place not paid
    yet), or None when they cannot leave (the deals app's cancel rule, the
    keeper's included: ``order_cancel_refusal``). What the team page's Leave
    offers."""
    from groupbuy.deals.selectors import order_paid_fen
    from groupbuy.deals.services import order_cancel_refusal

    if member is None or member.status not in TeamMember.HOLDING:
        return None
    if order_cancel_refusal(member.order, now=now or timezone.now()) is not None:
        return None
    return order_paid_fen(order=member.order)


def teams_for_merchant(*, actor, team_deal: TeamDeal):
    check_can_manage(actor=actor, merchant=team_deal.deal.merchant)
    return team_deal.teams.select_related("opener").order_by("-opened_at", "-id")


def team_deal_outcome(team_deal: TeamDeal, *, now=None) -> dict:
    """Teams of a deal by outcome: ``completed`` (teams of two or more that
    filled), ``solo`` (buys alone), ``refunded`` (teams expired or stopped),
    ``open``; ``is_over`` once sales ended or the deal closed."""
    from groupbuy.deals.models import Deal

    now = now or timezone.now()
    if hasattr(team_deal, f"{_COUNTED}completed"):  # team_deals_for_merchant's
        counts = {name: getattr(team_deal, f"{_COUNTED}{name}") for name in _COUNTS}
    else:
        counts = team_deal.teams.aggregate(**_team_counts())
    is_over = team_deal.deal.state != Deal.State.OPEN or now >= team_deal.ends_at
    return {**counts, "is_over": is_over}


_COUNTS = ("completed", "solo", "refunded", "open")
# The prefix of those counts annotated on a list's team deals.
_COUNTED = "teams_"


def _team_counts(teams: str = "") -> dict:
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

    counts = _team_counts("teams__")
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
                f"{_COUNTED}{name}": count
                for name, count in _team_counts("teams__").items()
            },
        )
        .order_by("-created_at", "-id")
    )
