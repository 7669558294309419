"""What team members are told when their team completes, expires, is stopped
or closes, and when they leave a team with a refund."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from groupbuy.core.i18n import interpolate_lazy
from groupbuy.core.money import format_fen
from groupbuy.deals.selectors.titles import deal_title_lazy
from groupbuy.notify.services import notification_enqueue


def _send(member, *, kind: str, title, body, extra: dict | None = None) -> None:
    from groupbuy.teams.services.common import team_url

    team = member.team
    notification_enqueue(
        recipient=member.shopper,
        kind=kind,
        title=title,
        body=body,
        url=team_url(team),
        data={
            "team_id": team.public_id,
            "order_id": member.order.public_id,
            **(extra or {}),
        },
        idempotency_key=f"{kind}:{member.order.public_id}",
    )


def notify_team_complete(member) -> None:
    deal = member.team.team_deal.deal
    _send(
        member,
        kind="teams.complete",
        title=interpolate_lazy(
            _("Your team is complete: %(title)s"), {"title": deal_title_lazy(deal)}
        ),
        body=interpolate_lazy(
            _("Every place is taken and paid; your order at %(price)s is confirmed."),
            {"price": format_fen(member.team.price_fen)},
        ),
    )


def notify_team_left(member) -> None:
    """The receipt of a paid member's refund on leaving a team still forming."""
    deal = member.team.team_deal.deal
    _send(
        member,
        kind="teams.left",
        title=interpolate_lazy(
            _("You left the team: %(title)s"), {"title": deal_title_lazy(deal)}
        ),
        body=interpolate_lazy(
            _(
                "%(amount)s is refunded to you in full, the way you paid. Your "
                "place went back to the team for someone else."
            ),
            {"amount": format_fen(member.order.refunded_fen)},
        ),
        extra={"refunded_fen": member.order.refunded_fen},
    )


def notify_team_expired(member) -> None:
    deal = member.team.team_deal.deal
    _send(
        member,
        kind="teams.expired",
        title=interpolate_lazy(
            _("Your team did not fill: %(title)s"), {"title": deal_title_lazy(deal)}
        ),
        body=_("The team's time ran out; whatever you paid is refunded in full."),
    )


# Who stopped the team buy → what a member of a stopped team reads, without
# and with their reason.
_STOPPED_BODIES = {
    "merchant": (
        _(
            "The shop stopped this team buy before your team filled; whatever "
            "you paid is refunded in full."
        ),
        _(
            "The shop stopped this team buy before your team filled; whatever "
            "you paid is refunded in full. The shop says: “%(reason)s”"
        ),
    ),
    "platform": (
        _(
            "The platform stopped this team buy before your team filled; "
            "whatever you paid is refunded in full."
        ),
        _(
            "The platform stopped this team buy before your team filled; "
            "whatever you paid is refunded in full. The platform says: "
            "“%(reason)s”"
        ),
    ),
}


def notify_team_stopped(member, *, stop=None) -> None:
    """Tell a member their team was stopped; ``stop`` (who stopped the team
    buy and why, in their words): told as the deal's own buyers are told."""
    deal = member.team.team_deal.deal
    extra = {}
    if stop is not None:
        without_reason, with_reason = _STOPPED_BODIES.get(
            stop.by, _STOPPED_BODIES["platform"]
        )
        body = interpolate_lazy(
            with_reason if stop.reason else without_reason, {"reason": stop.reason}
        )
        extra = {"stopped_by": stop.by, "reason": stop.reason}
    else:
        body = _(
            "This team buy ended before your team filled; whatever you paid "
            "is refunded in full."
        )
    _send(
        member,
        kind="teams.stopped",
        title=interpolate_lazy(
            _("Your team was stopped: %(title)s"), {"title": deal_title_lazy(deal)}
        ),
        body=body,
        extra=extra,
    )


def notify_team_closed(member) -> None:
    """Tell the member whose unpaid place, given up, left their team empty."""
    deal = member.team.team_deal.deal
    if member.team.size == 1:
        title = _("Not paid in time: %(title)s")
        body = _(
            "Your payment was not completed in time, so your order is cancelled "
            "and its unit went back on sale."
        )
    else:
        title = _("Your team was closed: %(title)s")
        body = _(
            "Your payment was not completed in time, so your place was given up "
            "and the team, with nobody left in it, is closed. You can open a new "
            "team while the team buy is open."
        )
    _send(
        member,
        kind="teams.closed",
        title=interpolate_lazy(title, {"title": deal_title_lazy(deal)}),
        body=body,
    )
