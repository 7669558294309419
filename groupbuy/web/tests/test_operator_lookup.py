"""The operator's look-up, detail pages, new merchants and charts, and who may
open them."""

import pytest
from django.test import Client
from django.urls import reverse

from groupbuy.accounts.models import MerchantMembership, User
from groupbuy.catalog.models import Merchant
from groupbuy.core.models import AuditEntry
from groupbuy.core.money import format_fen
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import (
    join_and_pay,
    make_deal,
    make_merchant,
    make_user,
)
from groupbuy.demands import services as demand_services
from groupbuy.demands.tests import factories as demand_factories
from groupbuy.ops.models import MerchantOwnerInvitation
from groupbuy.ops.stats import platform_daily_stats_refresh
from groupbuy.snap.models import Snap
from groupbuy.teams.services import team_open
from groupbuy.teams.tests.factories import TEAM_PRICE, make_team_deal
from groupbuy.teams.tests.factories import pay as pay_team_place


@pytest.fixture
def order(shopper):
    return join_and_pay(make_deal(), shopper=shopper)


@pytest.fixture
def owner_client(db):
    owner = User.objects.create_user("+8613700137000", "owner-password-1")
    make_merchant(owner=owner)
    client = Client()
    client.force_login(owner)
    return client


def operator_pages(order):
    return [
        reverse("web:operator_lookup") + "?q=13800138000",
        reverse("web:operator_person", args=[order.shopper.public_id]),
        reverse("web:operator_order", args=[order.public_id]),
        reverse("web:operator_payment", args=[order.payment_intent.public_id]),
        reverse("web:operator_merchant_new"),
    ]


def test_operator_pages_are_forbidden_to_shoppers_and_merchant_owners(
    order, shopper_client, owner_client
):
    for url in operator_pages(order):
        assert shopper_client.get(url).status_code == 403, url
        assert owner_client.get(url).status_code == 403, url
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def test_operator_pages_send_visitors_to_sign_in(order):
    for url in operator_pages(order):
        assert Client().get(url).status_code == 302, url


def test_lookup_by_phone_lists_masked_phones_and_writes_no_audit(
    operator_client, order
):
    # when
    response = operator_client.get(
        reverse("web:operator_lookup"), {"q": "138 0013 8000"}
    )
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "+86138****8000" in html
    assert "+8613800138000" not in html
    assert order.public_id in html
    assert order.payment_intent.public_id in html
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def test_lookup_by_order_number_finds_that_order_only(operator_client, order):
    other = join_and_pay(make_deal(title="Rice"))
    response = operator_client.get(
        reverse("web:operator_lookup"), {"q": order.public_id}
    )
    assert [o.pk for o in response.context["result"].orders.items] == [order.pk]
    assert other.public_id not in response.content.decode()


