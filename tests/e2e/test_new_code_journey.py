"""A visitor joins a deal, signs up on the way, asks for a new SMS code, and the
join they asked for is done: in a real browser against `groupbuy serve`."""

from __future__ import annotations

import re

import pytest

from tests.e2e.sms import code_from_outbox, verification_id_from

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "139 0000 7788"
E164 = "+8613900007788"


def _pacing_passed(server) -> None:
    # Stands in for waiting out the minute between two codes to one number.
    server.run_python(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from groupbuy.accounts.models import PhoneVerification\n"
        f"PhoneVerification.objects.filter(phone={E164!r}).update(\n"
        "    created_at=timezone.now() - timedelta(minutes=2))\n"
    )


def _order_of(server, deal_id: str) -> str:
    return server.run_python(
        "from groupbuy.deals.models import DealOrder\n"
        "order = DealOrder.objects.get(\n"
        f"    deal__public_id={deal_id!r}, shopper__phone={E164!r})\n"
        "print(order.quantity, order.pickup_branch.name)\n"
    ).strip()


def test_join_sign_up_ask_for_a_new_code_and_the_join_is_done(page, groupbuy_server):
    # given an open deal picked up at one of two branches
    deal = groupbuy_server.seed(
        "seed_open_deal(gtin='6901234567991', tiers=[(1, 1500)], stock=20,"
        " merchant_name='南北超市', branches=('North', 'South'))"
    )["deal"]

    # when a visitor chooses a branch and 2 units and presses Join
    page.goto(f"/deals/{deal}/")
    page.select_option("#join-pickup-branch", label="South · South Road 1")
    page.fill("#join-quantity", "2")
    page.click("#join-submit")
    page.wait_for_url(re.compile(r"/login/\?next=/deals/.+/join/resume/$"))
    # and creates an account instead of logging in
    page.click("#login-signup-link")
    page.wait_for_url(re.compile(r"/signup/\?next=/deals/.+/join/resume/$"))
    page.fill("#id_phone", PHONE)
    page.fill("#id_password", "journey-password-1")
    page.fill("#id_display_name", "Newcode")
    page.click("#signup-submit")
    page.wait_for_url("**/signup/verify/**")
    first = verification_id_from(page.url)

    # when they ask for a new code at once
    page.click("#code-restart")
    # then they stay on the code page, told how long to wait
    page.wait_for_selector("#messages")
    assert "You can ask for a new one in" in page.inner_text("#messages")
    assert verification_id_from(page.url) == first
    assert "next=" in page.url

    # when, a minute on, they ask again
    _pacing_passed(groupbuy_server)
    page.click("#code-restart")
    page.wait_for_selector("text=We sent a new code by SMS")
    second = verification_id_from(page.url)
    assert second != first
    assert "next=" in page.url
    assert "7788" not in page.url and "journey-password" not in page.url

    # and enter the new code
    page.fill("#id_code", code_from_outbox(groupbuy_server.data_dir, second))
    page.click("#code-submit")

    # then they are signed in and the join they asked for is done
    page.wait_for_url("**/escrow/sandbox/pay/**")
    assert page.inner_text("#nav-profile") == "Newcode"
    assert _order_of(groupbuy_server, deal) == "2 South"
