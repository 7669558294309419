"""The sandbox gateway's hosted pay page (what a real provider would host)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.money import format_fen
from groupbuy.escrow.handlers import return_label_for
from groupbuy.escrow.providers import is_sandbox_enabled
from groupbuy.escrow.selectors import intent_get_for_user
from groupbuy.escrow.services import sandbox_payment_submit


def _return_url(request: HttpRequest, intent) -> str:
    is_safe = url_has_allowed_host_and_scheme(
        intent.return_url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    )
    return intent.return_url if intent.return_url and is_safe else ""


def sandbox_enabled_required(view):
    """Answer 404, before anything else, where the sandbox is switched off."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_sandbox_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@sandbox_enabled_required
@login_required
def sandbox_pay(request: HttpRequest, intent_id: str) -> HttpResponse:
    try:
        intent = intent_get_for_user(user=request.user, intent_id=intent_id)
    except NotFound:
        raise Http404 from None
    error, status = "", 200
    if request.method == "POST":
        outcome = "failed" if request.POST.get("action") == "decline" else "succeeded"
        try:
            sandbox_payment_submit(actor=request.user, intent=intent, outcome=outcome)
        except DomainError as refusal:
            error, status = refusal.message, refusal.status
        else:
            return redirect(_return_url(request, intent) or request.path)
    context = {
        "intent": intent,
        "amount": format_fen(intent.amount_fen),
        "return_url": _return_url(request, intent),
        "return_label": return_label_for(intent.purpose),
        "is_payable": intent.is_payable,
        "error": error,
    }
    return render(request, "escrow/sandbox_pay.html", context, status=status)
