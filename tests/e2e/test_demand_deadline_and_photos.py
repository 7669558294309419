"""A demand's initiator adds photos and moves the deadline later in a real
browser; the page a participant has open moves its countdown without a reload,
and loses a photo without one when the initiator removes it (the others
numbered again), and when an operator hides one after a report.
A buyer whose number is not confirmed is sent to confirm it before joining.
"""

from __future__ import annotations

import io
import json
import re
from datetime import datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "demand-deadline-pass"
INITIATOR = "13900880021"
JOINER = "13900880022"
NEWCOMER = "13900880023"
OPERATOR = "13900880026"

SEED = (
    """
import json
from datetime import timedelta
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.demands import services
from groupbuy.demands.demo import _pay_on_sandbox

for phone in (INITIATOR, JOINER, NEWCOMER, OPERATOR):
    User.objects.filter(phone="+86" + phone).delete()
people = {}
for phone in (INITIATOR, JOINER, NEWCOMER, OPERATOR):
    people[phone] = User.objects.create_user(
        phone="+86" + phone,
        password="PASSWORD",
        preferred_language="en",
        phone_verified_at=None if phone == NEWCOMER else timezone.now(),
        is_staff=phone == OPERATOR,
    )
initiator, joiner = people[INITIATOR], people[JOINER]
demand = services.demand_create(
    actor=initiator,
    title="Buckwheat noodles 荞麦面",
    quantity_wanted=12,
    initiator_quantity=2,
    target_unit_price_fen=1_200,
    deadline_at=timezone.now() + timedelta(days=1),
)
_pay_on_sandbox(services.demand_deposit_start(actor=initiator, demand=demand))
demand = services.demand_publish(actor=initiator, demand=demand)
_participation, intent = services.demand_join(actor=joiner, demand=demand, quantity=3)
_pay_on_sandbox(intent)
print(json.dumps({"demand": demand.public_id, "deadline_ms": demand.deadline_ms}))
""".replace("INITIATOR", repr(INITIATOR))
    .replace("JOINER", repr(JOINER))
    .replace("NEWCOMER", repr(NEWCOMER))
    .replace("OPERATOR", repr(OPERATOR))
    .replace("PASSWORD", PASSWORD)
)

REPORT_OF_PHOTO = """
from groupbuy.moderation.models import Report
print(Report.objects.filter(item_id=PHOTO).latest("id").public_id)
"""


