"""A shopper whose profile is in Chinese switches the site to English in a real
browser: the page, their inbox (messages sent before the switch included) and
their profile's language follow."""

from __future__ import annotations

import json

import pytest

from tests.e2e import sign_in

pytestmark = [pytest.mark.browser]

PHONE, PASSWORD = "13900440001", "language-journey-pass"

SEED = f"""
import json
from django.utils.translation import gettext_lazy
from groupbuy.accounts.models import User
from groupbuy.core.i18n import interpolate_lazy
from groupbuy.notify.services import notification_enqueue
user = User.objects.create_user("+86{PHONE}", "{PASSWORD}", display_name="Lin",
                                preferred_language="zh-hans")
notification_enqueue(
    recipient=user,
    kind="test.language",
    title=interpolate_lazy(gettext_lazy("Payment received: %(title)s"),
                           {{"title": "Jasmine tea"}}),
    body=gettext_lazy("Someone declined or did not answer. We keep looking for you."),
    channels=["in_app"],
)
print(json.dumps({{"ok": True}}))
"""


def test_switching_to_english_turns_the_inbox_and_the_profile_english(
    page, groupbuy_server
):
    # given a shopper with a Chinese profile and a message sent in Chinese
    seeded = groupbuy_server.run_python(SEED).strip().splitlines()[-1]
    assert json.loads(seeded) == {"ok": True}
    sign_in(page, PHONE, PASSWORD)
    page.goto("/inbox/")
    assert "已收到付款：Jasmine tea" in page.inner_text("#inbox-list")
    # when they switch the site to English from the header
    page.click("#language-en")
    page.wait_for_selector("html[lang=en]")
    page.goto("/inbox/")
    # then the message sent in Chinese reads in English
    inbox = page.inner_text("#inbox-list")
    assert "Payment received: Jasmine tea" in inbox
    assert "We keep looking for you." in inbox
    # and their profile's language, which texts and e-mails use, is English
    page.goto("/me/")
    assert page.input_value("[name=preferred_language]") == "en"
