"""Support's buttons on the operator's payment and person pages: refund what a
payment still holds, clear a person's sign-in lockout, switch a person's
account off and on, revoke their API tokens (``ops.support_actions``; the
operator API has the same)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from groupbuy.core.money import format_fen
from groupbuy.ops import support_actions
from groupbuy.web.views.common import run_action
from groupbuy.web.views.operator import operator_required


def _refunded(refund) -> str:
    return _("Refunded %(amount)s to the payer.") % {
        "amount": format_fen(refund.amount_fen)
    }


def _switched_off(switched) -> str:
    if not switched.changed:
        return _("This account was already switched off.")
    return _("The account is switched off: they are signed out everywhere.")


def _switched_on(switched) -> str:
    if not switched.changed:
        return _("This account was already switched on.")
    return _("The account is switched on again: they may sign in.")


def _revoked(count: int) -> str:
    if not count:
        return _("They had no API token to revoke.")
    return ngettext(
        "%(count)d API token revoked.", "%(count)d API tokens revoked.", count
    ) % {"count": count}


def _cleared(cleared) -> str:
    if not cleared.anything:
        return _("There was no lockout to clear.")
    return _("The lockout is cleared: they may sign in again now.")


@require_POST
@operator_required
def operator_payment_refund_held(request: HttpRequest, payment_id: str) -> HttpResponse:
    refund = support_actions.operator_payment_refund_held
    run_action(
        request, lambda: refund(actor=request.user, payment_id=payment_id), _refunded
    )
    return redirect("web:operator_payment", payment_id)


@require_POST
@operator_required
def operator_person_lockout_clear(request: HttpRequest, user_id: str) -> HttpResponse:
    clear = support_actions.operator_person_lockout_clear
    run_action(request, lambda: clear(actor=request.user, user_id=user_id), _cleared)
    return redirect("web:operator_person", user_id)


@require_POST
@operator_required
def operator_person_switch_off(request: HttpRequest, user_id: str) -> HttpResponse:
    switch_off = support_actions.operator_person_switch_off
    reason = request.POST.get("reason", "")
    run_action(
        request,
        lambda: switch_off(actor=request.user, user_id=user_id, reason=reason),
        _switched_off,
    )
    return redirect("web:operator_person", user_id)


@require_POST
@operator_required
def operator_person_switch_on(request: HttpRequest, user_id: str) -> HttpResponse:
    switch_on = support_actions.operator_person_switch_on
    run_action(
        request, lambda: switch_on(actor=request.user, user_id=user_id), _switched_on
    )
    return redirect("web:operator_person", user_id)


@require_POST
@operator_required
def operator_person_tokens_revoke(request: HttpRequest, user_id: str) -> HttpResponse:
    revoke = support_actions.operator_person_tokens_revoke
    run_action(request, lambda: revoke(actor=request.user, user_id=user_id), _revoked)
    return redirect("web:operator_person", user_id)
