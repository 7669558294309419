"""A participant reports a reply in a share's thread, an operator hides it, and
the other participant reads the platform's notice in its place, in a real
browser against `groupbuy serve`: a reply arriving live has Report for the
others, not its writer, and a hidden reply changes on the pages open then."""

from __future__ import annotations

import json
import re
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]

# 139007888xx: no other journey uses these numbers (the browser tests share one
# server).
SENDER_PHONE = "13900788801"
WRITER_PHONE = "13900788802"
OPERATOR_PHONE = "13900788803"
PASSWORD = "moderation-journey-pass"
ABUSE = "Cheap fake watches at example.test"
NOTICE = "This message was removed by the platform."

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
    # given a share whose recipient replied with an abusive message, and has
    # the thread open on their phone
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    thread = f"/sharing/threads/{seeded['share']}/"
    writer_context = chromium.new_context(base_url=groupbuy_server.url, locale="en-US")
    writer_context.set_default_timeout(STEP_TIMEOUT_MS)
    writer = writer_context.new_page()
    try:
        sign_in(writer, WRITER_PHONE, PASSWORD, then=thread)
        _wait_for_user_socket(writer)
        # when the sender, with the thread open, reads another reply arrive
        sign_in(page, SENDER_PHONE, PASSWORD, then=thread)
        _wait_for_user_socket(page)
        writer.fill("#id_body", "Still selling")
        writer.click("#reply-submit")
        # then it has Report live for the sender, the very link a reload gives
        live = page.locator("#thread-messages li[data-message-id]", has_text="Still")
        live.locator(".report-link").wait_for()
        live_report = live.locator(".reply-actions").evaluate("s => s.outerHTML")
        # and none on the writer's own page
        own = writer.locator("#thread-messages li[data-message-id]", has_text="Still")
        own.wait_for()
        assert own.locator(".report-link").count() == 0
        page.reload()
        stored = page.locator("#thread-messages li[data-message-id]", has_text="Still")
        assert stored.locator(".reply-actions").evaluate("s => s.outerHTML") == (
            live_report
        )
        # when the sender reports the first reply as fraud
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
        row.locator("summary[id^=hide-]").click()  # Hide asks first
        row.locator("button[id^=hide-][id$=-confirm]").click()
        page.wait_for_selector("text=The item is hidden.")
        assert page.locator("#reports tbody tr", has_text=ABUSE).count() == 0
        # then the writer's open page puts the notice in its place at once
        body = f"[data-message-id={seeded['reply']}] .message-body"
        writer.wait_for_selector(f"{body}:has-text('{NOTICE}')")
        assert ABUSE not in writer.content()
    finally:
        writer_context.close()
    page.click("#nav-logout")
    # and the reply's writer reads the notice there on a later visit too
    sign_in(page, WRITER_PHONE, PASSWORD, then=thread)
    assert page.locator(body).inner_text() == NOTICE
    assert ABUSE not in page.content()


def _wait_for_user_socket(page) -> None:
    # notify's live.js fills the badge's count once the personal socket joined.
    page.wait_for_selector("#inbox-badge[data-count]", state="attached")
