"""Opening a team (开团) and joining one (参团).

A join is one short transaction: a conditional UPDATE takes a slot in the team
(``member_count < size``, the team open and not expired), a second takes a unit
of the shared stock (``sold < stock``), then the member's order and its payment
intent are created. Either UPDATE finding no row refuses the join and rolls
the other back, so the last slot is taken exactly once and no team and no
unit is ever over-counted (PostgreSQL re-checks the condition after waiting
for the row lock; SQLite's BEGIN IMMEDIATE serialises writers).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groupbuy.accounts.services.payers import payer_lock
from groupbuy.core.audit import audit_log
from groupbuy.core.errors import Conflict, Forbidden, NotFound
from groupbuy.core.transactions import after_commit
from groupbuy.deals.join_guards import check_shopper_may_buy
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.escrow.services import payment_intent_create
from groupbuy.teams.models import Team, TeamDeal, TeamMember
from groupbuy.teams.services.common import full_refusal, push_team, team_url
from groupbuy.teams.services.payments import MEMBER_PURPOSE

ENDED = (Team.State.EXPIRED, Team.State.STOPPED, Team.State.CLOSED)


def _check_can_buy(*, actor, team_deal: TeamDeal, now) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("forbidden", _("Please sign in first."))
    deal = team_deal.deal
    check_shopper_may_buy(actor=actor, deal=deal)
    if deal.state != Deal.State.OPEN or now < deal.starts_at:
        raise Conflict("deal_closed", _("This team buy is not open."))
    if now >= team_deal.ends_at:
        raise Conflict("deadline_passed", _("This team buy has ended."))
    holding = TeamMember.objects.filter(
        team__team_deal=team_deal, shopper=actor, status__in=TeamMember.HOLDING
    ).count()
    if holding >= team_deal.limit_per_shopper:
        raise _limit_refusal(team_deal)


def _take_stock(team_deal: TeamDeal, *, now) -> None:
    taken = TeamDeal.objects.filter(
        pk=team_deal.pk, sold__lt=F("stock"), ends_at__gt=now
    ).update(sold=F("sold") + 1)
    if not taken:
        raise Conflict("sold_out", _("Sold out: every unit is taken by a team."))


def _free_slot(*, actor, team_deal: TeamDeal) -> int:
    """The lowest of the shopper's ``limit_per_shopper`` order slots on the
    deal not held by a live order (the deals app's unique constraint on
    deal, shopper and slot is the backstop when two of their joins race)."""
    used = set(
        DealOrder.objects.filter(
            deal_id=team_deal.deal_id,
            shopper=actor,
            status__in=DealOrder.ACTIVE_STATUSES,
        ).values_list("shopper_slot", flat=True)
    )
    free = [slot for slot in range(team_deal.limit_per_shopper) if slot not in used]
    if not free:
        raise _limit_refusal(team_deal)
    return free[0]


def _limit_refusal(team_deal: TeamDeal) -> Conflict:
    return Conflict(
        "limit_reached",
        ngettext(
            "You are already in %(n)s team for this deal, the most allowed.",
            "You are already in %(n)s teams for this deal, the most allowed.",
            team_deal.limit_per_shopper,
        )
        % {"n": team_deal.limit_per_shopper},
    )


def _add_member(*, actor, team: Team, now, is_opener: bool) -> TeamMember:
    deal = team.team_deal.deal
    try:
        with transaction.atomic():
            order = DealOrder.objects.create(
                deal=deal,
                shopper=actor,
                quantity=1,
                unit_price_cap_fen=team.price_fen,
                amount_fen=team.price_fen,
                joined_at=now,
                shopper_slot=_free_slot(actor=actor, team_deal=team.team_deal),
            )
    except IntegrityError:
        raise _limit_refusal(team.team_deal) from None
    order.payment_intent = payment_intent_create(
        actor=actor,
        payer=actor,
        amount_fen=team.price_fen,
        purpose=MEMBER_PURPOSE,
        reference=order.public_id,
        # What the payer reads on the pay page and in their provider's app, as
        # an order's reads; the team is in the reference's order.
        description=f"1 × {deal.title}",
        return_url=team_url(team),
    )
    order.save(update_fields=["payment_intent", "updated_at"])
    member = TeamMember.objects.create(
        team=team, shopper=actor, order=order, joined_at=now, is_opener=is_opener
    )
    audit_log(
        actor=actor,
        action="teams.member.joined",
        obj=order,
        data={"team": team.public_id, "amount_fen": team.price_fen},
    )
    push_team(team)
    return member


def team_open(*, actor, team_deal: TeamDeal, solo: bool = False) -> TeamMember:
    """Open a team on ``team_deal`` with ``actor`` as its first member.

    ``solo`` buys alone at the solo price: a team of one, complete once paid.
    """
    now = timezone.now()
    _check_can_buy(actor=actor, team_deal=team_deal, now=now)
    window = timedelta(hours=team_deal.window_hours)
    if not solo and now + window > team_deal.ends_at:
        raise Conflict(
            "team_window_past_end",
            _(
                "Too late to open a team: its window would run past the end of "
                "this team buy. Join an open team or buy alone instead."
            ),
        )
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        _take_stock(team_deal, now=now)
        team = Team.objects.create(
            team_deal=team_deal,
            opener=actor,
            size=1 if solo else team_deal.team_size,
            price_fen=team_deal.solo_price_fen if solo else team_deal.team_price_fen,
            member_count=1,
            opened_at=now,
            expires_at=min(now + window, team_deal.ends_at),
        )
        member = _add_member(actor=actor, team=team, now=now, is_opener=True)
        audit_log(
            actor=actor,
            action="teams.team.opened",
            obj=team,
            data={"deal": team_deal.deal.public_id, "size": team.size},
        )
        if not solo:
            # Refund on time, not at the next minute's sweep.
            after_commit(_expire_at_deadline, team.public_id, team.expires_at)
    return member


def _expire_at_deadline(team_public_id: str, expires_at) -> None:
    from groupbuy.teams.tasks import team_expire_task

    team_expire_task.schedule(args=(team_public_id,), eta=expires_at)


def team_join(*, actor, team: Team) -> TeamMember:
    """Take a place in ``team`` for ``actor``; pay the team price to keep it."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("forbidden", _("Please sign in first."))
    now = timezone.now()
    team_deal = TeamDeal.objects.select_related("deal__merchant", "deal__product").get(
        pk=team.team_deal_id
    )
    if team.state == Team.State.COMPLETE:
        raise full_refusal(team_deal, now=now, actor=actor)
    if team.state in ENDED or now >= team.expires_at:
        raise Conflict("team_expired", _("This team has expired."))
    if (
        TeamMember.objects.filter(
            team=team, shopper=actor, status__in=TeamMember.HOLDING
        ).exists()
        or getattr(actor, "pk", None) == team.opener_id
    ):
        raise Conflict("own_team", _("You are already in this team."))
    _check_can_buy(actor=actor, team_deal=team_deal, now=now)
    with transaction.atomic():
        payer_lock(user=actor)  # the payer's row first: erasure waits for it
        taken = Team.objects.filter(
            pk=team.pk,
            state=Team.State.OPEN,
            expires_at__gt=now,
            member_count__lt=F("size"),
        ).update(member_count=F("member_count") + 1)
        if not taken:
            fresh = Team.objects.get(pk=team.pk)
            if fresh.state in ENDED or now >= fresh.expires_at:
                raise Conflict("team_expired", _("This team has expired."))
            raise full_refusal(team_deal, now=now, actor=actor)
        _take_stock(team_deal, now=now)
        return _add_member(actor=actor, team=team, now=now, is_opener=False)