def test_lookup_finds_a_shop_by_part_of_its_name_or_its_number(
    operator_client, shopper
):
    # given two shops, one owned by the shopper, and one of another name
    shop = make_merchant(name="Fresh Mart Jing'an", owner=shopper)
    Merchant.objects.filter(pk=shop.pk).update(name_en="Fresh Mart")
    other = make_merchant(name="鲜邻超市")
    url = reverse("web:operator_lookup")
    # when the operator looks up part of its name, in another case
    by_name = operator_client.get(url, {"q": "fresh mart"})
    # then that shop is listed, linked to its console, its owner's phone masked
    assert [m.pk for m in by_name.context["result"].merchants.items] == [shop.pk]
    html = by_name.content.decode()
    assert f'href="/merchant/{shop.public_id}/"' in html
    assert "Lin" in html and "+86138****8000" in html
    assert "+8613800138000" not in html
    assert other.public_id not in html
    # and by its number, or a Chinese name's part, each finds its shop only
    by_number = operator_client.get(url, {"q": shop.public_id}).context["result"]
    assert [m.pk for m in by_number.merchants.items] == [shop.pk]
    by_part = operator_client.get(url, {"q": "鲜邻"}).context["result"]
    assert [m.pk for m in by_part.merchants.items] == [other.pk]
    # and its owner's phone finds the shops they own, beside the person
    by_phone = operator_client.get(url, {"q": "13800138000"}).context["result"]
    assert [m.pk for m in by_phone.merchants.items] == [shop.pk]
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def test_lookup_pages_the_shops_it_finds_keeping_the_query(
    operator_client, db, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # given lists of 3 a page, and 4 shops whose names hold "Fresh Mart"
    monkeypatch.setattr("groupbuy.ops.lookup.LIST_PAGE_SIZE", 3)
    shops = [make_merchant(name=f"Fresh Mart {number:02d}") for number in range(4)]
    url = reverse("web:operator_lookup")
    # when the operator looks the name up and follows "Next"
    first = operator_client.get(url, {"q": "fresh mart"}).content.decode()
    with CaptureQueriesContext(connection) as first_queries:
        operator_client.get(url, {"q": "fresh mart"})
    with CaptureQueriesContext(connection) as second_queries:
        second = operator_client.get(url, {"q": "fresh mart", "merchants_page": 2})
    second = second.content.decode()
    # then the first page lists 3 by name, the second the last, its link
    # keeping the query, in as many queries
    assert first.count('<tr id="lookup-merchant-') == 3
    assert 'id="merchants_page-next" href="?q=fresh+mart&amp;merchants_page=2"' in first
    assert second.count('<tr id="lookup-merchant-') == 1
    assert f'id="lookup-merchant-{shops[-1].public_id}"' in second
    assert len(second_queries) == len(first_queries)


def test_lookup_pages_a_persons_payments_as_its_other_lists(
    operator_client, shopper, monkeypatch
):
    # given a shopper with two payments, and lists of one a page
    monkeypatch.setattr("groupbuy.ops.lookup.LIST_PAGE_SIZE", 1)
    join_and_pay(make_deal(), shopper=shopper)
    join_and_pay(make_deal(), shopper=shopper)
    url = reverse("web:operator_lookup")
    # when the operator looks the shopper's number up
    page = operator_client.get(url, {"q": shopper.phone}).content.decode()
    # then the payments' Next link is named, labelled and keeps the query
    assert 'aria-label="Pages of payments"' in page
    assert 'id="payments_page-next" href="?q=%2B' in page
    second = operator_client.get(url, {"q": shopper.phone, "payments_page": 2})
    assert 'id="payments_page-previous"' in second.content.decode()


def test_lookup_of_a_shop_is_forbidden_to_others(shopper_client, owner_client):
    make_merchant(name="Fresh Mart")
    url = reverse("web:operator_lookup") + "?q=Fresh"
    assert shopper_client.get(url).status_code == 403
    assert owner_client.get(url).status_code == 403


def test_lookup_of_nothing_says_so(operator_client, db):
    response = operator_client.get(reverse("web:operator_lookup"), {"q": "ord_nope"})
    assert 'id="lookup-empty"' in response.content.decode()


def test_detail_pages_show_the_full_phone_and_are_audited(
    operator_client, order, operator
):
    # when
    pages = {
        "ops.lookup.user_viewed": ("web:operator_person", order.shopper.public_id),
        "ops.lookup.order_viewed": ("web:operator_order", order.public_id),
        "ops.lookup.payment_viewed": (
            "web:operator_payment",
            order.payment_intent.public_id,
        ),
    }
    for action, (name, public_id) in pages.items():
        response = operator_client.get(reverse(name, args=[public_id]))
        # then
        assert response.status_code == 200
        assert "+8613800138000" in response.content.decode()
        entry = AuditEntry.objects.get(action=action)
        assert (entry.actor, entry.object_id) == (operator, public_id)


def test_detail_of_an_unknown_number_is_404_and_not_audited(operator_client, db):
    response = operator_client.get(reverse("web:operator_order", args=["ord_nope"]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="ops.lookup").exists()


def test_new_merchant_for_a_member_makes_them_owner(operator_client, shopper):
    # when
    response = operator_client.post(
        reverse("web:operator_merchant_new"),
        {"name": "新店", "name_en": "New Shop", "owner_phone": "13800138000"},
    )
    # then
    assert response.status_code == 302
    merchant = Merchant.objects.get(name="新店")
    assert MerchantMembership.objects.get(merchant=merchant).user == shopper
    assert not MerchantOwnerInvitation.objects.exists()


def test_new_merchant_for_an_unknown_phone_invites_the_owner(operator_client, db):
    # when
    operator_client.post(
        reverse("web:operator_merchant_new"),
        {"name": "新店", "owner_phone": "13700001234"},
    )
    # then
    invitation = MerchantOwnerInvitation.objects.get()
    assert (invitation.merchant.name, invitation.phone) == ("新店", "+8613700001234")
    assert not MerchantMembership.objects.exists()


def test_new_merchant_with_a_bad_phone_writes_nothing(operator_client, db):
    response = operator_client.post(
        reverse("web:operator_merchant_new"), {"name": "新店", "owner_phone": "12"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["owner_phone"]
    assert not Merchant.objects.exists()


def test_dashboard_draws_the_daily_charts_from_the_stored_figures(operator_client):
    # given
    join_and_pay(make_deal())
    Snap.objects.create(status=Snap.Status.UNCONFIRMED)
    Snap.objects.create(status=Snap.Status.NOT_RECOGNISED)
    Snap.objects.create(status=Snap.Status.LABELLED)
    Snap.objects.create(
        status=Snap.Status.RECOGNISED,
        result={"chosen": "prd_right", "corrected_from": "prd_wrong"},
    )
    platform_daily_stats_refresh()
    # when
    response = operator_client.get(reverse("web:operator_home"))
    # then
    charts = response.context["charts"]
    assert len(charts) == 6
    orders = next(c for c in charts if c.series[0].label == "Orders")
    assert orders.series[0].values[-1] == 1
    gmv = next(c for c in charts if c.money)
    assert gmv.series[0].values[-1] == 9_900
    snaps = next(c for c in charts if c.title == "Snaps per day by answer")
    # at once, corrected, confirmed, waiting, not recognised (labelled or not)
    assert [series.values[-1] for series in snaps.series] == [0, 1, 0, 1, 2]
    assert response.content.decode().count('data-module="chart"') == 6


def test_operator_pages_read_in_chinese(db):
    # given an operator who reads Chinese
    operator = User.objects.create_user(
        "+8613900139555", "long-enough-pw", is_staff=True, preferred_language="zh-hans"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(operator)
    # when
    home = client.get(reverse("web:operator_home")).content.decode()
    found = client.get(reverse("web:operator_lookup"), {"q": "ord_none"})
    new = client.get(reverse("web:operator_merchant_new")).content.decode()
    # then
    assert "平台每日数据" in home and "每日团购数" in home and "查询" in home
    assert "没有找到“ord_none”。" in found.content.decode()
    assert "店主手机号" in new and "创建商户" in new


def _order_details(client, order) -> str:
    page = client.get(reverse("web:operator_order", args=[order.public_id]))
    html = page.content.decode()
    return html[html.index('id="order-details"') :]


def test_the_order_page_says_nothing_is_paid_on_an_unpaid_order(operator_client):
    # given an order of 2 × ¥9.90 whose shopper has not paid yet
    order = deal_join(actor=make_user(), deal=make_deal(), quantity=2)
    # when an operator opens it
    details = _order_details(operator_client, order)
    # then it gives the order's amount and that nothing was paid, where it
    # read the amount as "Amount paid"
    amount = format_fen(order.amount_fen)
    assert f'<dt>Order amount</dt><dd id="order-amount">{amount}</dd>' in details
    assert '<dt>Amount paid</dt><dd id="order-paid">¥0.00</dd>' in details


def test_the_order_page_gives_what_a_paid_order_brought_in(operator_client, order):
    # given a paid order
    # when an operator opens it
    details = _order_details(operator_client, order)
    # then what was paid is its amount
    amount = format_fen(order.amount_fen)
    assert f'<dt>Amount paid</dt><dd id="order-paid">{amount}</dd>' in details


def test_the_order_page_gives_the_part_a_demands_deposit_paid(operator_client):
    # given an order of 3 × ¥45.00 made from a demand, whose joiner's ¥15.00
    # deposit paid part of it, the rest not paid yet
    demand = demand_factories.make_published(target_unit_price_fen=5_000)
    joiner = demand_factories.join_and_pay(demand, quantity=3)
    offer = demand_factories.make_offer(demand, unit_price_fen=4_500)
    demand = demand_services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    # when an operator opens it
    details = _order_details(operator_client, order)
    # then the deposit is what was paid, of the order's ¥135.00
    assert '<dt>Order amount</dt><dd id="order-amount">¥135.00</dd>' in details
    assert '<dt>Amount paid</dt><dd id="order-paid">¥15.00</dd>' in details


def test_the_order_page_gives_what_a_team_place_paid(operator_client):
    # given a team place paid through the teams app (not a deals payment)
    member = team_open(actor=make_user(), team_deal=make_team_deal())
    pay_team_place(member)
    # when an operator opens its order
    details = _order_details(operator_client, member.order)
    # then it says the team price was paid
    price = format_fen(TEAM_PRICE)
    assert f'<dt>Amount paid</dt><dd id="order-paid">{price}</dd>' in details


def test_the_order_page_gives_the_shown_status_and_the_reasons_apart(
    operator_client,
):
    # It read "Refunded (Cancelled by the shopper)": the stored status with
    # the reason glued on, where the shopper's page says the order was
    # cancelled and its money refunded.
    # given a paid order its shopper cancelled, and one the shop refunded
    from groupbuy.deals.services import deal_order_cancel, deal_order_refund

    deal = make_deal()
    cancelled = join_and_pay(deal)
    deal_order_cancel(actor=cancelled.shopper, order=cancelled)
    refunded = join_and_pay(deal)
    deal_order_refund(
        actor=make_user(is_staff=True),
        deal=deal,
        order_id=refunded.public_id,
        reason="Damaged <b>box</b>",
    )
    # when an operator opens them
    first = _order_details(operator_client, cancelled)
    second = _order_details(operator_client, refunded)
    # then the status is the one the pages give, the stored one in data-status,
    # and why it ended on its own line
    assert (
        '<dd id="order-status" data-status="refunded">Cancelled, ¥99.00 refunded</dd>'
        in first
    )
    assert '<dd id="order-cancel-reason">Cancelled by the shopper</dd>' in first
    assert "Refunded (" not in first
    assert '<dd id="order-status" data-status="refunded">Refunded</dd>' in second
    assert '<dd id="order-refund-reason">Damaged &lt;b&gt;box&lt;/b&gt;</dd>' in second


def test_the_lookup_and_person_lists_give_the_shown_status(operator_client, shopper):
    # They read "Refunded" for a paid order its shopper cancelled, which its
    # page reads "Cancelled, ¥99.00 refunded".
    from groupbuy.deals.services import deal_order_cancel

    order = join_and_pay(make_deal(), shopper=shopper)
    deal_order_cancel(actor=shopper, order=order)
    cell = '<td data-label="Status" class="order-status" data-status="refunded">'
    for url in operator_pages(order)[:2]:
        html = operator_client.get(url).content.decode()
        assert f"{cell}Cancelled</td>" in html, url


def test_a_taken_name_is_refused_then_created_when_confirmed(operator_client, db):
    # given a shop of that name
    url = reverse("web:operator_merchant_new")
    form = {"name": "鲜邻超市", "owner_phone": "13700001234"}
    assert operator_client.post(url, form).status_code == 302
    existing = Merchant.objects.get()
    # when the form is sent again
    refused = operator_client.post(url, {**form, "name": " 鲜邻超市"})
    # then it is refused naming the shop, and offers to create it anyway
    assert refused.status_code == 200
    assert refused.context["form"].errors["name"] == [
        "A merchant named “鲜邻超市” already exists: open it rather than creating "
        "it again, or confirm that you want another shop with this name."
    ]
    html = refused.content.decode()
    # named as people know it, with a link to its console (until 2026-12-06
    # the message gave its internal number, mer_…)
    assert existing.public_id not in str(refused.context["form"].errors)
    assert f'<a href="/merchant/{existing.public_id}/">Open 鲜邻超市</a>' in html
    assert 'name="allow_same_name"' in html and "Create it anyway" in html
    assert Merchant.objects.count() == 1
    # and sent without the box ticked it is refused again; ticked, it is created
    unticked = operator_client.post(url, form)
    assert unticked.status_code == 200
    assert 'name="allow_same_name"' in unticked.content.decode()
    assert (
        operator_client.post(url, {**form, "allow_same_name": "on"}).status_code == 302
    )
    assert Merchant.objects.filter(name="鲜邻超市").count() == 2


def test_the_form_does_not_offer_a_same_name_before_a_refusal(operator_client):
    page = operator_client.get(reverse("web:operator_merchant_new"))
    assert 'name="allow_same_name"' not in page.content.decode()


def test_the_page_says_when_the_owner_already_runs_a_shop(operator_client, shopper):
    # given the shopper owns a shop
    shop = Merchant.objects.create(name="老店")
    MerchantMembership.objects.create(user=shopper, merchant=shop, role="owner")
    # when they are named owner of a new one
    answer = operator_client.post(
        reverse("web:operator_merchant_new"),
        {"name": "新店", "owner_phone": "13800138000"},
        follow=True,
    )
    # then
    new = Merchant.objects.get(name="新店")
    assert [str(m) for m in answer.context["messages"]] == [
        "新店 is ready; its owner can open the console now. They already own 老店 "
        f'too. <a href="/merchant/{new.public_id}/" id="merchant-new-console">'
        "Open 新店</a>"
    ]
    # and the link is a link on the page (the message was text only)
    assert (
        f'<a href="/merchant/{new.public_id}/" id="merchant-new-console">'
        in answer.content.decode()
    )


def test_a_merchant_owner_cannot_create_a_merchant(owner_client):
    answer = owner_client.post(
        reverse("web:operator_merchant_new"),
        {"name": "新店", "owner_phone": "13700001234", "allow_same_name": "on"},
    )
    assert answer.status_code == 403
    assert not Merchant.objects.filter(name="新店").exists()


def test_the_payment_page_names_refund_reasons_purpose_and_provider_in_words(
    operator_client, order, operator
):
    # given refunds for the reasons the apps store, and one a merchant typed
    from groupbuy.escrow.models import Refund

    operator.preferred_language = "en"
    operator.save(update_fields=["preferred_language"])
    intent = order.payment_intent
    reasons = ["coupon_refunded", "deal_stopped", "operator", "Box was crushed"]
    for number, reason in enumerate(reasons):
        Refund.objects.create(
            intent=intent, amount_fen=1, idempotency_key=f"k{number}", reason=reason
        )
    # when the operator opens the payment
    page = operator_client.get(
        reverse("web:operator_payment", args=[intent.public_id])
    ).content.decode()
    # then each reason, what it paid for and its provider read as words (it
    # showed "coupon_refunded", "deal_stopped", "operator", "deals.order" and
    # "sandbox"), and the merchant's own words as written
    for words in (
        "Unused coupon units refunded",
        "The group buy was stopped",
        "Refunded by the platform",
        "Box was crushed",
        "Group-buy order",
        "Sandbox (test payment)",
    ):
        assert words in page, words
    for code in ("coupon_refunded", "deal_stopped", "· operator<", "deals.order"):
        assert code not in page, code


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_the_onboarded_message_names_the_shop_as_the_operator_reads(
    operator_client, operator, shopper, language, shown, hidden
):
    # given an operator reading the language, and a shopper who owns a shop
    operator.preferred_language = language
    operator.save(update_fields=["preferred_language"])
    old = Merchant.objects.create(name="老店", name_en="Old Shop")
    MerchantMembership.objects.create(user=shopper, merchant=old, role="owner")
    # when the operator makes a shop with an English name, the shopper its owner
    answer = operator_client.post(
        reverse("web:operator_merchant_new"),
        {"name": "鲜果铺", "name_en": "Fresh Fruit", "owner_phone": "13800138000"},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    # then the message names both shops as the operator reads them
    [message] = [str(m) for m in answer.context["messages"]]
    assert message.count(shown) == 2
    assert hidden not in message
    assert ("Old Shop" in message) == (language == "en")


def test_a_found_shops_name_and_owners_are_one_block_each_on_a_phone(
    operator_client, db
):
    # On a phone a cell is its label and its content side by side
    # (.table-cards): the shop's two names were two columns, "鲜邻超市" cut
    # into "鲜邻超" and "市" at 320 px.
    import re

    # given a shop with a name in English too
    shop = make_merchant(name="鲜邻超市 Lookup")
    shop.name_en = "FreshNeighbour Market"
    shop.save(update_fields=["name_en"])
    # when the operator looks it up
    html = operator_client.get(
        reverse("web:operator_lookup"), {"q": "鲜邻超市"}
    ).content.decode()
    # then its name cell and its owners cell each hold one block
    row = re.search(rf'<tr id="lookup-merchant-{shop.public_id}">.*?</tr>', html, re.S)
    cells = re.findall(r"<td[^>]*data-label=[^>]*>(.*?)</td>", row.group(0), re.S)
    name, owners = cells[:2]
    for cell in (name, owners):
        assert cell.startswith("<div>") and cell.endswith("</div>"), cell
    assert "FreshNeighbour Market" in name
