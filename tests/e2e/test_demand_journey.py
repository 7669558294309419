"""Buyer-initiated group buys in real browsers: a buyer signs up, drafts a
demand, pays the deposit on the sandbox page and publishes it; a second buyer
joins and pays a deposit; a merchant finds it by keyword, sends an offer, which
appears on both buyers' open pages without a reload (withdrawn and replaced
too); the initiator accepts it and lands on the group buy made for them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import pytest

from tests.e2e import STEP_TIMEOUT_MS, sign_in
from tests.e2e.sms import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "demand-journey-pass"
INITIATOR = "13900880011"
JOINER = "13900880012"
OWNER = "13900880013"

SEED = (
    """
import json
from django.utils import timezone
from groupbuy.accounts.models import User
from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.models import Branch, Listing, Merchant, Product

for phone in (JOINER, OWNER):
    User.objects.filter(phone="+86" + phone).delete()
joiner = User.objects.create_user(
    phone="+86" + JOINER,
    password="PASSWORD",
    preferred_language="en",
    phone_verified_at=timezone.now(),
)
owner = User.objects.create_user(
    phone="+86" + OWNER, password="PASSWORD", preferred_language="en"
)
merchant = Merchant.objects.create(name="牛奶铺", name_en="Milk Shop")
Branch.objects.create(merchant=merchant, name="Main", address="1 Road")
merchant_membership_add(actor=None, user=owner, merchant=merchant, role="owner")
product = Product.objects.create(name_zh="有机牛奶 1L", name_en="Organic milk 1 L")
Listing.objects.create(merchant=merchant, product=product, price_fen=5_000)
rice = Product.objects.create(name_zh="五常大米 5kg", name_en="Wuchang rice 5 kg")
Listing.objects.create(merchant=merchant, product=rice, price_fen=6_900)
print(json.dumps({"merchant": merchant.public_id}))
""".replace("JOINER", repr(JOINER))
    .replace("OWNER", repr(OWNER))
    .replace("PASSWORD", PASSWORD)
)


def _phone(chromium, groupbuy_server):
    context = chromium.new_context(
        base_url=groupbuy_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context, context.new_page()


def _sign_in(page, phone: str) -> None:
    sign_in(page, phone, PASSWORD, then="/demands/")


def _pay_on_sandbox(page) -> None:
    page.wait_for_url("**/escrow/sandbox/pay/**")
    page.click("#sandbox-pay")
    page.wait_for_url(re.compile(r"/demands/dmd_[0-9a-z]+/$"))


def _send_offer(merchant, *, unit_price: str) -> None:
    merchant.select_option("#id_product", label="Organic milk 1 L")
    merchant.fill("#id_quantity", "20")
    merchant.fill("#id_unit_price", unit_price)
    merchant.fill(
        "#id_delivery_on", (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%d")
    )
    merchant.click("#send-offer")
    merchant.wait_for_selector(".my-offer[data-state=active]")


def test_publish_join_offer_accept(chromium, groupbuy_server):
    seeded = json.loads(groupbuy_server.run_python(SEED).strip().splitlines()[-1])
    phones = [_phone(chromium, groupbuy_server) for _ in range(3)]
    initiator, joiner, merchant = (page for _context, page in phones)
    try:
        # given a buyer who signs up and drafts a demand
        sign_up(
            initiator,
            groupbuy_server,
            phone=INITIATOR,
            password=PASSWORD,
            name="Initiator",
        )
        initiator.goto("/demands/new/")
        initiator.fill("#id_title", "有机牛奶 Organic milk")
        initiator.fill("#id_quantity_wanted", "10")
        initiator.fill("#id_initiator_quantity", "2")
        initiator.fill("#id_target_price", "50")
        deadline = datetime.now() + timedelta(days=2)
        initiator.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
        assert "deposit" in initiator.inner_text("#deposit-rule")
        initiator.click("#demand-create")
        initiator.wait_for_selector("#demand-state[data-state=draft]")
        demand_url = initiator.url
        # the deadline is an absolute epoch-ms element with a readable fallback
        deadline_ms = int(
            initiator.get_attribute("#demand-deadline", "data-deadline-ms")
        )
        assert abs(deadline_ms / 1000 - deadline.timestamp()) < 120
        assert initiator.inner_text("#demand-deadline").strip()
        # when they pay the deposit on the sandbox page, then publish
        initiator.click("#pay-deposit")
        _pay_on_sandbox(initiator)
        # back on the page they are not asked to pay again: it says the deposit
        # is being confirmed and offers Publish once it is held, by itself
        assert not initiator.locator("#pay-deposit").count()
        initiator.wait_for_selector("#publish-demand")
        initiator.click("#publish-demand")
        initiator.wait_for_selector("#demand-state[data-state=published]")

        # and a second buyer joins with 3 units and pays a deposit, while a
        # merchant watches the demand's page: its count of the units still
        # wanted follows, no reload (it changed only on reload until 2026-12-06)
        # (the session's shared server lists other tests' demands too)
        demand_id = demand_url.rstrip("/").rsplit("/", 1)[-1]
        _sign_in(merchant, OWNER)
        merchant.goto(demand_url)
        assert merchant.inner_text("#units-left") == "8 units are still wanted."
        merchant.evaluate("window.stillTheSamePage = true")
        _sign_in(joiner, JOINER)
        joiner.click(f".demand-link[href*='{demand_id}']")
        joiner.fill("#id_quantity", "3")
        joiner.click("#join-demand")
        merchant.wait_for_selector("#join-section[data-units-left='5']")
        assert merchant.inner_text("#units-left") == "5 units are still wanted."
        assert merchant.get_attribute("#id_quantity", "max") == "5"
        assert merchant.evaluate("window.stillTheSamePage") is True
        _pay_on_sandbox(joiner)
        assert not joiner.locator("#pay-deposit").count()
        joiner.wait_for_selector("#my-participation[data-status=active]")

        # when the merchant finds it by keyword and sends an offer
        merchant.goto(f"/demands/merchant/{seeded['merchant']}/search/?q=牛奶")
        # (other demands of the session's shared server may match the word too)
        ours = f".search-result[data-demand-id='{demand_id}']"
        merchant.wait_for_selector(ours)
        merchant.click(f"{ours} .make-offer")
        # (no product is chosen for the merchant; the box above narrows the list)
        merchant.fill("#offer-product-filter", "ＯＲＧＡＮＩＣ")  # full-width, any case
        listed = merchant.locator("#id_product option:not([hidden])")
        assert listed.all_inner_texts() == ["—", "Organic milk 1 L"]
        assert merchant.inner_text("#offer-product-count").endswith(": 1")
        for buyer in (joiner, initiator):  # (a reload would forget this)
            buyer.evaluate("window.stillTheSamePage = true")
        assert merchant.inner_text("#send-offer") == "Send the offer"
        _send_offer(merchant, unit_price="48")
        # then it appears on the buyers' open pages, no reload
        active_price = ".offer-row[data-state=active] td.num >> nth=0"
        for buyer in (joiner, initiator):
            buyer.wait_for_selector(".offer-row[data-state=active]")
            assert buyer.inner_text(active_price) == "¥48.00"
        # (they think better of ¥48, withdraw it and offer ¥45, then replace
        # that by ¥44: the form says sending again replaces the open offer)
        merchant.click("#offer-withdraw")
        merchant.wait_for_selector(".my-offer[data-state=withdrawn]")
        joiner.wait_for_selector(".offer-row[data-state=withdrawn]")
        _send_offer(merchant, unit_price="45")
        assert merchant.inner_text("#send-offer") == "Replace the offer"
        merchant.fill("#id_unit_price", "44")
        merchant.click("#send-offer")
        merchant.wait_for_selector(
            ".my-offer[data-state=active] .my-offer-price:text-is('¥44.00')"
        )
        for buyer in (joiner, initiator):
            buyer.wait_for_selector(
                ".offer-row[data-state=active] td.num:text-is('¥44.00')"
            )
        for buyer in (joiner, initiator):
            assert buyer.evaluate("window.stillTheSamePage") is True

        # then the initiator accepts it from the row that came live
        initiator.click(".accept-offer")
        initiator.wait_for_url(re.compile(r"/deals/deal_[0-9a-z]+/$"))
        initiator.goto(demand_url)
        initiator.wait_for_selector("#demand-state[data-state=accepted]")
        assert initiator.locator("#demand-deal-link").count() == 1
    finally:
        for context, _page in phones:
            context.close()
