"""Page weight and load times of the shopper's pages on an old phone.

    .venv/bin/python benchmarks/page_weight.py [--quick] [--cpu 4]
        [--latency-ms 2000] [--kbps 400]

Starts `groupbuy serve` (demo mode, its own data dir, no worker) on a free port
with the demo data (``--quick``: one seeded deal and shopper, no demo data) and
opens the shopper's pages in Debian's Chromium (/usr/bin/chromium) through
Playwright, at 360 × 740 in Chinese, signed in as the demo shopper.

Weight: for each page, the bytes on the wire (headers included, as the
browser's network log counts them) of its HTML, CSS, JS, images, fonts and the
rest, on a first load (empty cache) and on a repeat load (the same page opened
again), without throttling.

Time: each page again on an old phone: CPU throttled ``--cpu`` times
(``Emulation.setCPUThrottlingRate``) on DevTools' "Slow 3G"
(``Network.emulateNetworkConditions``: 2,000 ms round trip, 400 kbit/s each
way), first load and repeat (``--quick``: DevTools' "Fast 3G", first load of
the home page and the plain page only). First content is the browser's
first-contentful-paint; interactive is when the load event has run and every
script the page asked for (modules it imports, the modules its elements start)
has arrived, read once the network has been quiet for 500 ms.

Baselines measured in the same run: a plain page (the offline page: the
site's HTML and stylesheet, no script) and a budget (BUDGET below); pages over
the budget are named. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.servers import Deployment, free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
SHOPPER = ("+8613800000001", "demo-shopper-1")  # the demo's (or --quick's) shopper
QUICK_GTIN = "6905500000014"
PLAIN = ("plain page", "/sharing/offline/?lang=zh-hans", False)
# (name, path or how to find it, signed in)
PAGES = [
    ("login", "/login/", False),
    ("home", "/", True),
    ("deal", "first:a[href^='/deals/']", True),
    ("snap", "/snap/", True),
    ("orders", "/orders/", True),
    ("order", "first:#order-list a[href^='/orders/']", True),
    ("coupons", "/coupons/", True),
    ("coupon", "first:#coupon-list a[href^='/coupons/']", True),
    ("inbox", "/inbox/", True),
    ("me", "/me/", True),
]
QUICK_PAGES = ["login", "home", "deal"]
TIMED_PAGES = ["login", "home", "deal", "orders", "coupon"]
QUICK_TIMED_PAGES = ["home"]
# What one page may cost an old phone on slow 3G: the bytes of a first load
# (about 3 s at 400 kbit/s), of a repeat load (the cache does its work), and
# the time to first content and to interactive on a first load (DevTools' Slow
# 3G takes 2 s a round trip: HTML, then its CSS and scripts, then what they
# import).
BUDGET = {
    "first_load_bytes": 150_000,
    "repeat_load_bytes": 30_000,
    "first_content_ms": 6_000,
    "interactive_ms": 10_000,
}
KINDS = {
    "Document": "html",
    "Stylesheet": "css",
    "Script": "js",
    "Image": "images",
    "Font": "fonts",
}
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 400_000 / 8,
    "uploadThroughput": 400_000 / 8,
}
# --quick's network, to stay under 30 s: DevTools' "Fast 3G" (562.5 ms round
# trip, 1.44 Mbit/s down, 675 kbit/s up)
FAST_3G = {
    "offline": False,
    "latency": 562.5,
    "downloadThroughput": 1_440_000 / 8,
    "uploadThroughput": 675_000 / 8,
}
TIMINGS = """async () => {
  // layout shifts not caused by the reader (a photo arriving late, a bar
  // appearing): the sum of their scores, as Core Web Vitals counts CLS
  const layout_shift = await new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
      for (const shift of list.getEntries()) {
        if (!shift.hadRecentInput) total += shift.value;
      }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(Math.round(total * 1000) / 1000), 50);
  });
  const navigation = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const scripts = performance.getEntriesByType('resource')
    .filter((entry) => entry.initiatorType === 'script' || entry.name.endsWith('.js'))
    .map((entry) => entry.responseEnd);
  return {
    first_content_ms: paint ? Math.round(paint.startTime) : null,
    dom_ready_ms: Math.round(navigation.domContentLoadedEventEnd),
    load_ms: Math.round(navigation.loadEventEnd),
    interactive_ms: Math.round(Math.max(navigation.loadEventEnd, ...scripts)),
    layout_shift,
  };
}"""


def _server(data_dir: Path, *, quick: bool) -> Deployment:
    port = free_port()
    deployment = Deployment(
        data_dir, extra_env={"GROUPBUY_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    )
    deployment.migrate()
    if not quick:
        deployment.groupbuy("load_demo")
        deployment.url = deployment.serve(port, with_worker=False)
        return deployment
    # seeded while the server starts: each takes Python and Django ~8 s here
    seeding = threading.Thread(
        target=deployment.seed,
        args=(
            f"(seed_open_deal(gtin={QUICK_GTIN!r}, tiers=[(2, 1500), (5, 1200)],"
            f" stock=20), seed_shopper(phone={SHOPPER[0]!r}, password={SHOPPER[1]!r}))",
        ),
    )
    seeding.start()
    deployment.url = deployment.serve(port, with_worker=False)
    seeding.join()
    return deployment


class NetworkLog:
    """Bytes on the wire per kind of resource, from the DevTools protocol."""

    def __init__(self, cdp):
        self.kinds: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.bytes: dict[str, int] = {}
        self.requests = 0
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event) -> None:
        self.kinds[event["requestId"]] = KINDS.get(event["type"], "other")
        self.urls[event["requestId"]] = event["response"]["url"].split("?")[0]

    def _finished(self, event) -> None:
        kind = self.kinds.get(event["requestId"], "other")
        size = int(event["encodedDataLength"])
        self.bytes[kind] = self.bytes.get(kind, 0) + size
        path = "/" + self.urls.get(event["requestId"], "?").split("/", 3)[-1]
        self.sizes[path] = self.sizes.get(path, 0) + size
        self.requests += 1

    def take(self) -> dict:
        taken = {kind: self.bytes.get(kind, 0) for kind in (*KINDS.values(), "other")}
        taken["total"] = sum(self.bytes.values())
        taken["requests"] = self.requests
        largest = sorted(self.sizes.items(), key=lambda item: -item[1])[:6]
        taken["largest"] = dict(largest)
        self.bytes, self.sizes, self.requests = {}, {}, 0
        return taken


def _sign_in(page) -> None:
    page.goto("/login/")
    page.fill("#id_phone", SHOPPER[0])
    page.fill("#id_password", SHOPPER[1])
    page.click("#login-submit")
    page.wait_for_selector("#nav-logout")


def _resolve(page, how: str) -> str | None:
    """Return a page path: ``how`` itself, or ``first:<selector>``'s link on
    the page the path before it names (a deal from home, an order from orders)."""
    if not how.startswith("first:"):
        return how
    link = page.locator(how.removeprefix("first:")).first
    return link.get_attribute("href") if link.count() else None


def _signed_in_state(browser, url: str) -> dict:
    """Sign the shopper in once; return the cookies a fresh context starts with."""
    context = browser.new_context(base_url=url)
    try:
        page = context.new_page()
        _sign_in(page)
        return context.storage_state()
    finally:
        context.close()


def _context(browser, url: str, *, state: dict | None):
    """A fresh browser profile (empty cache), signed in with ``state``. Service
    workers are blocked: signed in, sw.js would answer from its own cache and
    its pre-caching would not show in the page's network log."""
    context = browser.new_context(
        base_url=url,
        viewport={"width": 360, "height": 740},
        locale="zh-CN",
        storage_state=state,
        service_workers="block",
    )
    context.set_default_timeout(120_000)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": url}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    return context, page, cdp


