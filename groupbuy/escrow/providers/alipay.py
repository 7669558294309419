"""Alipay (支付宝) through python-alipay-sdk: page pay, WAP pay, notify, query,
refund and close.

Our ``out_trade_no`` is the intent's public id. Alipay posts an asynchronous
notification (form-encoded, RSA2-signed: every non-empty parameter except
``sign`` and ``sign_type``, sorted by name, joined as ``k=v&…``, SHA256withRSA
with Alipay's key, base64) to ``GROUPBUY_ALIPAY_NOTIFY_URL``; we verify it with
Alipay's public key and check the app id (and seller id when configured)
before it reaches ``payment_event_apply``. The event id is ``<trade_no>:paid``
(or ``:closed``), the same for a notification and for a trade query, so
whichever comes second is a duplicate; a refund's notification (still
TRADE_SUCCESS) is a duplicate too. Settings: see docs/payments.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import zipfile
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl
from urllib.request import urlopen

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from groupbuy.escrow.errors import EscrowError
from groupbuy.escrow.providers.base import (
    DESKTOP,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    PayAction,
    PaymentEvent,
    ProviderError,
    StatementLine,
    TransferRefused,
)

logger = logging.getLogger(__name__)

PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
SANDBOX_GATEWAY = "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
PAID_STATUSES = ("TRADE_SUCCESS", "TRADE_FINISHED")
CLOSED_STATUS = "TRADE_CLOSED"
SUCCESS_CODE = "10000"
TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST"


def fen_to_yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def yuan_to_fen(value: str) -> int:
    try:
        fen = Decimal(value) * 100
    except (InvalidOperation, TypeError):
        raise ValueError(f"not an amount: {value!r}") from None
    if fen != fen.to_integral_value():
        raise ValueError(f"not a whole number of fen: {value!r}")
    return int(fen)


def _key_text(name: str) -> str:
    """Return a PEM key from the setting ``name`` or the file ``name_FILE``."""
    text = getattr(settings, name, "") or ""
    path = getattr(settings, f"{name}_FILE", "") or ""
    if not text and path:
        text = Path(path).read_text()
    if not text:
        raise ProviderError(f"{name} (or {name}_FILE) is not set")
    if "-----BEGIN" not in text:  # the bare base64 Alipay's console shows
        kind = "PRIVATE KEY" if "PRIVATE" in name else "PUBLIC KEY"
        text = f"-----BEGIN {kind}-----\n{text.strip()}\n-----END {kind}-----\n"
    return text


def _notify_url() -> str:
    configured = getattr(settings, "GROUPBUY_ALIPAY_NOTIFY_URL", "")
    if configured:
        return configured
    return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + "/payments/notify/alipay/"


@lru_cache(maxsize=4)
def _client_for(app_id: str, private_key: str, public_key: str, gateway: str):
    from alipay import AliPay

    client = AliPay(
        appid=app_id,
        app_private_key_string=private_key,
        alipay_public_key_string=public_key,
        sign_type="RSA2",
    )
    client._gateway = gateway  # the SDK only knows two; ours is a setting
    return client


def client():
    """Return the SDK client for the current settings (cached per settings)."""
    return _client_for(
        str(getattr(settings, "GROUPBUY_ALIPAY_APP_ID", "")),
        _key_text("GROUPBUY_ALIPAY_APP_PRIVATE_KEY"),
        _key_text("GROUPBUY_ALIPAY_PUBLIC_KEY"),
        getattr(settings, "GROUPBUY_ALIPAY_GATEWAY", "") or PRODUCTION_GATEWAY,
    )


def _refused(code: str, message: str) -> EscrowError:
    logger.warning("alipay notification refused: %s: %s", code, message)
    return EscrowError(code, message, status=400)


def _event_from_trade(fields: Mapping[str, str], *, payload: dict) -> PaymentEvent:
    """Turn a trade's status (notification or query) into a payment event."""
    status = fields.get("trade_status", "")
    if status in PAID_STATUSES:
        event_type, suffix = PAYMENT_SUCCEEDED, "paid"
    elif status == CLOSED_STATUS:
        event_type, suffix = PAYMENT_FAILED, "closed"
    else:
        raise _refused(
            "not_final", _("The trade is not finished (%(s)s).") % {"s": status}
        )
    try:
        amount_fen = yuan_to_fen(fields["total_amount"])
        trade_no = str(fields["trade_no"])
        intent_id = str(fields["out_trade_no"])
    except (KeyError, ValueError):
        raise _refused(
            "malformed_callback", _("The notification is not a trade.")
        ) from None
    return PaymentEvent(
        event_id=f"{trade_no}:{suffix}",
        intent_id=intent_id,
        type=event_type,
        amount_fen=amount_fen,
        currency="CNY",
        provider_reference=trade_no,
        payload=payload,
    )


