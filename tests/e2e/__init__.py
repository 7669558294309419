import re

# How long a journey's step (a click's navigation, a selector, a fill) may take
# before it fails. Steps take well under a second on an idle machine; CI runs
# the journeys beside two other suites on two cores, where a page after a form
# once took longer than the 15 s this was, so a slow step is not a failure.
STEP_TIMEOUT_MS = 30_000


def sign_in(page, phone: str, password: str, *, then: str = "") -> None:
    """Sign in as a journey that is not about signing in does: post the phone
    and password to the site's login view from the page's browser context (the
    journeys' server's ``/e2e/sign-in/``, tests/e2e/urls.py), which sets the
    session cookie in it, then open where the login would have sent the
    browser. With ``then`` (a path), ask for it and wait until the browser
    lands on it; without, wait for the signed-in menu.

    Loading, filling and submitting the sign-in page cost ~0.8 s of CPU
    (Chromium, the server) against ~0.4 s this way, for each of ~70 sign-ins
    a run (2026-12-07, the CI VM under load). Each role still signs in
    through the page in a journey: the shopper in the account journey, the
    merchant in the merchant journey and the console pages, the operator in
    the Alipay journey."""
    answer = page.request.post(
        "/e2e/sign-in/",
        params={"next": then} if then else None,
        form={"phone": phone, "password": password},
        max_redirects=0,
    )
    assert answer.status == 302, (
        f"signing in as {phone} was refused ({answer.status}): {answer.text()[:2_000]}"
    )
    page.goto(answer.headers["location"])
    if then:
        page.wait_for_url(re.compile(rf"{re.escape(then)}$"))
    else:
        page.wait_for_selector("#nav-logout")


def sign_in_new_shopper(page, server, *, phone: str, password: str, name: str) -> None:
    """Seed a shopper's account (``phone`` as typed, a mainland number) and sign
    it in: for journeys that need a signed-in shopper, not a sign-up (which the
    account, deal and Alipay journeys and a sharing journey go through)."""
    number = "+86" + phone.replace(" ", "")
    server.seed(
        f"seed_shopper(phone={number!r}, password={password!r}, display_name={name!r})"
    )
    sign_in(page, number, password)


LOAD_DEMO = "from django.core.management import call_command\ncall_command('load_demo')"


def load_demo(server) -> None:
    """Run ``groupbuy load_demo`` (idempotent) in the server's kept shell: as a
    command of its own it started Python and Django each time (~2–3 s of CPU
    of the ~7 s the three passes that load it cost, 2026-12-07)."""
    server.run_python(LOAD_DEMO)