def _open(page, path: str) -> None:
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")


def measure_weight(browser, url: str, path: str, state: dict | None):
    """Return the page's bytes on a first load (empty cache) and a repeat load."""
    context, page, cdp = _context(browser, url, state=state)
    try:
        log = NetworkLog(cdp)
        _open(page, path)
        first = log.take()
        _open(page, path)
        repeat = log.take()
        return {"first": first, "repeat": repeat}
    finally:
        context.close()


def measure_time(
    browser, url: str, path: str, state: dict | None, *, cpu: float, repeat: bool
):
    """Return first content and interactive on an old phone: first load, and
    with ``repeat`` the repeat load."""
    context, page, cdp = _context(browser, url, state=state)
    try:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        results = {}
        for load in ("first", "repeat") if repeat else ("first",):
            started = time.monotonic()
            _open(page, path)
            results[load] = page.evaluate(TIMINGS)
            results[load]["wall_s"] = round(time.monotonic() - started, 1)
        return results
    finally:
        context.close()


def over_budget(name: str, weight: dict, timing: dict | None) -> list[str]:
    over = []
    if weight["first"]["total"] > BUDGET["first_load_bytes"]:
        over.append(f"{name}: first load {weight['first']['total']:,} B")
    if weight["repeat"]["total"] > BUDGET["repeat_load_bytes"]:
        over.append(f"{name}: repeat load {weight['repeat']['total']:,} B")
    for key in ("first_content_ms", "interactive_ms"):
        value = timing and timing["first"][key]
        if value and value > BUDGET[key]:
            over.append(f"{name}: {key} {value:,}")
    return over


