"""Every page passes axe-core with no serious or critical violation, in both
languages, and opens without an error in the console, a failed request or a
missing static file (script errors and 5xx fail every journey: conftest.py).

The pages are every named URL the resolver knows, filled in with one seeded object
of each kind (tests/e2e/a11y_seeding.py), visited as each person who can reach
them: a visitor, a shopper, a merchant owner, a cashier and an operator, in
zh-Hans and in English, plus the snap result and the error pages. axe-core is a
local copy (tests/e2e/vendor/axe.min.js) injected into the page by the test; the
site never serves it. A failure lists the rule, the elements and the page.
Colour contrast, three quarters of axe's time, is checked in Chinese only: the
colours and font sizes are the same in English. So are the rules that read only
a page's elements and attributes (STRUCTURAL_RULES), on an English page whose
structure (STRUCTURE) is the one the Chinese pass checked.

The same pass checks that no page is wider than a 360 px phone, that every
link a page shows the person opens for them (no 403 or 404), and (in Chinese)
that no visible button is drawn as the browser's plain grey box and no card or
row of figures touches the box after it; and that it meets the states only
the seed's data shows (SEEDED_STATES). Then the parts every page shares, on a
320 px phone and at twice the text size: the skip link, the tabs and the
sandbox's banner; and the short lines that must keep their words whole at 320 px
(a Report link, a chat's Send, a deal card's countdown).
"""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest

from groupbuy.demo_data import CASHIER, OPERATOR, OWNER, SHOPPER
from groupbuy.snap.tests.helpers import barcode_jpeg
from tests.e2e import STEP_TIMEOUT_MS, load_demo, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SOURCE = AXE.read_text()
LANGUAGES = ("zh-hans", "en")
CONTRAST_LANGUAGE = "zh-hans"  # the whole-site pass checks contrast in this one
FAILING_IMPACTS = {"serious", "critical"}
VIEWPORT = {"width": 360, "height": 740}
DEMO_GTIN = "6901939691601"  # the demo's first deal (Coca-Cola)

LOGINS = {
    "visitor": None,
    "shopper": SHOPPER,
    "owner": OWNER,
    "cashier": CASHIER,
    "operator": OPERATOR,
}


def _for_role(role: str, path: str) -> bool:
    """Which paths each person is checked on (each page once per audience)."""
    is_merchant = "merchant" in path
    is_operator = "operator" in path
    if role in ("visitor", "shopper"):
        return not (is_merchant or is_operator)
    if role in ("owner", "cashier"):
        return is_merchant or path == "/"
    return is_operator or path == "/"


@pytest.fixture(scope="module")
def seeded(groupbuy_server):
    load_demo(groupbuy_server)
    return groupbuy_server.seed(
        "__import__('tests.e2e.a11y_seeding', fromlist=['x']).seed_accessibility()"
    )


