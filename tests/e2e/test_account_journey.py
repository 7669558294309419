"""Accounts in a real browser against `groupbuy serve`: sign up with the SMS code
read from the file outbox → log out and log in → reset the password by code →
choose the messages beyond the inbox → ask to delete the account, confirming
first with the password; and change the phone number by a code texted to the new one."""

from __future__ import annotations

import json
import time

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
    # and confirming with the password they had before the reset records
    # nothing either
    page.click("#erasure-request")
    page.fill("#id_password", PASSWORD)
    page.click("#erasure-confirm")
    page.wait_for_selector("text=This is not your password.")
    assert page.locator("#erasure-pending").count() == 0
    # then confirming with it records the request, with its date
    page.fill("#id_password", NEW_PASSWORD)
    page.click("#erasure-confirm")
    page.wait_for_selector("#erasure-pending")
    assert page.locator("#erasure-cancel").is_visible()


def test_change_the_phone_number_by_a_code_sent_to_the_new_one(page, groupbuy_server):
    # given a shopper signed in with one number
    sign_up(
        page, groupbuy_server, phone="139 0000 6789", password=PASSWORD, name="Mover"
    )

    # when, from their profile, they ask to move to a new number with their
    # password, and enter the code texted to the new number
    page.click("#nav-profile")
    page.click("#profile-phone-change-link")
    page.fill("#id_new_phone", "139 0000 6790")
    page.fill("#id_password", PASSWORD)
    page.click("#phone-change-submit")
    page.wait_for_url("**/me/phone/change/vrf_*/")
    verification_id = verification_id_from(page.url)
    page.fill("#id_code", code_from_outbox(groupbuy_server.data_dir, verification_id))
    page.click("#code-submit")

    # then their profile gives the new number
    page.wait_for_selector("#profile-phone")
    assert page.inner_text("#profile-phone") == "+8613900006790"
    # and the old number was told, by SMS, of the change
    told = (
        groupbuy_server.data_dir
        / "outbox"
        / "sms"
        / (f"phone-changed-{verification_id}.json")
    )
    deadline = time.monotonic() + 10
    while not told.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert json.loads(told.read_text(encoding="utf-8"))["phone"] == "+8613900006789"

    # and they sign in with the new number from now on, not the old one
    _log_out(page)
    page.goto("/login/")
    page.fill("#id_phone", "139 0000 6789")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#form-errors")
    page.fill("#id_phone", "139 0000 6790")
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#nav-logout")
    assert page.inner_text("#nav-profile") == "Mover"
