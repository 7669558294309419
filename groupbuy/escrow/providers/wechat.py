"""WeChat Pay API v3 (微信支付) through wechatpayv3: Native, H5, JSAPI, notify,
query, refund and close.

The SDK runs in WeChat Pay's "public key" mode (微信支付公钥 and its id), so it
never downloads platform certificates at start. A notification is verified
(``Wechatpay-Signature`` over ``timestamp\\nnonce\\nbody\\n``, SHA256withRSA),
refused when its timestamp is more than five minutes off, decrypted
(AEAD_AES_256_GCM with the APIv3 key) and checked for our mchid and appid.
Payment notifications become ``PaymentEvent``s with the id
``<transaction_id>:paid`` (the same as a query's answer); refund notifications
become ``RefundNotice``s (``groupbuy.payments.services.refund_notice_apply``).
Settings: see docs/payments.md.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers.alipay import (
    _key_text,
    refund_request_number,
)
from groupbuy.escrow.providers.base import (
    DESKTOP,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    WECHAT_BROWSER,
    PayAction,
    PaymentEvent,
    ProviderError,
    StatementLine,
    TransferRefused,
)
from groupbuy.escrow.providers.wechat_bill import bill_lines

logger = logging.getLogger(__name__)

PAID_STATES = ("SUCCESS", "REFUND")
FAILED_STATES = ("CLOSED", "PAYERROR", "REVOKED")
REFUND_ACCEPTED = ("SUCCESS", "PROCESSING")
# WeChat requires the payee's real name from 2,000 yuan on.
WECHAT_TRANSFER_NAME_FROM_FEN = 200_000
# Refusals of a transfer that trying again cannot fix (wrong openid, no balance
# is not one of them: the platform may top up).
TRANSFER_REFUSALS = ("PARAM_ERROR", "INVALID_REQUEST", "NO_AUTH", "OPENID_INVALID")
HEADERS = (
    "Wechatpay-Signature",
    "Wechatpay-Timestamp",
    "Wechatpay-Nonce",
    "Wechatpay-Serial",
    "Wechatpay-Signature-Type",
)


@dataclass(frozen=True)
class RefundNotice:
    """A verified notification about one of our refunds."""

    notice_id: str
    out_refund_no: str
    status: str  # SUCCESS | ABNORMAL | CLOSED
    amount_fen: int
    provider_reference: str
    payload: dict = field(default_factory=dict)


def _notify_url() -> str:
    configured = getattr(settings, "GROUPBUY_WECHATPAY_NOTIFY_URL", "")
    if configured:
        return configured
    return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + "/payments/notify/wechat/"


@lru_cache(maxsize=4)
def _client_for(mchid, appid, serial, private_key, apiv3_key, public_key, key_id, gw):
    from wechatpayv3 import WeChatPay, WeChatPayType

    sdk = WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=mchid,
        private_key=private_key,
        cert_serial_no=serial,
        appid=appid,
        apiv3_key=apiv3_key,
        notify_url=_notify_url(),
        public_key=public_key,
        public_key_id=key_id,
        timeout=(5, 15),
    )
    sdk._core._gate_way = gw.rstrip("/")  # a setting: the fake gateway in tests
    return sdk


def client():
    return _client_for(
        settings.GROUPBUY_WECHATPAY_MCHID,
        settings.GROUPBUY_WECHATPAY_APPID,
        settings.GROUPBUY_WECHATPAY_CERT_SERIAL_NO,
        _key_text("GROUPBUY_WECHATPAY_PRIVATE_KEY"),
        settings.GROUPBUY_WECHATPAY_APIV3_KEY,
        _key_text("GROUPBUY_WECHATPAY_PUBLIC_KEY"),
        settings.GROUPBUY_WECHATPAY_PUBLIC_KEY_ID,
        settings.GROUPBUY_WECHATPAY_GATEWAY,
    )


def _refused(code: str, message: str) -> EscrowError:
    logger.warning("wechat pay notification refused: %s: %s", code, message)
    return EscrowError(code, message, status=400)


def _call(method, **kwargs) -> tuple[int, dict]:
    """Call the SDK; return (status, JSON) or raise ProviderError."""
    try:
        status, text = method(**kwargs)
    except Exception as error:  # the SDK raises bare Exception (network, signature)
        raise ProviderError(f"wechat pay: {error!r}") from error
    try:
        data = json.loads(text) if text else {}
    except (TypeError, ValueError):
        data = {}
    return status, data


def _event_from_transaction(data: Mapping, *, payload: dict) -> PaymentEvent | None:
    state = data.get("trade_state", "")
    if state in PAID_STATES:
        event_type, suffix = PAYMENT_SUCCEEDED, "paid"
    elif state in FAILED_STATES:
        event_type, suffix = PAYMENT_FAILED, "closed"
    else:
        return None
    try:
        amount = data["amount"]
        reference = str(data.get("transaction_id") or data["out_trade_no"])
        return PaymentEvent(
            event_id=f"{reference}:{suffix}",
            intent_id=str(data["out_trade_no"]),
            type=event_type,
            amount_fen=int(amount["total"]),
            currency=str(amount.get("currency", "CNY")),
            provider_reference=reference,
            payload=payload,
        )
    except (KeyError, TypeError, ValueError):
        raise _refused(
            "malformed_callback", _("The notification is not a payment.")
        ) from None


def _expire_at() -> str:
    minutes = settings.GROUPBUY_PAYMENT_WINDOW_MINUTES
    moment = timezone.now() + timedelta(minutes=minutes)
    return moment.replace(microsecond=0).isoformat()  # RFC 3339 with offset


class WechatPayProvider:
    name = "wechat"
    label = gettext_lazy("WeChat Pay")  # 微信支付

    @property
    def devices(self) -> tuple[str, ...]:
        # Inside WeChat only JSAPI works, and it needs the payer's openid from
        # WeChat's OAuth (groupbuy.payments.wechat_oauth), which needs the
        # Official Account's AppSecret.
        if getattr(settings, "GROUPBUY_WECHAT_APP_SECRET", ""):
            return ("desktop", "phone", WECHAT_BROWSER)
        return ("desktop", "phone")

    def pay_page_url(self, intent) -> str:
        # Native pay has no page of its own: our pay page shows the QR code.
        from django.urls import reverse

        return reverse("payments:pay", kwargs={"intent_id": intent.public_id})

    def pay_action(
        self, intent, *, device: str, client_ip: str = "", openid: str = ""
    ) -> PayAction:
        """Native QR on a desktop, H5 on a phone browser, JSAPI inside WeChat."""
        from wechatpayv3 import WeChatPayType

        arguments = {
            "description": intent.description[:127] or intent.public_id,
            "out_trade_no": intent.public_id,
            "amount": {"total": intent.amount_fen, "currency": intent.currency},
            "time_expire": _expire_at(),
        }
        if device == DESKTOP:
            kind, extra = WeChatPayType.NATIVE, {}
        elif device == WECHAT_BROWSER:
            if not openid:
                raise ProviderError("JSAPI needs the payer's openid")
            kind, extra = WeChatPayType.JSAPI, {"payer": {"openid": openid}}
        else:
            scene = {"payer_client_ip": client_ip or "127.0.0.1"}
            scene["h5_info"] = {"type": "Wap"}
            kind, extra = WeChatPayType.H5, {"scene_info": scene}
        sdk = client()
        status, data = _call(sdk.pay, pay_type=kind, **arguments, **extra)
        if status != 200:
            raise ProviderError(f"wechat pay order: {status} {data.get('code')}")
        if kind == WeChatPayType.NATIVE:
            return PayAction(kind="qr", qr_text=data["code_url"])
        if kind == WeChatPayType.H5:
            return PayAction(kind="redirect", url=data["h5_url"])
        return PayAction(kind="jsapi", jsapi=_jsapi_parameters(sdk, data["prepay_id"]))

    def parse_notification(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> PaymentEvent | RefundNotice:
        wanted = {name: _header(headers, name) for name in HEADERS}
        _check_timestamp(wanted["Wechatpay-Timestamp"])
        sdk = client()
        try:
            text = body.decode("utf-8")
            result = sdk.callback(headers=wanted, body=text)
        except Exception:  # bad UTF-8, unsupported algorithm, broken JSON
            result = None
        if not result:
            raise _refused(
                "invalid_signature", _("invalid signature or undecryptable resource")
            )
        resource = result["resource"]
        if resource.get("mchid") != settings.GROUPBUY_WECHATPAY_MCHID:
            raise _refused(
                "wrong_merchant", _("The notification is for another merchant.")
            )
        event_type = str(result.get("event_type", ""))
        if event_type.startswith("REFUND."):
            return _refund_notice(result, resource)
        if resource.get("appid") != settings.GROUPBUY_WECHATPAY_APPID:
            raise _refused("wrong_app_id", _("The notification is for another app."))
        event = _event_from_transaction(resource, payload=resource)
        if event is None:
            raise _refused("not_final", _("The payment is not finished."))
        return event

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> PaymentEvent:
        notice = self.parse_notification(body=body, headers=headers)
        if not isinstance(notice, PaymentEvent):
            raise _refused("not_a_payment", _("This is a refund notification."))
        return notice

    def notify_response(self, *, error: EscrowError | None) -> HttpResponse:
        """v3: 200/204 without body is success; 4xx/5xx with code FAIL resends."""
        if error is None:
            return HttpResponse(status=204)
        return JsonResponse(
            {"code": "FAIL", "message": error.message[:200]},
            status=500 if error.status >= 500 else 400,
        )

    def query_intent(self, intent) -> PaymentEvent | None:
        status, data = _call(client().query, out_trade_no=intent.public_id)
        if status == 404:
            return None  # ORDER_NOT_EXIST: the payer never opened it
        if status != 200:
            raise ProviderError(f"wechat pay query: {status} {data.get('code')}")
        return _event_from_transaction(data, payload=data)

    def refund(self, *, intent, amount_fen: int, idempotency_key: str) -> str:
        number = refund_request_number(idempotency_key)
        status, data = _call(
            client().refund,
            out_refund_no=number,
            amount={
                "refund": amount_fen,
                "total": intent.amount_fen,
                "currency": intent.currency,
            },
            out_trade_no=intent.public_id,
        )
        if status != 200 or data.get("status") not in REFUND_ACCEPTED:
            raise ProviderError(
                f"wechat pay refund: {status} {data.get('code') or data.get('status')}"
            )
        return str(data.get("refund_id") or number)

    def close_intent(self, intent) -> bool:
        status, data = _call(client().close, out_trade_no=intent.public_id)
        if status in (200, 204):
            return True
        raise ProviderError(f"wechat pay close: {status} {data.get('code')}")

    def transfer(self, *, payout) -> str:
        """Pay ``payout`` to a WeChat user's change (商家转账, transfer-bills).

        ``payout.payee_account`` is the payee's openid under our appid. The bill
        number is the payout's business number, so asking again never pays twice:
        an existing bill is looked up instead of created. Return WeChat's bill
        number once it is paid; raise TransferRefused when it failed or was
        cancelled (the money goes back), ProviderError while it is on its way or
        waiting for the payee to confirm in WeChat (the retry job asks again).
        """
        sdk = client()
        status, data = _call(
            sdk.mch_transfer_bills_query, out_bill_no=payout.business_number
        )
        if status == 404:
            arguments = {
                "out_bill_no": payout.business_number,
                "transfer_scene_id": settings.GROUPBUY_WECHATPAY_TRANSFER_SCENE_ID,
                "openid": payout.payee_account,
                "transfer_amount": payout.amount_fen,
                "transfer_remark": "groupbuy payout",
            }
            if payout.amount_fen >= WECHAT_TRANSFER_NAME_FROM_FEN:
                arguments["user_name"] = payout.payee_name
            status, data = _call(sdk.mch_transfer_bills, **arguments)
            if status == 400 and data.get("code") in TRANSFER_REFUSALS:
                raise TransferRefused(f"{data['code']} {data.get('message', '')}")
        if status != 200:
            raise ProviderError(f"wechat transfer: {status} {data.get('code')}")
        state = data.get("state", "")
        if state == "SUCCESS":
            return str(data.get("transfer_bill_no", ""))
        if state in ("FAIL", "CANCELLED"):
            raise TransferRefused(f"{state} {data.get('fail_reason', '')}".strip())
        raise ProviderError(f"wechat transfer {payout.business_number}: {state}")

    def statement(self, day) -> list[StatementLine]:
        """Download the day's trade bill (v3 tradebill) and return its lines."""
        sdk = client()
        status, data = _call(sdk.trade_bill, bill_date=day.isoformat())
        if status != 200 or "download_url" not in data:
            raise ProviderError(f"wechat pay bill: {status} {data.get('code')}")
        try:
            status, content = sdk.download_bill(data["download_url"])
        except Exception as error:
            raise ProviderError(f"wechat pay bill download: {error!r}") from error
        if status != 200:
            raise ProviderError(f"wechat pay bill download: {status}")
        raw = content if isinstance(content, bytes) else content.encode()
        return bill_lines(raw, hash_value=str(data.get("hash_value", "")))


