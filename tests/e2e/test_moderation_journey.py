"""A participant reports a reply in a share's thread, an operator hides it, and
the other participant reads the platform's notice in its place, in a real
browser against `groupbuy serve`."""

from __future__ import annotations

import json
import re
from string import Template

import pytest

from tests.e2e import sign_in

pytestmark = [pytest.mark.browser]

# 139007888xx: no other journey uses these numbers (the browser tests share one
# server).
SENDER_PHONE = "13900788801"
WRITER_PHONE = "13900788802"
OPERATOR_PHONE = "13900788803"
PASSWORD = "moderation-journey-pass"
ABUSE = "Cheap fake watches at example.test"

SEED = Template("""
import json
from groupbuy.accounts.models import User
from groupbuy.catalog.models import Product
from groupbuy.sharing.contacts import Contact
from groupbuy.sharing.services import message_post, share_send

def person(phone, **extra):
    return User.objects.create_user(
        phone="+86" + phone, password="$password", preferred_language="en", **extra
    )

sender, writer = person("$sender"), person("$writer")
person("$operator", is_staff=True)
product = Product.objects.create(name_zh="旅程茉莉花茶", name_en="Journey jasmine tea")
share = share_send(
    actor=sender, product=product, deal=None,
    contacts=[Contact(name="", address=writer.phone)], comment="Shall we?",
)
reply = message_post(actor=writer, share=share, body="$abuse")
print(json.dumps({"share": share.public_id, "reply": reply.public_id}))
""").substitute(
    sender=SENDER_PHONE,
    writer=WRITER_PHONE,
    operator=OPERATOR_PHONE,
    password=PASSWORD,
    abuse=ABUSE,
)


def test_report_then_hide_then_the_notice(chromium, page, groupbuy_server):
    # given a share whose recipient replied with an abusive message
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    thread = f"/sharing/threads/{seeded['share']}/"
    # when the sender reports the reply as fraud
    sign_in(page, SENDER_PHONE, PASSWORD, then=thread)
    page.click(f"#report-{seeded['reply']}")
    page.wait_for_url(re.compile(r"/report/$"))
    page.check("input[name=reason][value=fraud]")
    page.fill("#id_note", "a scam")
    page.click("#report-submit")
    page.wait_for_url(re.compile(re.escape(thread) + "$"))
    page.click("#nav-logout")
    # and an operator hides it from the queue
    sign_in(page, OPERATOR_PHONE, PASSWORD, then="/operator/reports/")
    # (the journeys share one server: other tests' reports may be open too)
    row = page.locator("#reports tbody tr", has_text=ABUSE)
    assert "Fraud" in row.inner_text()
    row.locator("button[id^=hide-]").click()
    page.wait_for_selector("text=The item is hidden.")
    assert page.locator("#reports tbody tr", has_text=ABUSE).count() == 0
    page.click("#nav-logout")
    # then the reply's writer reads the notice in its place
    sign_in(page, WRITER_PHONE, PASSWORD, then=thread)
    body = page.locator(f"[data-message-id={seeded['reply']}] .message-body")
    assert body.inner_text() == "This message was removed by the platform."
    assert ABUSE not in page.content()