def refund_request_number(idempotency_key: str) -> str:
    """Return Alipay's ``out_request_no`` (≤ 64 characters) for our refund key."""
    if len(idempotency_key) <= 64:
        return idempotency_key
    return "rf_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]


def _checked(response: dict, *, what: str) -> dict:
    if response.get("code") != SUCCESS_CODE:
        raise ProviderError(
            f"alipay {what}: {response.get('code')} {response.get('sub_code', '')} "
            f"{response.get('sub_msg', response.get('msg', ''))}".strip()
        )
    return response


def _call(method, **kwargs) -> dict:
    """Call the SDK; turn its exceptions (network, bad signature) into ours."""
    from alipay.exceptions import AliPayException, AliPayValidationError

    try:
        return method(**kwargs)
    except (AliPayException, AliPayValidationError, OSError, ValueError) as error:
        raise ProviderError(f"alipay: {error!r}") from error


class AlipayProvider:
    name = "alipay"
    label = gettext_lazy("Alipay")  # 支付宝
    devices = ("desktop", "phone")

    def pay_page_url(self, intent) -> str:
        # Our own page first: it knows the device (page pay or WAP pay).
        from django.urls import reverse

        return reverse("payments:pay", kwargs={"intent_id": intent.public_id})

    def pay_action(
        self, intent, *, device: str, client_ip: str = "", openid: str = ""
    ) -> PayAction:
        """Return Alipay's cashier: page pay on a desktop, WAP pay on a phone."""
        sdk = client()
        arguments = {
            "subject": intent.description[:256] or intent.public_id,
            "out_trade_no": intent.public_id,
            "total_amount": fen_to_yuan(intent.amount_fen),
            "return_url": _absolute(intent.return_url),
            "notify_url": _notify_url(),
            "timeout_express": f"{settings.GROUPBUY_PAYMENT_WINDOW_MINUTES}m",
        }
        if device == DESKTOP:  # phones and the WeChat browser get WAP pay
            query = sdk.api_alipay_trade_page_pay(**arguments)
        else:
            query = sdk.api_alipay_trade_wap_pay(**arguments)
        return PayAction(kind="redirect", url=f"{sdk._gateway}?{query}")

    def parse_callback(
        self, *, body: bytes, headers: Mapping[str, str]
    ) -> PaymentEvent:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _refused(
                "malformed_callback", _("The notification is not UTF-8.")
            ) from None
        fields = dict(parse_qsl(text, keep_blank_values=True))
        signature = fields.pop("sign", "")
        signed = {key: value for key, value in fields.items() if value != ""}
        signed.pop("sign_type", None)
        if not signature or not _verified(signed, signature):
            raise _refused("invalid_signature", _("invalid signature"))
        if fields.get("sign_type", "RSA2") != "RSA2":
            raise _refused("invalid_signature", _("Only RSA2 signatures are taken."))
        if fields.get("app_id") != str(settings.GROUPBUY_ALIPAY_APP_ID):
            raise _refused("wrong_app_id", _("The notification is for another app."))
        seller_id = getattr(settings, "GROUPBUY_ALIPAY_SELLER_ID", "")
        if seller_id and fields.get("seller_id") != seller_id:
            raise _refused(
                "wrong_merchant", _("The notification is for another seller.")
            )
        return _event_from_trade(fields, payload=fields)

    def notify_response(self, *, error: EscrowError | None) -> HttpResponse:
        """Alipay stops resending on the plain text ``success``, nothing else."""
        return HttpResponse(
            "fail" if error else "success", content_type="text/plain", status=200
        )

    def query_intent(self, intent) -> PaymentEvent | None:
        sdk = client()
        response = _call(sdk.api_alipay_trade_query, out_trade_no=intent.public_id)
        if response.get("sub_code") == TRADE_NOT_EXIST:
            return None
        _checked(response, what="trade query")
        if response.get("trade_status") not in (*PAID_STATUSES, CLOSED_STATUS):
            return None
        return _event_from_trade(response, payload=dict(response))

    def refund(self, *, intent, amount_fen: int, idempotency_key: str) -> str:
        sdk = client()
        request_number = refund_request_number(idempotency_key)
        response = _call(
            sdk.api_alipay_trade_refund,
            refund_amount=fen_to_yuan(amount_fen),
            out_trade_no=intent.public_id,
            out_request_no=request_number,
        )
        _checked(response, what="refund")
        return f"{response.get('trade_no', '')}:{request_number}"

    def close_intent(self, intent) -> bool:
        """Close the unpaid trade; True if closed or never started at Alipay."""
        sdk = client()
        response = _call(sdk.api_alipay_trade_close, out_trade_no=intent.public_id)
        if response.get("sub_code") == TRADE_NOT_EXIST:
            return True  # the shopper never opened the cashier
        _checked(response, what="close")
        return True

    def transfer(self, *, payout) -> str:
        """Pay ``payout`` to an Alipay account (alipay.fund.trans.uni.transfer).

        Return Alipay's order id; raise TransferRefused when Alipay refuses for
        good (wrong payee, …) and ProviderError when it may work on a retry.
        """
        sdk = client()
        biz = {
            "out_biz_no": payout.business_number,
            "trans_amount": fen_to_yuan(payout.amount_fen),
            "product_code": "TRANS_ACCOUNT_NO_PWD",
            "biz_scene": "DIRECT_TRANSFER",
            "order_title": "groupbuy payout",
            "payee_info": {
                "identity": payout.payee_account,
                "identity_type": "ALIPAY_LOGON_ID",
                "name": payout.payee_name,
            },
        }
        response = _call(
            sdk.server_api, api_name="alipay.fund.trans.uni.transfer", biz_content=biz
        )
        if response.get("code") == SUCCESS_CODE and response.get("status") == "SUCCESS":
            return str(response.get("order_id", ""))
        if response.get("code") == "40004":  # a business refusal: retrying won't help
            raise TransferRefused(
                f"{response.get('sub_code', '')} {response.get('sub_msg', '')}".strip()
            )
        raise ProviderError(f"alipay transfer: {response.get('code')}")

    def statement(self, day) -> list:
        """Download the day's trade bill (a zip of GBK CSVs) and return its lines."""
        sdk = client()
        response = _call(
            sdk.server_api,
            api_name="alipay.data.dataservice.bill.downloadurl.query",
            biz_content={"bill_type": "trade", "bill_date": day.isoformat()},
        )
        _checked(response, what="bill url")
        try:
            with urlopen(response["bill_download_url"], timeout=30) as answer:
                archive = answer.read()
        except (OSError, KeyError) as error:
            raise ProviderError(f"alipay bill download: {error!r}") from error
        return parse_trade_bill(archive)


