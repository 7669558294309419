"""What a page's head asks an old phone on a slow network to wait for
(benchmarks/page_weight.py measures the rest)."""

import posixpath
import re
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from groupbuy.deals.tests.factories import make_deal

STATIC_IMPORT = re.compile(
    r'^(?:import|export)\s[^;]*?from\s+"(\.\.?/[\w/-]+\.js)";', re.M
)


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.preloaded: set[str] = set()
        self.modules: set[str] = set()
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif tag == "script" and self.in_head:
            self.scripts.append(attributes)
        elif tag == "link" and attributes.get("rel") == "modulepreload":
            self.preloaded.add(attributes["href"].removeprefix("/static/"))
        if "data-module" in attributes:
            self.modules.add(f"web/js/{attributes['data-module']}.js")


def _head(client: Client, path: str) -> Head:
    head = Head()
    head.feed(client.get(path, headers={"accept-language": "zh-hans"}).content.decode())
    return head


def _imported_by(path: str) -> set[str]:
    """The static paths of the modules ``path`` imports, directly or not: what
    the browser needs before it can run it."""
    found: set[str] = set()
    with open(finders.find(path), encoding="utf-8") as file:
        source = file.read()
    for imported in STATIC_IMPORT.findall(source):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(path), imported))
        found |= {target} | _imported_by(target)
    return found


@pytest.mark.parametrize("signed_in", [False, True])
def test_no_script_in_the_head_holds_up_the_first_paint(db, shopper, signed_in):
    # given a visitor or a signed-in shopper
    client = Client()
    if signed_in:
        client.force_login(shopper)
    # when they open the deal list
    head = _head(client, "/")
    # then every script of its head waits for the page (deferred, or a module)
    assert head.scripts
    blocking = [
        script["src"]
        for script in head.scripts
        if "defer" not in script
        and "async" not in script
        and script.get("type") != "module"
    ]
    assert blocking == []


def test_what_app_js_imports_is_fetched_beside_it(db):
    # a module's imports are fetched only once it has arrived: each level is a
    # round trip more (2 s on slow 3G) unless the page names them up front
    needed = _imported_by("web/js/app.js")
    assert {"web/js/busy-forms.js", "web/js/request-errors.js"} <= needed
    assert needed <= _head(Client(), "/login/").preloaded


def test_a_signed_in_pages_scripts_have_their_imports_fetched_beside_them(db, shopper):
    client = Client()
    client.force_login(shopper)
    head = _head(client, "/")
    assert "realtime/socket.js" in head.preloaded  # notify/live.js imports it
    for script in head.scripts:
        path = script["src"].removeprefix("/static/")
        if script.get("type") == "module":
            assert _imported_by(path) <= head.preloaded, path


@pytest.mark.parametrize("page", ["deal list", "deal page"])
def test_the_modules_a_page_starts_are_fetched_with_all_they_import(db, page):
    # given an open deal, whose card and page count down to its deadline
    deal = make_deal()
    path = "/" if page == "deal list" else f"/deals/{deal.public_id}/"
    # when a visitor opens the page
    head = _head(Client(), path)
    # then each module its elements start, and all it imports (the countdown's
    # clock, four levels deep), is named in the head
    assert "web/js/countdown.js" in head.modules
    for module in head.modules:
        assert {module} | _imported_by(module) <= head.preloaded, module
    assert "clock/sync.js" in head.preloaded


HX_ATTRIBUTE = re.compile(r"\shx-(?:get|post|put|patch|delete|trigger)=")


def test_htmx_is_loaded_where_a_part_of_the_page_is_swapped_and_only_there(db, shopper):
    # given a shopper with an order (its status and amounts refresh by htmx)
    from groupbuy.deals.tests.factories import join_and_pay

    order = join_and_pay(make_deal(), quantity=1, shopper=shopper)
    client = Client()
    client.force_login(shopper)
    pages = ["/", "/login/", f"/orders/{order.public_id}/", "/inbox/", "/me/"]
    for path in pages:
        # when the page is opened
        html = client.get(path, headers={"accept-language": "zh-hans"}).content
        html = html.decode()
        # then it loads htmx if, and only if, something on it uses it
        uses_htmx = bool(HX_ATTRIBUTE.search(html))
        assert ("web/vendor/htmx.min.js" in html) == uses_htmx, path
    assert HX_ATTRIBUTE.search(
        client.get(f"/orders/{order.public_id}/").content.decode()
    )
