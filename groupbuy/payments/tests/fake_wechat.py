"""A fake WeChat Pay API v3 on 127.0.0.1, with keys made in the test.

Requests must carry the merchant's ``Authorization: WECHATPAY2-SHA256-RSA2048 …``
signature over ``method\\npath\\ntimestamp\\nnonce\\nbody\\n``; answers and
notifications are signed with "WeChat Pay's" key over
``timestamp\\nnonce\\nbody\\n`` and name its public key id in
``Wechatpay-Serial``; notification resources are encrypted with
AEAD_AES_256_GCM under the APIv3 key, as the v3 documentation says. All of it
is written here with ``cryptography``, independently of the SDK.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from groupbuy.payments.tests.fake_alipay import POLL_S, KeyPair

MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092025"
APIV3_KEY = "0123456789abcdef0123456789abcdef"  # 32 bytes, made up
AUTHORIZATION = re.compile(
    r'WECHATPAY2-SHA256-RSA2048 mchid="(?P<mchid>[^"]*)",nonce_str="(?P<nonce>[^"]*)",'
    r'signature="(?P<signature>[^"]*)",timestamp="(?P<timestamp>[^"]*)",'
    r'serial_no="(?P<serial>[^"]*)"'
)


@dataclass
class Order:
    out_trade_no: str
    total: int
    trade_type: str
    transaction_id: str
    state: str = "NOTPAY"
    refunds: dict[str, int] = field(default_factory=dict)


class FakeWechatPay:
    def __init__(self, *, merchant_keys: KeyPair, wechat_keys: KeyPair) -> None:
        self.merchant_keys = merchant_keys
        self.wechat_keys = wechat_keys
        self.orders: dict[str, Order] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.bill_text = ""  # the trade bill the test plants
        # out_bill_no -> the transfer bill; `transfer_outcome` is what a new
        # transfer becomes: SUCCESS, WAIT_USER_CONFIRM, FAIL or a refusal code
        self.transfers: dict[str, dict] = {}
        self.transfer_outcome = "SUCCESS"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_S}
        )
        self._thread.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeWechatPay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- the payer and WeChat Pay's back office ---------------------------------

    def pay(self, out_trade_no: str) -> Order:
        order = self.orders[out_trade_no]
        order.state = "SUCCESS"
        return order

    def transaction(self, order: Order) -> dict:
        return {
            "appid": APPID,
            "mchid": MCHID,
            "out_trade_no": order.out_trade_no,
            "transaction_id": order.transaction_id,
            "trade_type": order.trade_type,
            "trade_state": order.state,
            "trade_state_desc": "支付成功",
            "success_time": "2026-12-02T13:29:35+08:00",
            "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
            "amount": {
                "total": order.total,
                "payer_total": order.total,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
        }

    def notification(
        self,
        resource: dict,
        *,
        event_type: str = "TRANSACTION.SUCCESS",
        keys: KeyPair | None = None,
        apiv3_key: str = APIV3_KEY,
        timestamp: int | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """Return the body and headers WeChat Pay posts about ``resource``."""
        original_type = "refund" if event_type.startswith("REFUND") else "transaction"
        nonce = secrets.token_hex(6)  # 12 characters, the documented nonce length
        associated = original_type
        ciphertext = AESGCM(apiv3_key.encode()).encrypt(
            nonce.encode(),
            json.dumps(resource, ensure_ascii=False).encode(),
            associated.encode(),
        )
        body = json.dumps(
            {
                "id": f"EV-{secrets.token_hex(8)}",
                "create_time": "2026-12-02T13:29:35+08:00",
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功",
                "resource": {
                    "original_type": original_type,
                    "algorithm": "AEAD_AES_256_GCM",
                    "ciphertext": base64.b64encode(ciphertext).decode(),
                    "associated_data": associated,
                    "nonce": nonce,
                },
            },
            ensure_ascii=False,
        )
        return body.encode(), self._signed_headers(body, keys=keys, timestamp=timestamp)

    def _signed_headers(self, body: str, *, keys=None, timestamp=None) -> dict:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        nonce = secrets.token_hex(16)
        signature = (keys or self.wechat_keys).sign(f"{stamp}\n{nonce}\n{body}\n")
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": signature,
            "Wechatpay-Serial": PUBLIC_KEY_ID,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    # --- the API -------------------------------------------------------------

    def _authorised(self, method: str, path: str, body: str, header: str) -> bool:
        match = AUTHORIZATION.fullmatch(header or "")
        if not match or match["mchid"] != MCHID or match["serial"] != SERIAL:
            return False
        message = f"{method}\n{path}\n{match['timestamp']}\n{match['nonce']}\n{body}\n"
        return self.merchant_keys.verify(message, match["signature"])

    def answer(self, method: str, path: str, body: str) -> tuple[int, dict | None]:
        data = json.loads(body) if body else {}
        self.requests.append((method, path, data))
        route = urlsplit(path).path
        kinds = {"native": "NATIVE", "h5": "MWEB", "jsapi": "JSAPI"}
        if method == "POST" and route.startswith("/v3/pay/transactions/"):
            kind = route.rsplit("/", 1)[-1]
            if kind in kinds:
                return self._create(kind, kinds[kind], data)
            if kind == "close":
                number = route.split("/")[-2]
                order = self.orders.get(number)
                if order and order.state == "NOTPAY":
                    order.state = "CLOSED"
                return 204, None
        if method == "GET" and route.startswith("/v3/pay/transactions/out-trade-no/"):
            order = self.orders.get(route.rsplit("/", 1)[-1])
            if order is None:
                return 404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}
            return 200, self.transaction(order)
        if method == "GET" and route == "/v3/bill/tradebill":
            digest = hashlib.sha1(self.bill_text.encode()).hexdigest()
            return 200, {
                "hash_type": "SHA1",
                "hash_value": digest,
                "download_url": f"{self.url}/v3/billdownload/file?token=t1",
            }
        if method == "POST" and route == "/v3/refund/domestic/refunds":
            return self._refund(data)
        transfers = "/v3/fund-app/mch-transfer/transfer-bills"
        if method == "POST" and route == transfers:
            return self._transfer(data)
        if method == "GET" and route.startswith(f"{transfers}/out-bill-no/"):
            bill = self.transfers.get(route.rsplit("/", 1)[-1])
            if bill is None:
                return 404, {"code": "NOT_FOUND", "message": "记录不存在"}
            return 200, bill
        return 404, {"code": "NOT_FOUND", "message": route}

    def _create(self, kind: str, trade_type: str, data: dict):
        if data.get("mchid") != MCHID or data.get("appid") != APPID:
            return 400, {"code": "PARAM_ERROR", "message": "mchid/appid"}
        number = data["out_trade_no"]
        self.orders.setdefault(
            number,
            Order(
                number,
                data["amount"]["total"],
                trade_type,
                transaction_id=f"42000{len(self.orders) + 1:023d}",
            ),
        )
        if kind == "native":
            return 200, {"code_url": f"weixin://wxpay/bizpayurl?pr={number[-8:]}"}
        if kind == "h5":
            return 200, {"h5_url": f"https://wx.tenpay.com/cgi-bin/mmpayweb?p={number}"}
        return 200, {"prepay_id": f"wx{number[-10:]}"}

    def _refund(self, data: dict):
        order = self.orders.get(data.get("out_trade_no", ""))
        if order is None or order.state not in ("SUCCESS", "REFUND"):
            return 400, {"code": "INVALID_REQUEST", "message": "not paid"}
        number = data["out_refund_no"]
        amount = data["amount"]["refund"]
        if number not in order.refunds:
            if sum(order.refunds.values()) + amount > order.total:
                return 400, {"code": "NOT_ENOUGH", "message": "too much"}
            order.refunds[number] = amount
            order.state = "REFUND"
        return 200, {
            "refund_id": f"50000{len(order.refunds):024d}",
            "out_refund_no": number,
            "transaction_id": order.transaction_id,
            "out_trade_no": order.out_trade_no,
            "status": "PROCESSING",
            "amount": {"total": order.total, "refund": amount, "currency": "CNY"},
        }

    def _transfer(self, data: dict):
        if data.get("appid") != APPID or not data.get("openid"):
            return 400, {"code": "PARAM_ERROR", "message": "appid/openid"}
        number = data["out_bill_no"]
        if number in self.transfers:
            return 400, {"code": "INVALID_REQUEST", "message": "单号重复"}
        if self.transfer_outcome not in ("SUCCESS", "WAIT_USER_CONFIRM", "FAIL"):
            return 400, {"code": self.transfer_outcome, "message": "refused"}
        bill = {
            "mch_id": MCHID,
            "out_bill_no": number,
            "transfer_bill_no": f"1330000071100{len(self.transfers) + 1:027d}",
            "appid": APPID,
            "state": self.transfer_outcome,
            "transfer_amount": data["transfer_amount"],
            "openid": data["openid"],
        }
        if self.transfer_outcome == "FAIL":
            bill["fail_reason"] = "PAYEE_ACCOUNT_ABNORMAL"
        self.transfers[number] = bill
        return 200, bill

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                authorised = gateway._authorised(
                    method, self.path, body, self.headers.get("Authorization")
                )
                if authorised and self.path.startswith("/v3/billdownload/"):
                    data = gzip.compress(gateway.bill_text.encode())
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if not authorised:
                    status, answer = 401, {"code": "SIGN_ERROR", "message": "sign"}
                else:
                    status, answer = gateway.answer(method, self.path, body)
                text = "" if answer is None else json.dumps(answer, ensure_ascii=False)
                data = text.encode()
                self.send_response(status)
                for name, value in gateway._signed_headers(text).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def log_message(self, *args):
                pass

        return Handler


BILL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,"
    "交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,"
    "商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注"
)


def bill_line(
    *,
    out_trade_no,
    transaction_id,
    total_yuan,
    state="SUCCESS",
    refund=("", "", "0.00"),
) -> str:
    """One transaction line as the v3 trade bill writes it (backtick-prefixed)."""
    refund_id, out_refund_no, refund_yuan = refund
    values = [
        "2026-12-02 10:00:00",
        APPID,
        MCHID,
        "0",
        "",
        transaction_id,
        out_trade_no,
        "oUpF8uMu",
        "NATIVE",
        state,
        "OTHERS",
        "CNY",
        total_yuan,
        "0.00",
        refund_id,
        out_refund_no,
        refund_yuan,
        "0.00",
        "ORIGINAL" if refund_id else "",
        "SUCCESS" if refund_id else "",
        "2 × Jasmine tea",
        "",
        "0.59",
        "0.60%",
        total_yuan,
        refund_yuan,
        "",
    ]
    return ",".join("`" + value for value in values)


def bill(lines: list[str]) -> str:
    summary = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额"
    return "\n".join([BILL_HEADER, *lines, summary, "`1,`99.00,`0.00,`0.00,`0.59"])
