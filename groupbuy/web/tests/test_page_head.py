"""What a page's head asks an old phone on a slow network to wait for
(benchmarks/page_weight.py measures the rest)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

JS = Path(__file__).resolve().parents[1] / "static" / "web" / "js"
STATIC_IMPORT = re.compile(r'^import\s[^;]*?from\s+"(\./[\w-]+\.js)";', re.M | re.S)


class Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.preloaded: set[str] = set()
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif tag == "script" and self.in_head:
            self.scripts.append(attributes)
        elif tag == "link" and attributes.get("rel") == "modulepreload":
            self.preloaded.add(attributes["href"].split("/")[-1])


def _head(client: Client, path: str) -> Head:
    head = Head()
    head.feed(client.get(path, headers={"accept-language": "zh-hans"}).content.decode())
    return head


def _imported_by(name: str) -> set[str]:
    """app.js's static imports, and theirs: what the browser needs before
    app.js can run."""
    found: set[str] = set()
    for imported in STATIC_IMPORT.findall((JS / name).read_text()):
        file = imported.removeprefix("./")
        found |= {file} | _imported_by(file)
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
    needed = _imported_by("app.js")
    assert {"busy-forms.js", "request-errors.js", "i18n.js"} <= needed
    assert needed <= _head(Client(), "/login/").preloaded