def _context(chromium, server, role: str, language: str, *, axe: bool = False):
    """A person's page; with ``axe``, every page the context opens has axe-core
    loaded as it starts (see :func:`axe_violations`)."""
    context = chromium.new_context(
        base_url=server.url,
        viewport=VIEWPORT,
        locale="zh-CN" if language == "zh-hans" else "en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    if axe:
        # Given to the browser once, run in each page as it starts: evaluated
        # after each load instead, its 550 KB crossed Python, Playwright's
        # driver and the browser as JSON for every page checked (~0.05 s of
        # CPU a page against ~0.035 s this way, 2026-12-07). axe-core only
        # defines window.axe until it is run; the site never loads it, and a
        # script the browser adds is outside the pages' Content Security
        # Policy, as the evaluated one was.
        context.add_init_script(AXE_SOURCE)
    # The language cookie wins over a signed-in person's saved language.
    context.add_cookies(
        [{"name": "django_language", "value": language, "url": server.url}]
    )
    page = context.new_page()
    login = LOGINS[role]
    if login is not None:
        sign_in(page, login.phone, login.password)
    return context, page


# axe's findings on the page, or null where axe is not loaded; the rules named
# are left out.
AXE_RUN = (
    "async ([contrast, off]) => typeof window.axe === 'undefined' ? null :"
    " (await axe.run(document, {resultTypes: ['violations'],"
    " rules: Object.fromEntries([['color-contrast', {enabled: contrast}],"
    " ...off.map(id => [id, {enabled: false}])])}))"
    ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
    " targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5),"
    " summary: (v.nodes[0] || {}).failureSummary || ''}))"
)

# axe's rules whose answer depends only on the page's elements and attributes
# (roles, ARIA states and references, ids, list/table/landmark structure,
# focusability, meta tags, inline styles, the style sheets): not on its words,
# the words' size on the screen or its language. The whole-site pass runs them
# in one language; in the other, on a page whose STRUCTURE is the same as the
# first language's, they would give the same answer (a page whose structure
# differs runs them again). Every rule that reads a name, a text, an alt, a
# title, a lang or a size (link-name, label, image-alt, document-title,
# html-lang-valid, target-size, scrollable-region-focusable, region…) runs in
# both. Skipping them on the English pages saves ~0.1 s of CPU a page (axe
# without contrast on 30 shopper pages: 5.8 s of Chromium's CPU; without these
# rules, run second on each page, 2.4 s; 2026-12-07).
STRUCTURAL_RULES = [
    "accesskeys",
    "aria-allowed-attr",
    "aria-allowed-role",
    "aria-conditional-attr",
    "aria-deprecated-role",
    "aria-hidden-body",
    "aria-hidden-focus",
    "aria-prohibited-attr",
    "aria-required-attr",
    "aria-required-children",
    "aria-required-parent",
    "aria-roles",
    "aria-valid-attr",
    "aria-valid-attr-value",
    "audio-caption",
    "autocomplete-valid",
    "avoid-inline-spacing",
    "blink",
    "bypass",
    "css-orientation-lock",
    "definition-list",
    "dlitem",
    "duplicate-id",
    "duplicate-id-active",
    "duplicate-id-aria",
    "form-field-multiple-labels",
    "frame-focusable-content",
    "heading-order",
    "landmark-banner-is-top-level",
    "landmark-complementary-is-top-level",
    "landmark-contentinfo-is-top-level",
    "landmark-main-is-top-level",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-no-duplicate-main",
    "landmark-one-main",
    "list",
    "listitem",
    "marquee",
    "meta-refresh",
    "meta-viewport",
    "meta-viewport-large",
    "nested-interactive",
    "no-autoplay-audio",
    "presentation-role-conflict",
    "scope-attr-valid",
    "server-side-image-map",
    "skip-link",
    "tabindex",
    "td-headers-attr",
    "video-caption",
]

# What those rules read of a page, as one digest: each element's tag, its
# attributes' names and values and whether it holds words of its own. Of the
# attributes that hold words or the language (alt, aria-label, lang, an
# optgroup's label, a meta's content but the viewport's…), and those no rule
# reads (data-*, hx-*:
# the body's CSRF token differs in each browser), only the name counts; a
# value that ends in the page's language code (the language switch's id, the
# catalogue script's ?lang=) counts without it.
STRUCTURE = """() => {
  const wordy = new Set(["alt", "title", "placeholder", "value", "lang", "label",
    "aria-label", "aria-description", "aria-roledescription", "aria-valuetext",
    "aria-placeholder", "aria-braille-label", "aria-braille-roledescription"]);
  const valueless = (element, name) => wordy.has(name)
    || name.startsWith("data-") || name.startsWith("hx-")
    || (name === "content"
        && element.matches("meta:not([name=viewport]):not([http-equiv])"));
  const parts = [];
  for (const element of document.querySelectorAll("*")) {
    const attributes = [...element.attributes].map((a) =>
      valueless(element, a.name) ? a.name
        : `${a.name}=${a.value.replace(/(^|[-=])(zh-hans|en)$/i, "$1*")}`).sort();
    const words = [...element.childNodes].some((node) =>
      node.nodeType === Node.TEXT_NODE && node.textContent.trim() !== "");
    parts.push(`${element.tagName}[${attributes.join(" ")}]${words ? "+" : ""}`);
  }
  const text = parts.join("\\n");
  let h1 = 0xdeadbeef, h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  return `${parts.length}:${(h1 >>> 0).toString(16)}:${(h2 >>> 0).toString(16)}`;
}"""


def axe_violations(
    page, *, contrast: bool = True, structural: bool = True
) -> list[dict]:
    """Run axe on the page as it is now; return its serious and critical findings.

    ``contrast=False`` leaves out the colour-contrast rule, three quarters of
    axe's time on a page: colours and font sizes are the same in both
    languages, so the whole-site pass checks contrast in one of them.
    ``structural=False`` leaves out the STRUCTURAL_RULES (the whole-site
    pass's second language, on a page whose STRUCTURE the first one checked)."""
    off = [] if structural else STRUCTURAL_RULES
    results = page.evaluate(AXE_RUN, [contrast, off])
    if results is None:
        # A page whose context did not load axe as it started (``_context``'s
        # ``axe``). Evaluated, not added as an inline <script>: the pages'
        # Content Security Policy refuses inline scripts, and this pass
        # checks it too (a refused script is an error in the console).
        page.evaluate(AXE_SOURCE)
        results = page.evaluate(AXE_RUN, [contrast, off])
    return [v for v in results if v["impact"] in FAILING_IMPACTS]


def _describe(findings: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in findings.items():
        for violation in violations:
            lines.append(
                f"{where}: {violation['id']} ({violation['impact']}) "
                f"{violation['help']} → {', '.join(violation['targets'])}"
                f"\n    {violation['summary'].splitlines()[-1:]}"
            )
    return "\n".join(lines)


class PageErrors:
    """What went wrong in the browser while a page was open, beyond what fails
    every journey (an uncaught script error, a 5xx: tests/e2e/conftest.py): an
    error logged to the console, a request that failed, or a missing static
    file."""

    def __init__(self, page):
        self.path = ""
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _add(self, what: str) -> None:
        self.found.append(f"{self.path}: {what}")

    def _console(self, message) -> None:
        if message.type == "error":
            self._add(f"console error: {message.text} ({message.location.get('url')})")

    def _failed(self, request) -> None:
        # A navigation away from a page cancels what it was still loading.
        if request.failure != "net::ERR_ABORTED":
            self._add(f"request failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if "/static/" in response.url and response.status >= 400:
            self._add(f"{response.status} for {response.url}")


# How far the page is wider than the screen, and the elements that stick out:
# on a phone nothing should need scrolling sideways (a wide table scrolls
# inside its .table-wrap).
# Visible buttons drawn as the browser's own grey box: a site button that forgot
# its class (primary, secondary, ...), too small to tap and unlike the others.
UNSTYLED_BUTTONS = """() => {
  const probe = document.createElement("button");
  document.body.append(probe);
  const plain = getComputedStyle(probe).backgroundColor;
  probe.remove();
  const buttons = "button, input[type=submit], input[type=button]";
  return [...document.querySelectorAll(buttons)]
    .filter((b) => b.offsetParent !== null
                   && getComputedStyle(b).backgroundColor === plain)
    .map((b) => b.id || b.textContent.trim().slice(0, 20));
}"""

# Text, number, date and choice fields drawn as the browser's square box: the
# site's fields have rounded corners (app.css lists each input type it styles),
# but for a stepper's number, which its rounded box holds.
UNSTYLED_FIELDS = """() => {
  const skip = ["checkbox", "radio", "file", "hidden", "submit", "button", "range",
                "color"];
  return [...document.querySelectorAll("input, select, textarea")]
    .filter((f) => f.offsetParent !== null && !skip.includes(f.type)
                   && !f.closest(".stepper")
                   && getComputedStyle(f).borderTopLeftRadius === "0px")
    .map((f) => f.id || f.name || f.type);
}"""

# Boxes (cards, rows of figures) that touch the box after them: a block without
# its bottom margin, so two boxes read as one.
TOUCHING_BOXES = """() => {
  const boxes = ".card, .figures";
  return [...document.querySelectorAll(boxes)]
    .filter((box) => {
      const next = box.nextElementSibling;
      if (!next || !next.matches(boxes) || next.offsetParent === null) return false;
      const gap = next.getBoundingClientRect().top - box.getBoundingClientRect().bottom;
      return gap >= 0 && gap < 4;
    })
    .map((box) => box.id || box.className);
}"""

SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.getBoundingClientRect().right > width + 1) {
      out.push(`${element.tagName.toLowerCase()}#${element.id}.${element.className}`);
    }
  }
  return [document.documentElement.scrollWidth - width, out.slice(-3)];
}"""
# A table that scrolls sideways inside its box: on a phone only part of each row
# shows (a demand's offers: three of seven columns). Wide tables fold into
# labelled cards (.table-cards) instead.
SCROLLING_TABLES = """() => [...document.querySelectorAll(".table-wrap")]
  .filter((wrap) => wrap.offsetParent !== null)
  .filter((wrap) => wrap.scrollWidth > wrap.clientWidth + 1)
  .map((wrap) => (wrap.querySelector("table") || wrap).id || wrap.parentElement.id)"""
# A page that swaps parts of itself (hx-get, hx-post…) without htmx: htmx is
# loaded only by the pages that ask for it (web/includes/htmx.html).
HTMX_MISSING = """() => !window.htmx && document.querySelector(
  '[hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete], [hx-trigger]') !== null"""
LINKS = (
    "() => Array.from(document.querySelectorAll('a[href]'),"
    " a => a.getAttribute('href'))"
)
NOT_PAGES = re.compile(r"^//|^/(static|media|private-media|api|admin|i18n|jsi18n)/")
# What the whole-site pass reads from a page after axe, in one call rather than
# one call each (~10 a page, each through Playwright's driver and the browser):
# the checks above, and which of the seeded states (selectors) the page shows;
# the look (buttons, fields, boxes, tables) only when asked.
PAGE_FACTS = f"""([withLook, states]) => ({{
  lang: document.documentElement.getAttribute("lang"),
  htmxMissing: ({HTMX_MISSING})(),
  sideways: ({SIDEWAYS})(),
  links: ({LINKS})(),
  buttons: withLook ? ({UNSTYLED_BUTTONS})() : [],
  fields: withLook ? ({UNSTYLED_FIELDS})() : [],
  touching: withLook ? ({TOUCHING_BOXES})() : [],
  scrolling: withLook ? ({SCROLLING_TABLES})() : [],
  states: states.filter((selector) => document.querySelector(selector) !== null),
}})"""


# A signed-in page's unread count comes by its socket (notify/live.js) after
# the page has loaded: checked before it came, the badge was hidden and empty,
# after it, shown with a count, so a page's structure differed from one visit
# to the next (half of the English pages' digests, which then ran the
# structural rules again). The pass checks each page once the count is shown
# (or after 10 s, when the page is checked as it is then).
UNREAD_COUNT_SHOWN = """() => new Promise((resolve) => {
  const badge = document.getElementById("inbox-badge");
  const shown = () => !badge || !window.groupbuyUserSocket
    || badge.dataset.count !== undefined;
  if (shown()) return resolve();
  const observer = new MutationObserver(() => {
    if (shown()) { observer.disconnect(); resolve(); }
  });
  observer.observe(badge, {attributes: true, attributeFilter: ["data-count"]});
  setTimeout(() => { observer.disconnect(); resolve(); }, 10000);
})"""

# The whole-site pass's one call a page (each call crosses Python, Playwright's
# driver and the browser): once the unread count is shown, the page's
# STRUCTURE; axe's findings, without the STRUCTURAL_RULES where that structure
# is the one given (the one the first language's pass checked), with colour
# contrast where asked; then the PAGE_FACTS.
PAGE_CHECK = f"""async ([contrast, checkedStructure, withLook, states]) => {{
  await ({UNREAD_COUNT_SHOWN})();
  const structure = ({STRUCTURE})();
  const off = structure === checkedStructure ? {STRUCTURAL_RULES!r} : [];
  const violations = await ({AXE_RUN})([contrast, off]);
  return {{structure, violations, facts: ({PAGE_FACTS})([withLook, states])}};
}}"""


def _site_pages(hrefs: list[str]) -> set[str]:
    """The site's own page links among a page's links, without their fragment."""
    links = set()
    for href in hrefs:
        path = href.split("#", 1)[0]
        if path.startswith("/") and not NOT_PAGES.search(path):
            links.add(path)
    return links


# States a page shows only with the right data, which the seed makes: the pass
# must meet each (by its selector) or its axe, contrast and target checks never
# run. A thread's "Not invited yet" shows its sharer alone; the Report link
# beside another's reply or chat message (.reply-actions) was 41 × 19 px.
SEEDED_STATES = {"shopper": ("#thread-not-invited", ".reply-actions")}
# The controls of such a state under a thumb's 44 × 44 px.
SMALL_CONTROLS = """(selector) => [...document.querySelector(selector)
    .querySelectorAll("a[href], button, input:not([type=hidden]), select, summary")]
  .filter((control) => control.offsetParent !== null)
  .filter((control) => {
    const box = control.getBoundingClientRect();
    return box.width < 43.5 || box.height < 43.5;
  })
  .map((control) => control.id || control.textContent.trim().slice(0, 20))"""

# How many lines the header's links take (the same on every page of a person).
HEADER_LINES = """() => new Set([...document.querySelectorAll('.topnav > *')]
  .map((item) => Math.round(item.getBoundingClientRect().top))).size"""

# What each person's pages and links answer does not depend on the language:
# the second language's pass asks the server only about what the first did
# not (about 30 s of the pass's 300 s on a 2-core machine). Nor does it ask
# about a link to a page it has already asked about for the person (each
# path the resolver gives is asked once, to find the pages).
_PAGES_OF: dict[str, list[str]] = {}
_STATUS_FOR: dict[str, dict[str, int]] = {}
# The STRUCTURE of each person's page that the contrast language's pass ran
# all of axe's rules on: the other language's pass leaves out the
# STRUCTURAL_RULES on a page whose structure is the same.
_STRUCTURE_CHECKED: dict[tuple[str, str], str] = {}


def _dead_links(page, role: str, links: set[str]) -> list[str]:
    """The links that answer this person 403 or 404: a link shown to someone
    who may not follow it, or to nothing."""
    statuses = _STATUS_FOR.setdefault(role, {})
    for path in sorted(links - statuses.keys()):
        statuses[path] = page.request.get(path, max_redirects=0).status
    return [
        f"{path} ({statuses[path]})"
        for path in sorted(links)
        if statuses[path] in (403, 404)
    ]


def _html_lang(language: str) -> str:
    return "zh-Hans" if language == "zh-hans" else "en"


def _html_pages(page, role: str, paths: list[str]) -> list[str]:
    """The paths that answer this person with a whole page (200, HTML, not a
    fragment that htmx swaps into another page)."""
    if role not in _PAGES_OF:
        kept = []
        statuses = _STATUS_FOR.setdefault(role, {})
        for path in paths:
            response = page.request.get(path, max_redirects=0)
            statuses[path] = response.status
            is_html = "text/html" in response.headers.get("content-type", "")
            if response.status == 200 and is_html and "<html" in response.text()[:400]:
                kept.append(path)
        _PAGES_OF[role] = kept
    return _PAGES_OF[role]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(LOGINS))
def test_every_page_has_no_serious_violation(
    chromium, groupbuy_server, seeded, role, language
):
    # given a person signed in (or not) in one language
    context, page = _context(chromium, groupbuy_server, role, language, axe=True)
    try:
        paths = [p for p in seeded["paths"] if _for_role(role, p)]
        pages = _html_pages(page, role, paths)
        # the resolver and the seed still give each person real pages to check
        assert len(pages) >= {"visitor": 4, "operator": 3}.get(role, 8), pages
        findings, sideways, unstyled, links = {}, [], [], set()
        without_htmx, states_met, small_targets = [], set(), []
        errors = PageErrors(page)
        for path in pages:
            # when the page is open
            errors.path = path
            page.goto(path)
            # then it names its language and axe finds nothing serious (the
            # rules on structure alone once for a structure: STRUCTURAL_RULES;
            # contrast, buttons and boxes in one language: the same CSS in both)
            first = language == CONTRAST_LANGUAGE
            arguments = [
                first,
                None if first else _STRUCTURE_CHECKED.get((role, path)),
                first,
                list(SEEDED_STATES.get(role, ())),
            ]
            checked = page.evaluate(PAGE_CHECK, arguments)
            if checked["violations"] is None:  # axe not loaded: axe_violations
                page.evaluate(AXE_SOURCE)
                checked = page.evaluate(PAGE_CHECK, arguments)
            if first:
                _STRUCTURE_CHECKED[role, path] = checked["structure"]
            violations = [
                v for v in checked["violations"] if v["impact"] in FAILING_IMPACTS
            ]
            if violations:
                findings[f"{role}/{language} {path}"] = violations
            facts = checked["facts"]
            assert facts["lang"] == _html_lang(language), path
            if facts["htmxMissing"]:
                without_htmx.append(path)
            overflow, sticking_out = facts["sideways"]
            if overflow > 0:
                sideways.append(f"{path} ({overflow} px: {sticking_out})")
            if language == CONTRAST_LANGUAGE:
                plain = facts["buttons"] + facts["fields"]
                touching, scrolling = facts["touching"], facts["scrolling"]
                unstyled += [f"{path}: {plain}"] if plain else []
                unstyled += [f"{path}: touching {touching}"] if touching else []
                unstyled += [f"{path}: tables scroll {scrolling}"] if scrolling else []
            links |= _site_pages(facts["links"])
            for state in facts["states"]:
                states_met.add(state)
                if small := page.evaluate(SMALL_CONTROLS, state):
                    small_targets.append(f"{path} {state}: {small}")
        # the seeded states were all on the pages checked
        assert states_met == set(SEEDED_STATES.get(role, ())), f"{role}: {states_met}"
        # and their controls are a thumb's 44 × 44 px
        assert small_targets == [], f"{role}: small targets: {small_targets}"
        assert not findings, "\n" + _describe(findings)
        # and no page logged an error or failed to load something
        assert not errors.found, "\n".join(errors.found)
        # and every page that swaps parts of itself has htmx to do it
        assert without_htmx == [], f"{role}: hx- attributes, no htmx: {without_htmx}"
        # and none is wider than the phone's screen
        assert sideways == [], f"{role}/{language}: scrolls sideways: {sideways}"
        # and every button and field looks like the site's, not the browser's,
        # no box touches the next and no table scrolls sideways
        assert unstyled == [], f"{role}: without the site's look: {unstyled}"
        # and every link a page shows this person opens for them
        assert _dead_links(page, role, links) == [], f"{role}/{language}: dead links"
        # and their header (console, name, log out, language) is one line
        assert page.evaluate(HEADER_LINES) == 1, f"{role}/{language}: header wraps"
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_and_the_snap_result_have_no_serious_violation(
    chromium, groupbuy_server, seeded, language, tmp_path
):
    context, page = _context(chromium, groupbuy_server, "shopper", language, axe=True)
    try:
        findings = {}
        # given the pages a shopper meets when something is missing or forbidden
        for path in ("/deals/no-such-deal/", "/operator/", "/no/such/page/"):
            response = page.goto(path)
            assert response.status in (403, 404), path
            assert page.get_attribute("html", "lang") == _html_lang(language), path
            violations = axe_violations(page)
            if violations:
                findings[f"shopper/{language} {path} ({response.status})"] = violations
        # and the answer to a snapped barcode
        _snap(page, tmp_path)
        violations = axe_violations(page)
        if violations:
            findings[f"shopper/{language} /snap/ (result)"] = violations
        assert not findings, "\n" + _describe(findings)
    finally:
        context.close()


def test_contrast_and_structure_are_checked_only_where_asked(chromium, groupbuy_server):
    context, page = _context(chromium, groupbuy_server, "visitor", "en", axe=True)
    try:
        page.goto("/login/")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            " '<p style=\"color:#ddd;background:#fff\">Faint words</p>')"
        )
        with_contrast = {v["id"] for v in axe_violations(page)}
        without = {v["id"] for v in axe_violations(page, contrast=False)}
        assert "color-contrast" in with_contrast
        assert "color-contrast" not in without
        # the structure's digest ignores the words and the language
        structure = page.evaluate(STRUCTURE)
        page.evaluate(
            "const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);"
            "while (w.nextNode()) if (w.currentNode.data.trim())"
            " w.currentNode.data = '换一种语言的字';"
            "document.documentElement.lang = 'zh-Hans';"
            "document.querySelector('main input[value]').setAttribute('value', '另')"
        )
        assert page.evaluate(STRUCTURE) == structure
        # but not an element or attribute more: with a list item outside any
        # list, it differs, and only the structural rules find that item
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend',"
            " '<li>Loose item</li>')"
        )
        loose = page.evaluate(STRUCTURE)
        assert loose != structure
        assert "listitem" in {v["id"] for v in axe_violations(page, contrast=False)}
        assert "listitem" not in {
            v["id"] for v in axe_violations(page, contrast=False, structural=False)
        }

        # and the whole-site pass's call leaves them out only on the structure
        # it is given
        def found(checked_structure: str) -> set[str]:
            checked = page.evaluate(PAGE_CHECK, [False, checked_structure, False, []])
            assert checked["structure"] == loose
            return {v["id"] for v in checked["violations"]}

        assert "listitem" in found(structure)
        assert "listitem" not in found(loose)
    finally:
        context.close()


def test_every_page_of_the_resolver_is_filled_in_with_a_seeded_object(seeded):
    # A page whose URL takes an id the seed does not make would be skipped
    # silently: add the object to a11y_seeding.py (ARGUMENTS), or, if the route
    # is no page (POST only, a redirect), to NOT_PAGES.
    assert seeded["unfilled"] == []


def test_pages_are_found_for_every_kind_of_object(seeded):
    # the seed's objects all reached a page path (a renamed argument would not)
    paths = seeded["paths"]
    ids = seeded["ids"]
    keys = ("deal_id", "order_id", "coupon_id", "team_id", "demand_id", "pool_id")
    left = ("left_pool_id", "reshared_pool_id", "dissolved_pool_id")
    for key in (*keys, "contact_id", *left, "ended_contact_id"):
        assert ids[key] and any(ids[key] in path for path in paths), key
    assert any(re.search(r"/sharing/threads/shr_", path) for path in paths)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_back_ties_each_error_to_its_field(
    chromium, groupbuy_server, seeded, language
):
    context, page = _context(chromium, groupbuy_server, "visitor", language, axe=True)
    try:
        # given the sign-up form, filled in wrongly
        page.goto("/signup/")
        page.fill("#id_phone", "12")
        page.fill("#id_password", "x")
        # when it is sent
        page.click("#signup-submit")
        page.wait_for_selector("[aria-invalid='true']")
        # then the first invalid field has the focus, is marked invalid and is
        # described by its own error text
        invalid = page.locator("main [aria-invalid='true']")
        assert invalid.count() >= 1
        first = invalid.first
        assert first.evaluate("e => e === document.activeElement")
        for index in range(invalid.count()):
            field = invalid.nth(index)
            described_by = field.get_attribute("aria-describedby").split()
            texts = [
                page.locator(f"[id='{element_id}']").inner_text()
                for element_id in described_by
                if page.locator(f"[id='{element_id}']").count()
            ]
            assert any(text.strip() for text in texts), described_by
        # and the page with its errors passes axe
        assert not axe_violations(page), _describe(
            {f"visitor/{language} /signup/ (errors)": axe_violations(page)}
        )
    finally:
        context.close()


RECORD_SPEECH = """
window.spokenAloud = [];
window.speechSynthesis.speak = (utterance) =>
  window.spokenAloud.push({text: utterance.text, lang: utterance.lang});