def _print_row(name: str, weight: dict, timing: dict | None) -> None:
    first, repeat = weight["first"], weight["repeat"]
    row = (
        f"{name:11} first {first['total']:>8,} B ({first['requests']:>2} req:"
        f" html {first['html']:>6,} css {first['css']:>6,} js {first['js']:>7,}"
        f" img {first['images']:>6,} font {first['fonts']:>5,} other"
        f" {first['other']:>6,})  repeat {repeat['total']:>7,} B"
    )
    if timing:
        first_time = timing["first"]
        row += (
            f"  slow 3G: content {first_time['first_content_ms']:>6,} ms,"
            f" interactive {first_time['interactive_ms']:>6,} ms,"
            f" shift {first_time['layout_shift']}"
        )
        if "repeat" in timing:
            row += (
                f"; repeat {timing['repeat']['first_content_ms']:>6,} /"
                f" {timing['repeat']['interactive_ms']:>6,} ms"
            )
    print(row, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="three pages, home timed once"
    )
    parser.add_argument("--cpu", type=float, default=4, help="CPU slowdown (4–6)")
    parser.add_argument("--latency-ms", type=int, default=SLOW_3G["latency"])
    parser.add_argument("--kbps", type=int, default=400, help="kbit/s each way")
    args = parser.parse_args()
    if args.quick:
        SLOW_3G.update(FAST_3G)
    else:
        SLOW_3G["latency"] = args.latency_ms
        SLOW_3G["downloadThroughput"] = SLOW_3G["uploadThroughput"] = args.kbps * 125
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    pages = [page for page in PAGES if not args.quick or page[0] in QUICK_PAGES]
    timed = QUICK_TIMED_PAGES if args.quick else TIMED_PAGES
    results: dict[str, dict] = {}
    over: list[str] = []
    with tempfile.TemporaryDirectory(prefix="groupbuy-weight-") as data_dir:
        server = _server(Path(data_dir), quick=args.quick)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
                )
                state = _signed_in_state(browser, server.url)
                context, finder, _ = _context(browser, server.url, state=state)
                resolved = [PLAIN]
                for name, how, signed_in in pages:
                    path = _resolve(finder, how)
                    if path is None:
                        print(f"{name:11} (nothing to open: skipped)", flush=True)
                        continue
                    resolved.append((name, path, signed_in))
                    finder.goto(path)
                context.close()
                for name, path, signed_in in resolved:
                    cookies = state if signed_in else None
                    weight = measure_weight(browser, server.url, path, cookies)
                    timing = None
                    if name in timed or name == PLAIN[0]:
                        timing = measure_time(
                            browser,
                            server.url,
                            path,
                            cookies,
                            cpu=args.cpu,
                            repeat=not args.quick,
                        )
                    _print_row(name, weight, timing)
                    results[name] = {"path": path, "weight": weight, "time": timing}
                    if name != PLAIN[0]:
                        over += over_budget(name, weight, timing)
                browser.close()
        finally:
            server.stop()
    print(f"over the budget: {over or 'none'}", flush=True)
    print(
        json.dumps(
            {
                "quick": args.quick,
                "cpu_slowdown": args.cpu,
                "network": SLOW_3G,
                "budget": BUDGET,
                "over_budget": over,
                "seconds": round(time.monotonic() - started, 1),
                "pages": results,
            }
        )
    )


if __name__ == "__main__":
    main()
