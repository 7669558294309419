"""Creating an API token in a real browser: the page asks for the password once,
then not again for a while (accounts' recent-authentication window)."""

from __future__ import annotations

import pytest

from tests.e2e.sms import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "139 0000 5791"
PASSWORD = "token-journey-pw-1"


def test_a_token_is_created_after_typing_the_password_again(page, groupbuy_server):
    # given a signed-in shopper on the tokens page
    sign_up(page, groupbuy_server, phone=PHONE, password=PASSWORD, name="Tokens")
    page.goto("/me/tokens/")
    # when they create a token with a wrong password
    page.fill("#id_name", "my shop script")
    page.fill("#id_password", "not-my-password-1")
    page.click("#token-submit")
    # then the page says so on the password, and no token is shown
    page.wait_for_selector("#id_password_error")
    assert "This is not your password." in page.inner_text("#id_password_error")
    assert page.locator("#token-secret").count() == 0
    # when they type it right
    page.fill("#id_password", PASSWORD)
    page.click("#token-submit")
    # then the secret is shown once, and the next token asks for no password
    page.wait_for_selector("#token-secret")
    assert page.inner_text("#token-secret").startswith("gbt_")
    assert page.locator("#id_password").count() == 0
    page.fill("#id_name", "second script")
    page.click("#token-submit")
    page.wait_for_selector("#token-secret")
    assert page.locator("#token-list li").count() == 2
