"""A person applies to open a shop, an operator approves, and the person opens
their new shop's console, in a real browser against `groupbuy serve`."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from string import Template

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in

pytestmark = [pytest.mark.browser]

# 1390077990x: the browser tests share one server, and test_merchant_journey's
# owner is 13900770001 and its shoppers 139007701xx.
APPLICANT_PHONE = "13900779902"
OPERATOR_PHONE = "13900779901"
PASSWORD = "shop-journey-pass"
SHOP_NAME = "旅程鲜果铺"

SEED_PEOPLE = Template("""
from groupbuy.accounts.models import User

User.objects.create_user(
    phone="+86$operator", password="$password", preferred_language="en",
    is_staff=True,
)
User.objects.create_user(
    phone="+86$applicant", password="$password", preferred_language="en"
)
""").substitute(operator=OPERATOR_PHONE, applicant=APPLICANT_PHONE, password=PASSWORD)

SHOP_OF_APPLICANT = Template("""
import json
from groupbuy.accounts.models import MerchantMembership
from groupbuy.catalog.models import Branch
from groupbuy.notify.models import Delivery, Notification
from groupbuy.notify.sms import get_sms_backend

membership = MerchantMembership.objects.get(user__phone="+86$applicant")
branch = Branch.objects.get(merchant=membership.merchant)
texted = Delivery.objects.get(
    channel="sms", notification__kind="ops.shop_application.approved",
    notification__recipient=membership.user,
)
print(json.dumps({
    "sms_path": str(get_sms_backend().path_for(texted.idempotency_key)),
    "merchant": membership.merchant.public_id,
    "name": membership.merchant.name,
    "role": membership.role,
    "branch_address": branch.address,
    "operator_told": Notification.objects.filter(
        kind="ops.shop_application.submitted", recipient__phone="+86$operator"
    ).count(),
}))
""").substitute(applicant=APPLICANT_PHONE, operator=OPERATOR_PHONE)


def _last_json(output: str):
    return json.loads(output.strip().splitlines()[-1])


def test_apply_then_approved_then_the_console(chromium, page, groupbuy_server):
    # given a member and an operator
    groupbuy_server.run_python(SEED_PEOPLE)

    # when the member finds "Open a shop" on the More page and applies
    sign_in(page, APPLICANT_PHONE, PASSWORD, then="/more/")
    page.click("#nav-open-shop")
    page.wait_for_url(re.compile(r"/shop/$"))
    page.fill("#id_name", SHOP_NAME)
    page.fill("#id_name_en", "Journey Fruit")
    page.fill("#id_branch_address", "上海市黄浦区南京东路77号")
    page.fill("#id_sells", "Fresh fruit 🍑")
    page.click("#shop-application-submit")
    page.wait_for_url(re.compile(r"/shop/applications/sap_\w+/$"))
    application_path = page.url.removeprefix(groupbuy_server.url)
    assert page.inner_text("#application-status") == "Pending"

    # and an operator approves it from the list of applications
    operator_context = chromium.new_context(base_url=groupbuy_server.url)
    operator_context.set_default_timeout(STEP_TIMEOUT_MS)
    operator = operator_context.new_page()
    sign_in(operator, OPERATOR_PHONE, PASSWORD, then="/operator/shop-applications/")
    operator.get_by_role("link", name=SHOP_NAME).click()
    operator.wait_for_url(re.compile(r"/operator/shop-applications/sap_\w+/$"))
    operator.click("#application-approve")
    operator.wait_for_selector("#messages")
    assert "The shop is open" in operator.inner_text("#messages")
    operator_context.close()

    # then the member's application says so and leads to the console
    page.goto(application_path)
    assert page.inner_text("#application-status") == "Approved"
    page.click("#application-console")
    page.wait_for_url(re.compile(r"/merchant/mer_\w+/$"))
    assert page.locator("#nav-merchant").is_visible()

    # and they own the shop, with its first branch at the address they gave
    shop = _last_json(groupbuy_server.run_python(SHOP_OF_APPLICANT))
    assert page.url.endswith(f"/merchant/{shop['merchant']}/")
    assert (shop["name"], shop["role"], shop["branch_address"]) == (
        SHOP_NAME,
        "owner",
        "上海市黄浦区南京东路77号",
    )
    assert shop["operator_told"] == 1
    # and were texted too (their chosen channel), the SMS in the file outbox
    texted = Path(shop["sms_path"])
    deadline = time.monotonic() + 10
    while not texted.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    sms = json.loads(texted.read_text(encoding="utf-8"))
    assert sms["phone"] == f"+86{APPLICANT_PHONE}"
    assert "Your shop is open on groupbuy" in sms["text"]
