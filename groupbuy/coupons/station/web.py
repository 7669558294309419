"""The till page of ``groupbuy station serve``: 127.0.0.1 only, no network needed.

A USB scanner types the code into the focused field and presses Enter (keyboard
wedge); the page lists every redemption of the day: the shop's day, in the
site's time zone from the last sync, whatever zone the machine is set to. No
external assets.

A redemption is answered with a redirect to the page showing its result, and
each form carries a one-time key: reloading the result, going back and sending
the form again, or a double tap shows the first answer and redeems nothing more
(as the platform's till does).
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from groupbuy.coupons.station import core, texts
from groupbuy.coupons.station.ledger import Ledger
from groupbuy.coupons.station.texts import gettext, language, ngettext

PAGE = """<!doctype html><html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>
body{{font-family:sans-serif;margin:1rem;max-width:40rem}}
input{{width:100%;box-sizing:border-box;font-size:1.2rem;padding:.4rem}}
.ok{{background:#e6f4ea;padding:.5rem}} .refused{{background:#fdecea;padding:.5rem}}
li{{font-family:monospace}}</style></head><body>
<h1>{redeem}</h1>{result}
<form method="post" action="/redeem">
<input type="hidden" name="form_key" value="{form_key}">
<label for="code">{code_label}</label>
<input name="code" id="code" autofocus autocomplete="off" placeholder="GB1:…">
<label>{units} <input name="quantity" id="quantity" type="number" min="1"
 inputmode="numeric" placeholder="1" style="width:6rem"></label>
<button type="submit">{redeem}</button></form>
<h2>{today}</h2><ul id="today">{rows}</ul></body></html>"""


def _now() -> float:
    return time.time()


def _today_start(zone_name: str | None) -> int:
    """Today's first second in the site's zone (the shop's day), as the sync
    gave it; this machine's zone only before the first sync."""
    return texts.day_start(_now(), zone_name)


def render(ledger: Ledger, outcome: core.Outcome | None = None) -> bytes:
    result = ""
    if outcome is not None:
        css = "ok" if outcome.accepted else "refused"
        # Read out at once: the cashier is looking at the shopper, not the page.
        role = "status" if outcome.accepted else "alert"
        result = (
            f'<p class="{css}" id="result" role="{role}" data-code="{outcome.code}">'
            f"{html.escape(outcome.message)} {outcome.serial}</p>"
        )
    zone = ledger.get("time_zone")
    rows = ledger.redemptions_since(_today_start(zone))
    exported = " " + html.escape(gettext("(exported)"))
    items = "".join(
        f"<li>{texts.format_clock(at, zone)} {serial} ×{quantity}"
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
        # The platform till's label (and translation): an empty field takes one.
        units=html.escape(gettext("Units (empty: 1)")),
        today=html.escape(today),
        form_key=secrets.token_urlsafe(16),
        result=result,
        rows=items,
    ).encode("utf-8")


class Answers:
    """The outcome of each redemption form sent, by its one-time key, in memory:
    the last ``keep`` (a till sends a few hundred a day; after a restart an old
    key redeems as a new form would)."""

    def __init__(self, keep: int = 1000):
        self.keep = keep
        self.by_key: OrderedDict[str, core.Outcome] = OrderedDict()

    def get(self, key: str) -> core.Outcome | None:
        return self.by_key.get(key)

    def put(self, key: str, outcome: core.Outcome) -> None:
        self.by_key[key] = outcome
        while len(self.by_key) > self.keep:
            self.by_key.popitem(last=False)


def make_handler(ledger: Ledger, lock: threading.Lock, answers: Answers | None = None):
    answers = answers if answers is not None else Answers()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, body: bytes, status: int = 200) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _see_result(self, key: str) -> None:
            self.send_response(303)
            self.send_header("Location", f"/?result={quote(key)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self):
            key = (parse_qs(urlsplit(self.path).query).get("result") or [""])[0]
            with lock:
                self._send(render(ledger, answers.get(key)))

        def do_POST(self):
            length = min(int(self.headers.get("Content-Length") or 0), 8192)
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            code = (form.get("code") or [""])[0]
            units = (form.get("quantity") or [""])[0].strip()
            key = (form.get("form_key") or [""])[0][:64] or secrets.token_urlsafe(16)
            # Empty means one unit; anything but a whole number is refused.
            quantity = (int(units) if units.isdigit() else 0) if units else None
            with lock:
                if answers.get(key) is not None:  # this form was answered already
                    self._see_result(key)
                    return
                outcome = core.redeem(ledger, code, quantity=quantity)
                if not outcome.accepted:  # nothing taken: sending it again is harmless
                    self._send(render(ledger, outcome), 422)
                    return
                answers.put(key, outcome)
            self._see_result(key)

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
