"""Accounts in a real browser against `groupbuy serve`: sign up with the SMS code
read from the file outbox → log out and log in → reset the password by code →
choose the messages beyond the inbox → ask to delete the account, confirming
first."""

from __future__ import annotations

import pytest

from tests.e2e.sms import code_from_outbox, sign_up, verification_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "139 0000 5678"
PASSWORD = "first-journey-pw-1"
NEW_PASSWORD = "second-journey-pw-2"


def _log_in(page, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_phone", PHONE)
    page.fill("#id_password", password)
    page.click("#login-submit")


def _log_out(page) -> None:
    page.click("#nav-logout")
    page.wait_for_selector("#nav-login")


def test_sign_up_with_sms_code_log_in_and_reset_the_password(page, groupbuy_server):
    # when a new shopper signs up with the code texted to them
    sign_up(page, groupbuy_server, phone=PHONE, password=PASSWORD, name="Account")
    # then they are signed in under their name
    assert page.inner_text("#nav-profile") == "Account"

    # when they log out and back in with their password
    _log_out(page)
    _log_in(page, PASSWORD)
    page.wait_for_selector("#nav-logout")
    _log_out(page)

    # when they forget it and reset it by code
    page.goto("/login/")
    page.click("#login-forgot-link")
    page.fill("#id_phone", PHONE)
    page.click("#password-reset-submit")
    page.wait_for_url("**/password/reset/vrf_*/")
    code = code_from_outbox(groupbuy_server.data_dir, verification_id_from(page.url))
    page.fill("#id_code", code)
    page.fill("#id_new_password", NEW_PASSWORD)
    page.click("#code-submit")
    page.wait_for_url("**/login/")

    # then the old password no longer works and the new one does
    _log_in(page, PASSWORD)
    assert "not right" in page.inner_text("#form-errors")
    _log_in(page, NEW_PASSWORD)
    page.wait_for_selector("#nav-logout")
    assert page.inner_text("#nav-profile") == "Account"

    # and from their profile they keep pool invitations to the inbox
    page.click("#nav-profile")
    page.click("#profile-notifications-link")
    invitations = page.locator("#kind-poolinginvitation")
    assert invitations.is_checked()
    invitations.uncheck()
    page.click("#notification-settings-save")
    page.wait_for_selector("text=the others stay in your inbox")
    assert not page.locator("#kind-poolinginvitation").is_checked()
    assert page.locator("#kind-dealsorderpaid").is_checked()

    # when they ask to delete their account, they are asked first
    page.goto("/account/data/")
    page.click("#erasure-request")
    page.wait_for_selector("#erasure-confirm")
    # and going back records nothing
    page.click("#erasure-back")
    page.wait_for_selector("#erasure-request")
    assert page.locator("#erasure-pending").count() == 0
    # then confirming records the request, with its date
    page.click("#erasure-request")
    page.click("#erasure-confirm")
    page.wait_for_selector("#erasure-pending")
    assert page.locator("#erasure-cancel").is_visible()