def _browser(chromium, groupbuy_server):
    context = chromium.new_context(
        # Its waits evaluate JavaScript predicates, an eval the pages'
        # Content Security Policy refuses (the other journeys keep it).
        bypass_csp=True,
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def _sign_in(page, phone: str, next_url: str) -> None:
    sign_in(page, phone, PASSWORD, then=next_url)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (140, 90, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photo_and_later_deadline_reach_an_open_page(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    url = f"/demands/{seeded['demand']}/"
    browsers = [_browser(chromium, groupbuy_server) for _ in range(3)]
    initiator, joiner, newcomer = (page for _context, page in browsers)
    try:
        # given the participant watching the demand page
        _sign_in(joiner, JOINER, url)
        assert (
            int(joiner.get_attribute("#demand-deadline", "data-deadline-ms"))
            == seeded["deadline_ms"]
        )
        # give its socket a moment to join the demand's group
        joiner.wait_for_timeout(1_000)

        # when the initiator adds two photos
        _sign_in(initiator, INITIATOR, url)
        for count in (1, 2):
            initiator.set_input_files(
                "#id_photo",
                files=[
                    {"name": "noodles.png", "mimeType": "image/png", "buffer": _png()}
                ],
            )
            initiator.click("#add-photo")
            initiator.wait_for_selector(
                f"#demand-photos .demand-photo:nth-child({count}) img"
            )
        # and moves the deadline two days later
        later = datetime.now() + timedelta(days=3)
        initiator.fill("#id_deadline", later.strftime("%Y-%m-%dT%H:%M"))
        initiator.click("#extend-deadline")
        initiator.wait_for_url(f"**{url}")
        new_ms = int(initiator.get_attribute("#demand-deadline", "data-deadline-ms"))
        assert new_ms > seeded["deadline_ms"] + 36 * 3600 * 1000

        # then the participant's open page moves its countdown, without a reload
        joiner.wait_for_function(
            "ms => document.querySelector('#demand-deadline').dataset.deadlineMs"
            " === String(ms)",
            arg=new_ms,
        )
        # and the photos show for them on their next visit
        joiner.reload()
        assert joiner.locator("#demand-photos img").count() == 2
        first, second = (
            figure.get_attribute("data-photo-id")
            for figure in joiner.locator("#demand-photos figure").all()
        )
        joiner.wait_for_timeout(1_000)  # its socket joins the demand's group

        # when the initiator removes the first photo, answering the page's question
        initiator.click(f"[data-photo-id='{first}'] .photo-delete-ask")
        initiator.click(f"[data-photo-id='{first}'] .photo-delete")
        initiator.wait_for_selector(f"[data-photo-id='{first}']", state="detached")
        # then it leaves the participant's open page, without a reload, and the
        # other is now the first
        joiner.wait_for_selector(f"[data-photo-id='{first}']", state="detached")
        assert (
            joiner.get_attribute(f"[data-photo-id='{second}'] img", "alt")
            == "Photo 1 of what is wanted"
        )

        # when they report the photo left and an operator hides it
        photo_id = joiner.get_attribute("#demand-photos figure", "data-photo-id")
        joiner.click(f"#report-{photo_id}")
        joiner.check("input[name=reason][value=offensive]")
        joiner.click("#report-submit")
        joiner.wait_for_url(f"**{url}")
        joiner.wait_for_timeout(1_000)  # its socket joins the demand's group
        report_id = groupbuy_server.run_python(
            REPORT_OF_PHOTO.replace("PHOTO", repr(photo_id))
        ).strip()
        _sign_in(initiator, OPERATOR, f"/operator/reports/{report_id}/")
        initiator.click(f"#hide-{report_id}")  # Hide asks first
        initiator.click(f"#hide-{report_id}-confirm")
        try:
            initiator.wait_for_selector("text=The item is hidden.")
        except PlaywrightTimeoutError:
            # (say where the operator landed and what it read: it failed once
            # in CI, 2026-12-07, with nothing else to go on)
            body = initiator.inner_text("body", timeout=3_000)[:2_000]
            raise AssertionError(f"{initiator.url}\n{body}") from None
        # then it leaves the participant's open page, without a reload
        joiner.wait_for_selector("#demand-photos", state="detached")

        # and a buyer with an unconfirmed number is sent to confirm it first
        _sign_in(newcomer, NEWCOMER, url)
        newcomer.fill("#id_quantity", "1")
        newcomer.click("#join-demand")
        newcomer.wait_for_url(re.compile(r"/me/phone/\?next="))
        assert newcomer.locator("#phone-verify-form").count() == 1
    finally:
        for context, _page in browsers:
            context.close()


FORWARD_INITIATOR = "13900880024"
FORWARD_JOINER = "13900880025"


def test_a_deadline_brought_forward_reaches_an_open_page(chromium, groupbuy_server):
    # given a demand closing in a day (the seed's) moved to three days, and its
    # participant watching it
    seed = (
        SEED.replace(repr(INITIATOR), repr(FORWARD_INITIATOR))
        .replace(repr(JOINER), repr(FORWARD_JOINER))
        .replace("timedelta(days=1)", "timedelta(days=3)")
    )
    seeded = json.loads(groupbuy_server.run_python(seed).strip().splitlines()[-1])
    url = f"/demands/{seeded['demand']}/"
    browsers = [_browser(chromium, groupbuy_server) for _ in range(2)]
    initiator, joiner = (page for _context, page in browsers)
    try:
        _sign_in(joiner, FORWARD_JOINER, url)
        joiner.wait_for_timeout(1_000)  # its socket joins the demand's group
        # when the initiator, told the notice beside the form, brings it forward
        _sign_in(initiator, FORWARD_INITIATOR, url)
        assert "24 hours" in initiator.inner_text("#deadline-notice")
        sooner = datetime.now() + timedelta(hours=30)
        initiator.fill("#id_deadline", sooner.strftime("%Y-%m-%dT%H:%M"))
        initiator.click("#extend-deadline")
        initiator.wait_for_url(f"**{url}")
        new_ms = int(initiator.get_attribute("#demand-deadline", "data-deadline-ms"))
        assert new_ms < seeded["deadline_ms"] - 36 * 3600 * 1000
        # then the participant's open countdown moves to it without a reload
        joiner.wait_for_function(
            "ms => document.querySelector('#demand-deadline').dataset.deadlineMs"
            " === String(ms)",
            arg=new_ms,
        )
    finally:
        for context, _page in browsers:
            context.close()