def _verified(fields: dict, signature: str) -> bool:
    try:
        return client().verify(dict(fields), signature)
    except (ValueError, TypeError, IndexError):  # not base64, wrong length
        return False
    except Exception as error:  # the SDK's own: unknown sign type
        logger.warning("alipay verify failed: %r", error)
        return False


def _absolute(url: str) -> str | None:
    if not url:
        return None
    if url.startswith("/"):
        return settings.GROUPBUY_PUBLIC_URL.rstrip("/") + url
    return url


def parse_trade_bill(archive: bytes) -> list:
    """Parse Alipay's trade bill: the 业务明细 CSV of the zip (GBK; "#" comments)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        names = [name for name in bundle.namelist() if "汇总" not in name]
        text = bundle.read(names[0]).decode("gbk")
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    rows = [row for row in rows if not row[0].startswith("#")]
    header = [name.strip() for name in rows[0]]
    column = {name: index for index, name in enumerate(header)}
    lines = []
    for row in rows[1:]:
        values = [value.strip() for value in row]
        kind = values[column["业务类型"]]
        amount_fen = abs(yuan_to_fen(values[column["订单金额（元）"]]))
        if kind == "交易":
            lines.append(
                StatementLine(
                    kind="payment",
                    out_trade_no=values[column["商户订单号"]],
                    amount_fen=amount_fen,
                    provider_reference=values[column["支付宝交易号"]],
                )
            )
        elif kind == "退款":
            lines.append(
                StatementLine(
                    kind="refund",
                    out_trade_no=values[column["商户订单号"]],
                    amount_fen=amount_fen,
                    out_refund_no=values[column["退款批次号/请求号"]],
                    provider_reference=values[column["支付宝交易号"]],
                )
            )
    return lines