"""
NO_SPEECH = """
Object.defineProperty(window, 'speechSynthesis', {value: undefined});
Object.defineProperty(window, 'SpeechSynthesisUtterance', {value: undefined});
"""


def _snap(page, tmp_path) -> None:
    photo = tmp_path / "barcode.jpg"
    photo.write_bytes(barcode_jpeg(DEMO_GTIN, size=(1280, 960)))
    page.goto("/snap/")
    page.set_input_files("#snap-photo", str(photo))
    page.wait_for_selector("#snap-product-name")


@pytest.mark.parametrize(
    ("language", "name", "voice"),
    [("zh-hans", "可口可乐汽水", "zh-CN"), ("en", "Coca-Cola", "en-US")],
)
def test_a_snap_reads_the_product_name_aloud_in_the_page_language(
    chromium, groupbuy_server, seeded, tmp_path, language, name, voice
):
    context, page = _context(chromium, groupbuy_server, "shopper", language)
    try:
        # given a browser that can speak, and a snapped barcode
        page.add_init_script(RECORD_SPEECH)
        _snap(page, tmp_path)
        # when the shopper presses "Read aloud" (from the keyboard)
        button = page.locator("#snap-speak")
        assert button.is_visible()
        button.focus()
        page.keyboard.press("Enter")
        # then the product's name is said, in the page's language
        spoken = page.evaluate("window.spokenAloud")
        assert spoken == [{"text": name, "lang": voice}]
    finally:
        context.close()


def test_read_aloud_is_hidden_where_the_browser_cannot_speak(
    chromium, groupbuy_server, seeded, tmp_path
):
    context, page = _context(chromium, groupbuy_server, "shopper", "en")
    try:
        page.add_init_script(NO_SPEECH)
        _snap(page, tmp_path)
        assert page.locator("#snap-speak").count() == 1
        assert not page.locator("#snap-speak").is_visible()
    finally:
        context.close()


# --- The parts every page shares, at 320 px and at twice the text size ----------

NARROW = {"width": 320, "height": 640}
TAP_PX = 44
LARGE_TEXT_PX = 32  # 200 % of the browser's default 16 px (test_large_text.py)
BOX = """(selector) => {
  const r = document.querySelector(selector).getBoundingClientRect();
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom,
          width: r.width, height: r.height};
}"""


def _narrow(chromium, server, role: str, language: str, *, text_px: int = 16):
    """A person's page on a 320 px phone, at the browser's text size in px."""
    context, page = _context(chromium, server, role, language)
    page.set_viewport_size(NARROW)
    _set_text_size(page, text_px)
    return context, page


def _set_text_size(page, pixels: int) -> None:
    page.context.new_cdp_session(page).send(
        "Page.setFontSizes", {"fontSizes": {"standard": pixels, "fixed": pixels}}
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_skip_link_shows_on_focus_only_and_is_a_thumb_tall(
    chromium, groupbuy_server, language
):
    context, page = _narrow(chromium, groupbuy_server, "visitor", language)
    try:
        for text_px in (16, LARGE_TEXT_PX):
            # given a page at the browser's text size, then at twice it
            _set_text_size(page, text_px)
            page.goto("/login/")
            # then the skip link is off the screen until it has the focus (at
            # 200 % it wrapped and its foot showed over the sandbox's banner)
            assert page.evaluate(BOX, "#skip-link")["bottom"] <= 0, text_px
            # when the first Tab gives it the focus
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "skip-link"
            # then it is on the screen, whole, and a thumb's 44 × 44 px (it was 39)
            box = page.evaluate(BOX, "#skip-link")
            assert box["top"] >= 0 and box["right"] <= NARROW["width"], box
            assert box["height"] >= TAP_PX and box["width"] >= TAP_PX, box
    finally:
        context.close()


# The parts of each item of the bottom navigation (the tabs, and the More page's
# list that goes on from them): its icon, its unread count and its label's lines.
NAVIGATION_PARTS = """() => {
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const items = [...document.querySelectorAll(".tabbar > a, #more-list a")];
  return items.map((item) => {
    const parts = [...item.querySelectorAll(".tab-icon, .badge:not([hidden])")]
      .map((part) => [part.matches(".badge") ? "count" : "icon",
                      box(part.getBoundingClientRect())]);
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode;
      const hidden = text.parentElement.closest(".badge, .visually-hidden");
      if (!text.textContent.trim() || hidden) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const line of range.getClientRects()) parts.push(["label", box(line)]);
    }
    return {id: item.id, inTabs: !!item.closest(".tabbar"), parts};
  });
}"""
# Closer than this, a count and a word read as one ("20Inbox").
APART_PX = 2


def _run_into(one: dict, other: dict) -> bool:
    return (
        one["left"] < other["right"] + APART_PX
        and other["left"] < one["right"] + APART_PX
        and one["top"] < other["bottom"] + APART_PX
        and other["top"] < one["bottom"] + APART_PX
    )


def _navigation_collisions(items: list[dict]) -> list[str]:
    """Parts of two items of a bar that run into each other, and an item's
    count that runs into its own label (a count on its icon's corner is meant)."""
    found = []
    for index, item in enumerate(items):
        # (not a tab and a row of the list: the fixed tabs pass over it)
        others = [
            other for other in items[index + 1 :] if other["inTabs"] == item["inTabs"]
        ]
        for other in others:
            for (kind, part), (other_kind, other_part) in product(
                item["parts"], other["parts"]
            ):
                if _run_into(part, other_part):
                    found.append(f"{item['id']} {kind} × {other['id']} {other_kind}")
        counts = [part for kind, part in item["parts"] if kind == "count"]
        labels = [part for kind, part in item["parts"] if kind == "label"]
        if any(_run_into(count, label) for count in counts for label in labels):
            found.append(f"{item['id']}: its count runs into its label")
    return found


def _counts_over_icons(items: list[dict]) -> list[str]:
    """The items whose count is drawn over their own icon (it hid the More
    tab's dots when it said "99+")."""
    found = []
    for item in items:
        counts = [part for kind, part in item["parts"] if kind == "count"]
        icons = [part for kind, part in item["parts"] if kind == "icon"]
        if any(
            count["left"] < icon["right"] - 0.5
            and icon["left"] < count["right"] - 0.5
            and count["top"] < icon["bottom"] - 0.5
            and icon["top"] < count["bottom"] - 0.5
            for count in counts
            for icon in icons
        ):
            found.append(item["id"])
    return found


TABS_SCROLL = """() => {
  const tabs = document.querySelector(".tabbar");
  return tabs.scrollWidth - tabs.clientWidth;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_items_of_the_tabs_run_into_each_other_on_a_phone_or_wider(
    chromium, groupbuy_server, seeded, language
):
    # given a shopper with unread notifications, on a 320 px, then a 390 px
    # phone, then at 768 px, where the tabs go to the top of the page in one
    # row (the count sat over the More tab's dots there until 2026-12-07)
    context, page = _narrow(chromium, groupbuy_server, "shopper", language)
    try:
        for width, path in product((320, 390, 768), ("/", "/more/")):
            # when a page shows the tabs and the unread count (on the More tab,
            # or on the Inbox in the More page's list), at its widest ("99+",
            # as notify/live.js writes more than 99)
            page.set_viewport_size({**NARROW, "width": width})
            page.goto(path)
            page.wait_for_selector("#inbox-badge:not([hidden])")
            page.evaluate("document.querySelector('#inbox-badge').textContent = '99+'")
            items = page.evaluate(NAVIGATION_PARTS)
            assert len([item for item in items if item["inTabs"]]) >= 4, items
            where = f"{language} {width} px {path}"
            # then no icon, count or label runs into another's
            assert _navigation_collisions(items) == [], where
            # and the count is beside its icon's corner, not over the icon
            assert _counts_over_icons(items) == [], where
            # and the tabs still fit the screen, none scrolled out of sight
            assert page.evaluate(TABS_SCROLL) <= 0, where
    finally:
        context.close()


# A shopper's lines at 320 px that must keep their words whole: each Report
# link (moderation) with its size, the lines of its word and the other words
# under its box (its touch area was laid over the words around it); each chat's
# Send button with its lines ("Se" above "nd"); each deal card's countdown with
# its lines and whether it stays in its card.
LINES_OF = """(element) => {
  const tops = new Set();
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    if (walker.currentNode.parentElement.closest(".visually-hidden")) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const line of range.getClientRects()) {
      if (line.width > 0) tops.add(Math.round(line.top));
    }
  }
  return tops.size;
}"""
REPORT_LINKS = (
    """() => {
  const linesOf = """
    + LINES_OF
    + """;
  return [...document.querySelectorAll(".report-link")].map((link) => {
    const box = link.getBoundingClientRect();
    const under = [];
    const walker = document.createTreeWalker(document.querySelector("main"),
                                             NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const text = walker.currentNode;
      // (a closed <details>' words are not drawn, but keep a place)
      if (link.contains(text) || !text.textContent.trim()
          || !text.parentElement.checkVisibility()) continue;
      const range = document.createRange();
      range.selectNodeContents(text);
      for (const line of range.getClientRects()) {
        if (line.left < box.right - 0.5 && box.left < line.right - 0.5
            && line.top < box.bottom - 0.5 && box.top < line.bottom - 0.5) {
          under.push(text.textContent.trim().slice(0, 12));
        }
      }
    }
    return {id: link.id, width: box.width, height: box.height,
            lines: linesOf(link), under};
  });
}"""
)
SEND_BUTTON = (
    """() => {
  const button = document.querySelector("#chat-send");
  const form = button.form.getBoundingClientRect();
  return {lines: ("""
    + LINES_OF
    + """)(button),
          inside: button.getBoundingClientRect().right <= form.right + 0.5};
}"""
)
CARD_COUNTDOWNS = (
    """() => [...document.querySelectorAll(".deal-card .countdown")]
  .filter((countdown) => countdown.offsetParent !== null)
  .map((countdown) => {
    const card = countdown.closest(".deal-card").getBoundingClientRect();
    const box = countdown.getBoundingClientRect();
    return {text: countdown.textContent, lines: ("""
    + LINES_OF
    + """)(countdown),
            inside: box.left >= card.left && box.right <= card.right + 0.5};
  })"""
)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_shoppers_short_lines_keep_their_words_whole_at_320_px(
    chromium, groupbuy_server, seeded, language
):
    # given a shopper on a 320 px phone
    context, page = _narrow(chromium, groupbuy_server, "shopper", language)
    ids = seeded["ids"]
    wrong = []
    try:
        # when they read a thread's reply and a chat's message from someone else
        for path in (
            f"/sharing/threads/{ids['share_id']}/",
            f"/pooling/contacts/{ids['contact_id']}/",
        ):
            page.goto(path)
            links = page.evaluate(REPORT_LINKS)
            assert links, path
            # then each Report link is a thumb's 44 px tall and wide, its word
            # on one line (举报 was cut in two), over no other words
            wrong += [
                (path, link)
                for link in links
                if min(link["height"], link["width"]) < TAP_PX - 0.5
                or link["lines"] != 1
                or link["under"]
            ]
        # and the chat's Send is one line, in the form (the field gives way)
        if (send := page.evaluate(SEND_BUTTON)) != {"lines": 1, "inside": True}:
            wrong.append(("#chat-send", send))
        # when they open the list of group buys
        page.goto("/")
        page.wait_for_selector(".deal-card .countdown [data-clock-value]")
        countdowns = page.evaluate(CARD_COUNTDOWNS)
        assert countdowns
        # then each card's countdown is one line inside its card
        wrong += [
            ("countdown", countdown)
            for countdown in countdowns
            if countdown["lines"] != 1 or not countdown["inside"]
        ]
        assert wrong == [], f"{language}: {wrong}"
    finally:
        context.close()


# The points of an element's lines of text (corners and middles) that something
# else is drawn over.
COVERED_TEXT = """(selector) => {
  const element = document.querySelector(selector);
  const covered = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const line of range.getClientRects()) {
      for (const x of [line.left + 1, (line.left + line.right) / 2, line.right - 1]) {
        for (const y of [line.top + 1, (line.top + line.bottom) / 2, line.bottom - 1]) {
          const top = document.elementFromPoint(x, y);
          if (top && !element.contains(top)) covered.push(top.id || top.tagName);
        }
      }
    }
  }
  return covered;
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sandbox_banner_wraps_clear_of_the_page_at_twice_the_text_size(
    chromium, groupbuy_server, language
):
    # given a 320 px phone at twice the browser's text size, on a site whose
    # payments are the sandbox
    context, page = _narrow(
        chromium, groupbuy_server, "visitor", language, text_px=LARGE_TEXT_PX
    )
    try:
        # when a page opens
        page.goto("/login/")
        banner = page.evaluate(BOX, "#test-payments-banner")
        heading = page.evaluate(BOX, "main h1")
        # then the banner's words wrap inside it, nothing scrolls sideways
        assert page.evaluate(SIDEWAYS)[0] <= 0
        assert page.evaluate(
            "() => { const b = document.querySelector('#test-payments-banner');"
            " return b.scrollWidth <= b.clientWidth"
            " && b.scrollHeight <= b.clientHeight; }"
        )
        assert banner["right"] <= NARROW["width"] and banner["height"] > 0
        # and nothing covers its words (the skip link's foot did, in English)
        assert page.evaluate(COVERED_TEXT, "#test-payments-banner") == []
        # and the page's heading is below it, uncovered, on the first screen
        assert heading["top"] >= banner["bottom"], (banner, heading)
        assert page.evaluate(COVERED_TEXT, "main h1") == []
        assert heading["bottom"] <= NARROW["height"], heading
    finally:
        context.close()