def team_join_any(*, actor, team_deal: TeamDeal) -> TeamMember:
    """Put ``actor`` in the open team closest to completion (fewest places
    left, then soonest to expire); a team lost to a racing shopper is skipped."""
    from groupbuy.teams.selectors import open_teams

    now = timezone.now()
    _check_can_buy(actor=actor, team_deal=team_deal, now=now)
    for team in open_teams(team_deal, now=now, viewer=actor)[:20]:
        try:
            return team_join(actor=actor, team=team)
        except Conflict as refusal:
            if refusal.code not in ("team_full", "team_expired"):
                raise
    raise NotFound(
        "no_open_team", _("No team has a place for you right now: open your own?")
    )


def in_team_mode_annotation():
    """Whether a deal sells in teams, as an annotation over ``Deal``."""
    from django.db.models import Exists, OuterRef

    return Exists(TeamDeal.objects.filter(deal_id=OuterRef("pk")))


def refuse_plain_join(*, actor, deal) -> None:
    """``deal_join`` guard: a deal in team mode is bought through a team (the
    join's deal query answers it as ``in_team_mode``, see ``apps.py``)."""
    in_team_mode = getattr(deal, "in_team_mode", None)
    if in_team_mode is None:
        in_team_mode = TeamDeal.objects.filter(deal_id=deal.pk).exists()
    if in_team_mode:
        raise Conflict(
            "team_mode",
            _("This deal sells in teams: buy alone, open a team or join one."),
        )
