"""WeChat Pay's daily trade bill (v3 tradebill): checked against the hash the
bill API gives and parsed into statement lines for reconciliation."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io

from groupbuy.escrow.providers.alipay import yuan_to_fen
from groupbuy.escrow.providers.base import ProviderError, StatementLine


def bill_lines(raw: bytes, *, hash_value: str) -> list[StatementLine]:
    """The lines of a downloaded bill (gzip or plain), refused when it does not
    match ``hash_value`` (SHA-1 of the file as sent or unpacked)."""
    text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    wanted = hash_value.lower()
    if wanted and wanted not in (_sha1(raw), _sha1(text)):
        raise ProviderError("wechat pay bill: hash_value does not match")
    return parse_trade_bill(text.decode("utf-8-sig"))


def _sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def parse_trade_bill(text: str) -> list[StatementLine]:
    """Parse the v3 trade bill (CSV, values prefixed with a backtick, a summary
    after the transactions)."""
    rows = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(rows, [])]
    column = {name: index for index, name in enumerate(header)}
    lines = []
    for row in rows:
        if not row or not row[0].startswith("`"):
            break  # the summary ("总交易单数,…") follows the transactions
        values = [value.strip().lstrip("`") for value in row]
        state = values[column["交易状态"]]
        if state == "REFUND":
            lines.append(
                StatementLine(
                    kind="refund",
                    out_trade_no=values[column["商户订单号"]],
                    amount_fen=yuan_to_fen(values[column["退款金额"]]),
                    out_refund_no=values[column["商户退款单号"]],
                    provider_reference=values[column["微信退款单号"]],
                )
            )
        elif state == "SUCCESS":
            lines.append(
                StatementLine(
                    kind="payment",
                    out_trade_no=values[column["商户订单号"]],
                    amount_fen=yuan_to_fen(values[column["应结订单金额"]]),
                    provider_reference=values[column["微信订单号"]],
                )
            )
    return lines
