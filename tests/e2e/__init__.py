import re

# How long a journey's step (a click's navigation, a selector, a fill) may take
# before it fails. Steps take well under a second on an idle machine; CI runs
# the journeys beside two other suites on two cores, where a page after a form
# once took longer than the 15 s this was, so a slow step is not a failure.
STEP_TIMEOUT_MS = 30_000


def sign_in(page, phone: str, password: str, *, then: str = "") -> None:
    """Sign in through the login page. With ``then`` (a path), ask for it and
    wait until the browser lands on it; without, wait for the signed-in menu."""
    page.goto(f"/login/?next={then}" if then else "/login/")
    page.fill("#id_phone", phone)
    page.fill("#id_password", password)
    page.click("#login-submit")
    if then:
        page.wait_for_url(re.compile(rf"{re.escape(then)}$"))
    else:
        page.wait_for_selector("#nav-logout")
