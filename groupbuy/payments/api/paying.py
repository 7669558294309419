"""Paying through the API: the ways a payment can be paid on a device, and
starting one (what the pay page does, ``payments.services.payment_start``).

A client that is not a browser on the pay page (an app, a mini program) asks
which providers fit its device and starts the one its payer chose; the answer
says what to do: open ``url``, show ``qr_text`` as a QR code, or call WeChat's
JS bridge with ``jsapi``. Only the payment's payer may (404 to anyone else,
operators too: they may look at payments, never pay them).
"""

from __future__ import annotations

from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from groupbuy.core.api_answers import json_answer
from groupbuy.core.api_types import registered_answer_choices
from groupbuy.core.api_urls import AbsoluteUrl, SitePath
from groupbuy.core.errors import Conflict, NotFound
from groupbuy.escrow.providers import provider_label, registered_provider_names
from groupbuy.escrow.providers.base import DEVICES, WECHAT_BROWSER
from groupbuy.escrow.selectors import intent_get_for_user
from groupbuy.payments import wechat_oauth
from groupbuy.payments.services import payment_start, providers_for_device

router = Router()

Device = Literal[DEVICES]  # type: ignore[valid-type]
_DEVICE = (
    "Where the payer pays: `desktop` (a computer's browser: QR codes), `phone` "
    "(a phone's browser or an app: the providers' H5 pages) or `wechat` (inside "
    "WeChat: its JS bridge)."
)
_DEVICE_QUERY = Query("phone", description=_DEVICE)


def _provider_field(**field):
    return registered_answer_choices(registered_provider_names, **field)


class PayWayOut(Schema):
    provider: str = _provider_field()
    label: str = Field(description="the provider's name in the reader's language")


class PayWaysOut(Schema):
    device: str = registered_answer_choices(lambda: list(DEVICES))
    ways: list[PayWayOut]


class PaymentStartIn(Schema):
    provider: str = _provider_field(max_length=20)
    device: Device = Field(description=_DEVICE)


class PayActionOut(Schema):
    kind: Literal["redirect", "qr", "jsapi"]
    url: AbsoluteUrl = Field(description='for `redirect`: where to go; else ""')
    qr_text: str = Field(description="for `qr`: the text to show as a QR code")
    jsapi: dict[str, str] = Field(
        description="for `jsapi`: the parameters of WeixinJSBridge's "
        "getBrandWCPayRequest; else {}"
    )


def _payable_by(request, intent_id: str):
    intent = intent_get_for_user(user=request.auth, intent_id=intent_id)
    if intent.payer_id != request.auth.pk:
        raise NotFound("not_found", _("There is no such payment."))
    return intent


@router.get(
    "/intents/{intent_id}/ways",
    response=PayWaysOut,
    tags=["escrow"],  # beside the payment's own answer (/api/escrow/intents)
    openapi_extra=json_answer(
        "The enabled providers that fit the device, in the site's order.",
        refusals={404: "Not my payment, or no such payment (`not_found`)."},
    ),
)
def pay_ways(
    request,
    intent_id: str,
    device: Device = _DEVICE_QUERY,
):
    """List the ways my payment can be paid on ``device``."""
    _payable_by(request, intent_id)
    return {
        "device": device,
        "ways": [
            {"provider": name, "label": provider_label(name)}
            for name in providers_for_device(device)
        ],
    }


@router.post(
    "/intents/{intent_id}/start",
    response=PayActionOut,
    tags=["escrow"],
    openapi_extra=json_answer(
        "What to do to pay.",
        refusals={
            400: "That provider is not offered on this device "
            "(`provider_unavailable`).",
            404: "Not my payment, or no such payment (`not_found`).",
            409: "Paid, cancelled, or started with another provider "
            "(`payment_not_startable`); inside WeChat, WeChat Pay needs the "
            "payer's WeChat account linked once on the pay page "
            "(`wechat_not_linked`, `pay_url`).",
            502: "The provider did not answer (`provider_error`); try again.",
        },
    ),
)
def pay_start(request, intent_id: str, payload: PaymentStartIn):
    """Start paying my payment with a provider (as the pay page does); starting
    the same provider again is allowed, switching after it started is not."""
    intent = _payable_by(request, intent_id)
    openid = ""
    if payload.device == WECHAT_BROWSER and payload.provider == "wechat":
        openid = wechat_oauth.openid_for(request.auth)
        if not openid:
            # WeChat says who the payer is only to a browser it sends back to
            # the site (OAuth): the pay page does it once, then this works.
            raise Conflict(
                "wechat_not_linked",
                _(
                    "Open the pay page in WeChat once to link your WeChat "
                    "account, then pay."
                ),
                extra={
                    "pay_url": SitePath(
                        reverse("payments:pay", kwargs={"intent_id": intent_id})
                    )
                },
            )
    action = payment_start(
        actor=request.auth,
        intent=intent,
        provider_name=payload.provider,
        device=payload.device,
        client_ip=request.META.get("REMOTE_ADDR", ""),
        openid=openid,
    )
    return {
        "kind": action.kind,
        "url": action.url,
        "qr_text": action.qr_text,
        "jsapi": {key: str(value) for key, value in action.jsapi.items()},
    }
