"""A fake Alipay gateway on 127.0.0.1, with keys made in the test.

It checks the app's RSA2 signature on every request the SDK sends (GET
``/gateway.do?…``), keeps trades (pay, query, refund, close) and signs its
answers and notifications with "Alipay's" private key, following Alipay's
published rules: drop ``sign`` and ``sign_type`` and empty values, sort by
name, join ``k=v`` with ``&``, SHA256withRSA, base64. Signing here uses the
``cryptography`` package, not the SDK, so the SDK's verification is tested
against an independent implementation.
"""

from __future__ import annotations

import base64
import html
import io
import json
import threading
import urllib.request
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.support.waits import HANG_SECONDS

APP_ID = "2021000000000001"
SELLER_ID = "2088000000000001"
# How often a fake gateway's server looks for shutdown(): the default 0.5 s
# was half a second of every test that used one.
POLL_S = 0.01


@dataclass
class KeyPair:
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def private_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
            .decode()
        )

    def sign(self, text: str) -> str:
        signature = self.private.sign(
            text.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return base64.b64encode(signature).decode()

    def verify(self, text: str, signature: str) -> bool:
        try:
            self.private.public_key().verify(
                base64.b64decode(signature),
                text.encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (InvalidSignature, ValueError):
            return False
        return True


def string_to_sign(fields: dict, *, without=("sign", "sign_type")) -> str:
    """Notifications leave out ``sign`` and ``sign_type``; requests only ``sign``."""
    items = sorted(
        (key, value)
        for key, value in fields.items()
        if key not in without and value != ""
    )
    return "&".join(f"{key}={value}" for key, value in items)


@dataclass
class Trade:
    out_trade_no: str
    total_amount: str
    trade_no: str
    status: str = "WAIT_BUYER_PAY"
    refunds: dict[str, str] = field(default_factory=dict)  # out_request_no → yuan

    @property
    def refunded(self) -> Decimal:
        return sum((Decimal(v) for v in self.refunds.values()), Decimal("0"))


class FakeAlipay:
    """The gateway; ``url`` is what GROUPBUY_ALIPAY_GATEWAY points at."""

    def __init__(self, *, app_keys: KeyPair, alipay_keys: KeyPair) -> None:
        self.notified: list[str] = []  # the shop's answers to cashier notifications
        self.app_keys = app_keys
        self.alipay_keys = alipay_keys
        self.trades: dict[str, Trade] = {}
        self.requests: list[dict] = []
        self.fail_next: list[dict] = []  # answers to give instead, in order
        self.accounts = {"merchant@example.com"}  # payees that exist
        self.transfers: dict[str, tuple[str, str]] = {}  # out_biz_no → payee, yuan
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": POLL_S}
        )
        self._thread.daemon = True

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/gateway.do"

    def start(self) -> FakeAlipay:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what the shopper and Alipay's back office do ---------------------------

    def open_cashier(self, pay_url: str) -> dict:
        """Check a page/WAP pay URL as Alipay's cashier would; open the trade."""
        fields = dict(parse_qsl(urlsplit(pay_url).query, keep_blank_values=True))
        self._check_request(fields)
        biz = json.loads(fields["biz_content"])
        number = f"2026{len(self.trades) + 1:024d}"
        self.trades.setdefault(
            biz["out_trade_no"],
            Trade(biz["out_trade_no"], biz["total_amount"], trade_no=number),
        )
        return fields

    def pay(self, out_trade_no: str) -> Trade:
        trade = self.trades[out_trade_no]
        trade.status = "TRADE_SUCCESS"
        return trade

    def notification(
        self, trade_key: str, *, keys: KeyPair | None = None, **overrides
    ) -> bytes:
        """Return the form body Alipay posts for the trade's current state."""
        trade = self.trades[trade_key]
        fields = {
            "notify_time": "2026-12-02 05:00:00",
            "notify_type": "trade_status_sync",
            "notify_id": f"n{len(self.requests)}{trade.trade_no[-6:]}",
            "charset": "utf-8",
            "version": "1.0",
            "app_id": APP_ID,
            "seller_id": SELLER_ID,
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "trade_status": trade.status,
            "total_amount": trade.total_amount,
            "subject": "2 × Jasmine tea",
            "buyer_logon_id": "",
        }
        if trade.refunds:
            fields["refund_fee"] = str(trade.refunded)
        fields.update(overrides)
        fields["sign"] = (keys or self.alipay_keys).sign(string_to_sign(fields))
        fields["sign_type"] = "RSA2"
        return urlencode(fields).encode()

    # --- the open API ----------------------------------------------------------

    def _check_request(self, fields: dict) -> None:
        if fields.get("app_id") != APP_ID or fields.get("sign_type") != "RSA2":
            raise AssertionError(f"wrong app id or sign type: {fields}")
        text = string_to_sign(fields, without=("sign",))
        if not self.app_keys.verify(text, fields.get("sign", "")):
            raise AssertionError("the app's request signature does not verify")

    def answer(self, fields: dict) -> dict:
        self._check_request(fields)
        self.requests.append(fields)
        if self.fail_next:
            return self.fail_next.pop(0)
        biz = json.loads(fields.get("biz_content") or "{}")
        if fields["method"] == "alipay.fund.trans.uni.transfer":
            return self._transfer(biz)
        if fields["method"] == "alipay.data.dataservice.bill.downloadurl.query":
            base = self.url.rsplit("/", 1)[0]
            return {
                **_ok(),
                "bill_download_url": f"{base}/bill.zip?d={biz['bill_date']}",
            }
        trade = self.trades.get(biz.get("out_trade_no", ""))
        if trade is None:
            return _error("ACQ.TRADE_NOT_EXIST", "交易不存在")
        method = fields["method"]
        if method == "alipay.trade.query":
            return {
                **_ok(),
                "trade_no": trade.trade_no,
                "out_trade_no": trade.out_trade_no,
                "trade_status": trade.status,
                "total_amount": trade.total_amount,
            }
        if method == "alipay.trade.refund":
            return self._refund(trade, biz)
        if method == "alipay.trade.close":
            if trade.status != "WAIT_BUYER_PAY":
                return _error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            trade.status = "TRADE_CLOSED"
            return {**_ok(), "trade_no": trade.trade_no}
        return _error("isv.invalid-method", method)

    def bill_zip(self) -> bytes:
        """The trade bill as Alipay ships it: a zip of GBK CSVs with # comments."""
        header = (
            "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,"
            "门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,"
            "支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,"
            "券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
            "退款批次号/请求号,服务费（元）,分润（元）,备注"
        )
        rows = []
        for trade in self.trades.values():
            if trade.status in ("TRADE_SUCCESS", "TRADE_FINISHED"):
                rows.append(self._bill_row(trade, "交易", trade.total_amount, ""))
            for number, amount in trade.refunds.items():
                rows.append(self._bill_row(trade, "退款", "-" + amount, number))
        text = "\n".join(
            [
                "#支付宝业务明细查询",
                f"#账号：[{SELLER_ID}0156]",
                header,
                *rows,
                "#-----------------------------------------业务明细列表结束",
                "#导出时间：[2026年12月03日 10:00:00]",
            ]
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as bundle:
            bundle.writestr(f"{SELLER_ID}_20261202_业务明细.csv", text.encode("gbk"))
            bundle.writestr(f"{SELLER_ID}_20261202_业务明细(汇总).csv", b"")
        return buffer.getvalue()

    def _bill_row(self, trade, kind: str, amount: str, refund_number: str) -> str:
        values = [trade.trade_no, trade.out_trade_no, kind, "tea", "", "", "", "", ""]
        values += ["", "buyer@example.com", amount, amount, "0.00", "0.00", "0.00"]
        values += [
            "0.00",
            "0.00",
            "",
            "0.00",
            "0.00",
            refund_number,
            "0.00",
            "0.00",
            "",
        ]
        return ",".join(values)

    def _transfer(self, biz: dict) -> dict:
        payee = biz["payee_info"]["identity"]
        if payee not in self.accounts:
            return _error("PAYEE_NOT_EXIST", "收款账号不存在")
        number = biz["out_biz_no"]
        if number not in self.transfers:
            self.transfers[number] = (payee, biz["trans_amount"])
        order_id = f"20261202{list(self.transfers).index(number) + 1:020d}"
        return {
            **_ok(),
            "out_biz_no": number,
            "order_id": order_id,
            "status": "SUCCESS",
        }

    def _refund(self, trade: Trade, biz: dict) -> dict:
        number = biz["out_request_no"]
        if number not in trade.refunds:
            if trade.status != "TRADE_SUCCESS":
                return _error("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            amount = Decimal(biz["refund_amount"])
            if trade.refunded + amount > Decimal(trade.total_amount):
                return _error("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
            trade.refunds[number] = biz["refund_amount"]
        return {
            **_ok(),
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "refund_fee": str(trade.refunded),
            "fund_change": "Y",
        }

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, data: bytes, content_type: str, **headers):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                # The cashier page's button: the shopper pays; Alipay notifies
                # the shop (server to server), then sends the browser back.
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
                trade = gateway.pay(form["out_trade_no"])
                body = gateway.notification(trade.out_trade_no)
                request = urllib.request.Request(
                    form["notify_url"], data=body, method="POST"
                )
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
                with urllib.request.urlopen(request, timeout=HANG_SECONDS) as answer:
                    gateway.notified.append(answer.read().decode())
                self._send(302, b"", "text/plain", Location=form["return_url"])

            def do_GET(self):
                fields = dict(
                    parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
                )
                if fields.get("method") in CASHIER_METHODS:
                    gateway.open_cashier(self.path)
                    self._send(200, cashier_page(fields), "text/html; charset=utf-8")
                    return
                if self.path.startswith("/bill.zip"):
                    data = gateway.bill_zip()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/zip")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                fields = dict(
                    parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
                )
                response_type = fields.get("method", "x").replace(".", "_")
                inner = json.dumps(gateway.answer(fields), ensure_ascii=False)
                sign = gateway.alipay_keys.sign(inner)
                body = f'{{"{response_type}_response":{inner},"sign":"{sign}"}}'
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


CASHIER_METHODS = ("alipay.trade.wap.pay", "alipay.trade.page.pay")


def cashier_page(fields: dict) -> bytes:
    """Alipay's cashier, reduced to the amount and one button."""
    biz = json.loads(fields["biz_content"])
    hidden = {
        "out_trade_no": biz["out_trade_no"],
        "notify_url": fields.get("notify_url", ""),
        "return_url": fields.get("return_url", ""),
    }
    inputs = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in hidden.items()
    )
    return (
        "<!doctype html><html lang='zh-Hans'><meta charset='utf-8'>"
        "<title>支付宝 · 收银台 (fake)</title>"
        f"<p id='cashier-amount'>¥{html.escape(biz['total_amount'])}</p>"
        f"<form method='post' action='/cashier'>{inputs}"
        "<button id='cashier-pay'>确认付款</button></form></html>"
    ).encode()


def _ok() -> dict:
    return {"code": "10000", "msg": "Success"}


def _error(sub_code: str, sub_msg: str) -> dict:
    return {
        "code": "40004",
        "msg": "Business Failed",
        "sub_code": sub_code,
        "sub_msg": sub_msg,
    }
