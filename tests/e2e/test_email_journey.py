"""Proving an e-mail address in a real browser: profile → link by e-mail (read
from the file outbox) → confirm → the profile says it is confirmed."""

from __future__ import annotations

import re

import pytest

from tests.e2e.sms import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADDRESS = "journey@example.com"


def _link_in_outbox(data_dir) -> str:
    texts = [
        path.read_text(errors="replace")
        for path in sorted((data_dir / "outbox" / "email").glob("*.log"))
    ]
    links = [
        match[0]
        for text in texts
        if f"To: {ADDRESS}" in text
        for match in re.finditer(r"http://\S+/account/email/verify/\S+/", text)
    ]
    assert links, "no verification e-mail in the outbox"
    return links[-1]


def test_a_member_confirms_their_email_address(page, groupbuy_server):
    # given a new member who adds an e-mail address to their profile
    sign_up(
        page, groupbuy_server, phone="139 0000 5679", password="pw-1-email", name="Mail"
    )
    page.goto("/me/")
    page.fill("#id_email", ADDRESS)
    page.click("#profile-submit")
    assert "not confirmed yet" in page.inner_text("#profile-email-status")
    # when they ask for a link and open it from the e-mail
    page.click("#profile-email-verify")
    page.wait_for_selector("#profile-email-status")
    page.goto(_link_in_outbox(groupbuy_server.data_dir))
    assert ADDRESS in page.inner_text("main")
    page.click("#email-verify-confirm")
    # then the profile shows the address confirmed
    page.wait_for_url("**/me/")
    assert "is confirmed" in page.inner_text("#profile-email-status")
