"""The payer's choice of provider, and WeChat's way back with who the payer
is (for paying inside WeChat)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from groupbuy.core.errors import DomainError, NotFound
from groupbuy.core.money import format_fen
from groupbuy.escrow.providers import provider_label
from groupbuy.escrow.providers.base import WECHAT_BROWSER
from groupbuy.escrow.selectors import intent_get_for_user
from groupbuy.payments import wechat_oauth
from groupbuy.payments.services import (
    device_from_user_agent,
    payment_start,
    providers_for_device,
)


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: the H5 scene's IP is advisory and must not be spoofable
    # through a header unless a trusted proxy sets REMOTE_ADDR itself.
    return request.META.get("REMOTE_ADDR", "")


def _choices(device: str) -> list[dict]:
    return [
        {"name": name, "label": provider_label(name)}
        for name in providers_for_device(device)
    ]


@login_required
def pay(request: HttpRequest, intent_id: str) -> HttpResponse:
    """Offer the enabled providers that fit the device; start the chosen one."""
    try:
        intent = intent_get_for_user(user=request.user, intent_id=intent_id)
    except NotFound:
        raise Http404 from None
    if intent.payer_id != request.user.pk:
        raise Http404  # operators may look at payments, never pay them
    device = device_from_user_agent(request.headers.get("User-Agent", ""))
    context = {
        "intent": intent,
        "amount": format_fen(intent.amount_fen),
        "providers": _choices(device),
        "device": device,
        "is_payable": intent.status == intent.Status.REQUIRES_PAYMENT,
        "error": "",
    }
    status = 200
    if request.method == "POST" and context["is_payable"]:
        provider_name = request.POST.get("provider", "")
        openid = ""
        jsapi = device == WECHAT_BROWSER and provider_name == "wechat"
        if jsapi and provider_name in providers_for_device(device):
            openid = wechat_oauth.openid_for(request.user)
            if not openid:  # ask WeChat who this is, then come back here
                return redirect(
                    wechat_oauth.authorize_url(
                        session=request.session, next_path=request.path
                    )
                )
        try:
            action = payment_start(
                actor=request.user,
                intent=intent,
                provider_name=provider_name,
                device=device,
                client_ip=_client_ip(request),
                openid=openid,
            )
        except DomainError as refusal:
            context["error"], status = refusal.message, refusal.status
        else:
            if action.kind == "redirect":
                return redirect(action.url)
            context["action"] = action
            if action.kind == "qr":
                import segno  # only a QR payment draws one; not at process start

                context["qr_svg"] = segno.make(action.qr_text, error="m").svg_inline(
                    scale=5
                )
    return render(request, "payments/pay.html", context, status=status)


@login_required
def wechat_oauth_return(request: HttpRequest) -> HttpResponse:
    """WeChat comes back here with a one-time code for the payer's openid."""
    try:
        next_path = wechat_oauth.openid_from_code(
            actor=request.user,
            session=request.session,
            code=request.GET.get("code", ""),
            state=request.GET.get("state", ""),
        )
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return redirect("web:order_list")
    messages.success(request, _("WeChat confirmed who you are. Tap Pay once more."))
    return redirect(next_path)
