"""The till page of ``groupbuy station serve``: 127.0.0.1 only, no network needed.

A USB scanner types the code into the focused field and presses Enter (keyboard
wedge); the page lists every redemption of the day. No external assets.
"""

from __future__ import annotations

import html
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from groupbuy.coupons.station import core
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.station.texts import gettext, language, ngettext

PAGE = """<!doctype html><html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body{{font-family:sans-serif;margin:1rem;max-width:40rem}}
input{{width:100%;font-size:1.2rem;padding:.4rem}}
.ok{{background:#e6f4ea;padding:.5rem}} .refused{{background:#fdecea;padding:.5rem}}
li{{font-family:monospace}}</style></head><body>
<h1>{redeem}</h1>{result}
<form method="post" action="/redeem"><label for="code">{code_label}</label>
<input name="code" id="code" autofocus autocomplete="off" placeholder="GB1:…">
<label>{units} <input name="quantity" id="quantity" type="number" min="1"
 inputmode="numeric" placeholder="{all_left}" style="width:6rem"></label>
<button type="submit">{redeem}</button></form>
<h2>{today}</h2><ul id="today">{rows}</ul></body></html>"""


def _today_start() -> int:
    now = time.localtime()
    return int(time.mktime((now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1)))


def render(ledger: Ledger, outcome: core.Outcome | None = None) -> bytes:
    result = ""
    if outcome is not None:
        css = "ok" if outcome.accepted else "refused"
        result = (
            f'<p class="{css}" id="result" data-code="{outcome.code}">'
            f"{html.escape(outcome.message)} {outcome.serial}</p>"
        )
    rows = ledger.redemptions_since(_today_start())
    exported = " " + html.escape(gettext("(exported)"))
    items = "".join(
        f"<li>{time.strftime('%H:%M', time.localtime(at))} {serial} ×{quantity}"
        f"{exported if batch else ''}</li>"
        for serial, quantity, at, _branch, _cashier, batch in rows
    )
    today = ngettext(
        "Today: %(count)s redemption", "Today: %(count)s redemptions", len(rows)
    ) % {"count": len(rows)}
    return PAGE.format(
        language="zh-Hans" if language() == "zh-hans" else language(),
        title=html.escape(gettext("Offline redemption station")),
        redeem=html.escape(gettext("Redeem")),
        code_label=html.escape(gettext("Scan or type the coupon code")),
        units=html.escape(gettext("Units")),
        all_left=html.escape(gettext("all left")),
        today=html.escape(today),
        result=result,
        rows=items,
    ).encode("utf-8")


def make_handler(ledger: Ledger, lock: threading.Lock):
    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: bytes, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            with lock:
                self._send(render(ledger))

        def do_POST(self):
            length = min(int(self.headers.get("Content-Length") or 0), 8192)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            code = (form.get("code") or [""])[0]
            units = (form.get("quantity") or [""])[0].strip()
            # Empty means every unit left; anything but a whole number is refused.
            quantity = (int(units) if units.isdigit() else 0) if units else None
            with lock:
                outcome = core.redeem(ledger, code, quantity=quantity)
                self._send(render(ledger, outcome), 200 if outcome.accepted else 422)

        def log_message(self, format, *args):  # quiet at the till
            return

    return Handler


def serve(ledger: Ledger, *, port: int) -> None:
    # One SQLite connection shared by the handler threads, behind a lock.
    import sqlite3

    ledger.db.close()
    ledger.db = sqlite3.connect(
        ledger.path, isolation_level=None, check_same_thread=False
    )
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), make_handler(ledger, threading.Lock())
    )
    print(f"station till page on http://127.0.0.1:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
