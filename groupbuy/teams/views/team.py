"""The team page (its share link), the viewer's payment part of it, paying
again after a declined payment and leaving a team still forming."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.money import format_fen
from groupbuy.deals.services import deal_order_cancel
from groupbuy.escrow.services import intent_pay_url
from groupbuy.teams import selectors, services
from groupbuy.web.views.common import domain_errors_as_http


def _payment_context(request, team) -> dict:
    """The viewer's place in ``team`` and where its payment stands."""
    member = selectors.membership_of(user=request.user, team=team)
    payment = selectors.member_payment(member)
    is_to_pay = payment is not None and payment.state == selectors.PaymentState.TO_PAY
    is_member = member is not None and member.status in member.HOLDING
    return {
        "team": team,
        "member": member,
        # Holding a place (not one who left): the team is theirs to share.
        "is_member": is_member,
        # The reader's own place among the members ("(you)"; "your payment").
        # (a place the team ended with is still listed, refunded or not)
        "my_key": selectors.member_key(member),
        # What a team that did not fill tells its member: a refund, or nothing
        # charged.
        "was_charged": selectors.member_was_charged(member),
        "i_owe": is_member and member.status == member.Status.PENDING,
        "payment": payment,
        "pay_url": intent_pay_url(payment.intent) if is_to_pay else "",
        # None: nothing to leave (not a member, the team filled or ended).
        "leave_refund_fen": selectors.member_leave_refund_fen(member),
    }


@domain_errors_as_http
def team(request, team_id: str):
    """The team page: product, price, members, places left, countdown, share."""
    team = selectors.team_get(team_id=team_id)
    return render(
        request,
        "teams/team.html",
        {
            **_payment_context(request, team),
            "deal": team.team_deal.deal,
            "snapshot": selectors.team_snapshot(team),
            "refunded_places": selectors.places_refunded_after_completion(team),
            "share_url": request.build_absolute_uri(),
            "card": _share_card(team),
        },
    )


@domain_errors_as_http
def team_payment(request, team_id: str):
    """The viewer's payment part of the team page, fetched again (htmx) when
    the team or the viewer's payment changes."""
    team = selectors.team_get(team_id=team_id)
    return render(request, "teams/_team_payment.html", _payment_context(request, team))


def _share_card(team):
    """The sharing app's product card of the team's deal (picture, name, price),
    shown above the team's own link: the sharing app's short links lead to a
    deal, not to one team, so the link people share stays the team page's."""
    from django.apps import apps

    if not apps.is_installed("groupbuy.sharing"):
        return None
    from groupbuy.sharing.selectors import product_card

    deal = team.team_deal.deal
    return product_card(product=deal.product, deal=deal)


@login_required
@require_POST
@domain_errors_as_http
def pay_again(request, team_id: str):
    """Make a new payment for the viewer's place, whose payment was declined."""
    team = selectors.team_get(team_id=team_id)
    member = selectors.membership_of(user=request.user, team=team)
    if member is None:
        raise NotFound("not_found", _("There is no such team."))
    try:
        order = services.team_member_payment_retry(
            actor=request.user, order=member.order
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("teams:team", team_id)
    return redirect(intent_pay_url(order.payment_intent))


@login_required
@require_POST
@domain_errors_as_http
def leave(request, team_id: str):
    """Leave the viewer's place in a team still forming: the order's own cancel
    (``deal_order_cancel``: a paid place is refunded in full). A repeat (a
    second tap) finds the place left and says so again."""
    team = selectors.team_get(team_id=team_id)
    member = selectors.membership_of(user=request.user, team=team)
    if member is None:
        raise NotFound("not_found", _("There is no such team."))
    try:
        order = deal_order_cancel(actor=request.user, order=member.order)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _left_message(order))
    return redirect("teams:team", team_id)


def _left_message(order) -> str:
    if order.cancel_reason != order.CancelReason.SHOPPER:
        # It ended otherwise meanwhile (the team's time ran out, say).
        status = order.Status(order.shown_status).label
        return _("This order is %(status)s and can no longer be cancelled.") % {
            "status": status
        }
    if order.refunded_fen:
        return _("You left the team: %(amount)s is refunded to you.") % {
            "amount": format_fen(order.refunded_fen)
        }
    return _("You left the team; nothing was charged.")
