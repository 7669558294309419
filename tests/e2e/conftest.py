"""Playwright journeys against a real `groupbuy serve` process.

The session starts the whole embedded system (uvicorn + Channels + the Huey worker
threads) on a free port with its own data directory, so the journeys see exactly
what `make demo` serves: the real pay page, real WebSockets and the real closing
job. Chromium is Debian's (/usr/bin/chromium); no browser is ever downloaded.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.e2e import STEP_TIMEOUT_MS
from tests.support.fonts import seed_cut_cjk_font
from tests.support.servers import Deployment, copy_migrated_sqlite, free_port

CHROMIUM = "/usr/bin/chromium"
# Headless Chromium (the new headless mode: the whole browser, no window) opens
# the address bar's drop-down, two WebUI pages (chrome://omnibox-popup.top-chrome/
# and its AI mode's) in a renderer process of their own, for every browser
# context: ~0.75 s of CPU each (0.55 s in that renderer, the rest in the
# browser process), for ~150 contexts a run, about a seventh of the browser
# lane's CPU (2026-12-07, Chromium 156). No journey has an address bar, and
# the pages are not touched: they run in their own renderers, which this does
# not change. Chromium reads only the last --disable-features, so the list
# repeats Playwright's own (chromiumSwitches.ts in Playwright 1.65), which a
# second switch would otherwise replace.
DISABLED_FEATURES = [
    # Playwright's
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
    # ours: the address bar's drop-down
    "WebUIOmniboxPopup",
    "WebUIOmniboxAimPopup",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-features=" + ",".join(DISABLED_FEATURES),
]


@pytest.fixture(scope="session")
def groupbuy_server():
    with tempfile.TemporaryDirectory(prefix="groupbuy-e2e-") as data_dir:
        port = free_port()
        deployment = Deployment(
            Path(data_dir),
            extra_env={
                "GROUPBUY_PUBLIC_URL": f"http://127.0.0.1:{port}",
                # Every journey's browser signs up from 127.0.0.1, where a site
                # sees its people from many addresses: past 20 sign-ups the
                # one address would be refused codes for the hour (the limit
                # itself is tested in accounts/tests/test_phone_codes.py).
                "GROUPBUY_PHONE_CODES_PER_ADDRESS_PER_HOUR": "1000",
                "DJANGO_SETTINGS_MODULE": "tests.e2e.server_settings",
            },
        )
        # The database groupbuy.settings migrated: the schema is the same,
        # and another settings module would migrate another copy.
        copy_migrated_sqlite(deployment.data_dir)
        # The PDFs' cut CJK font, cut once per machine: the server would cut it
        # (~3.5 s of CPU) at the first PDF a journey or the accessibility
        # pass's link check asks for, which once took past that check's 30 s
        # on a loaded machine.
        seed_cut_cjk_font(deployment.data_dir)
        deployment.keep_shell()
        deployment.url = deployment.serve(port)
        try:
            yield deployment
        finally:
            deployment.stop()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def no_uncaught_script_error_or_server_error(request, monkeypatch):
    """Fail a journey in whose pages a script threw an error nobody caught
    (an uncaught exception or unhandled promise rejection) or the server
    answered 5xx. Refusals (4xx) and requests failing offline are for each
    journey to judge; this watches every context made from the session's
    browser."""
    if "chromium" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("chromium")
    found: list[str] = []
    new_context = browser.new_context

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on(
            "weberror",
            lambda error: found.append(
                f"{error.page and error.page.url}: {error.error}"
            ),
        )
        context.on(
            "response",
            lambda response: (
                response.status >= 500
                and found.append(f"{response.status} for {response.url}")
            ),
        )
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    yield
    assert not found, "\n".join(found)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """When a journey on ``page`` fails, report where the page was and what it
    said (a form's errors, a message): a timeout alone does not tell whether
    the server was slow or refused the step."""
    report = yield
    page = item.funcargs.get("page") if report.when == "call" else None
    if report.failed and page is not None:
        try:
            text = page.inner_text("body", timeout=3_000)
            described = f"{page.url}\n{text[:2_000]}"
        except Exception as error:  # the page may be closed or hung
            described = f"{page.url} (its text could not be read: {error})"
        report.sections.append(("the page when the journey failed", described))
    return report


@pytest.fixture
def page(chromium, groupbuy_server):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},  # a phone: the site is mobile-first
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