def _refund_notice(result: dict, resource: dict) -> RefundNotice:
    try:
        return RefundNotice(
            notice_id=str(result["id"]),
            out_refund_no=str(resource["out_refund_no"]),
            status=str(resource["refund_status"]),
            amount_fen=int(resource["amount"]["refund"]),
            provider_reference=str(resource.get("refund_id", "")),
            payload=resource,
        )
    except (KeyError, TypeError, ValueError):
        raise _refused(
            "malformed_callback", _("The notification is not a refund.")
        ) from None


def _jsapi_parameters(sdk, prepay_id: str) -> dict:
    """Return what ``WeixinJSBridge.invoke('getBrandWCPayRequest', …)`` takes."""
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    package = f"prepay_id={prepay_id}"
    appid = settings.GROUPBUY_WECHATPAY_APPID
    return {
        "appId": appid,
        "timeStamp": timestamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": sdk.sign([appid, timestamp, nonce, package]),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def _check_timestamp(value: str) -> None:
    try:
        age = abs(time.time() - int(value))
    except ValueError:
        raise _refused("invalid_signature", _("invalid signature")) from None
    if age > getattr(settings, "GROUPBUY_WECHATPAY_NOTIFY_MAX_AGE_SECONDS", 300):
        raise _refused("stale_notification", _("The notification is too old."))
