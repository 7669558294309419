"""The demand pages: what each person sees and may do."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from groupbuy.accounts.services.users import merchant_membership_add
from groupbuy.catalog.models import Listing
from groupbuy.catalog.tests.factories import make_category, make_product
from groupbuy.core.audit import AuditEntry
from groupbuy.deals.services import deal_close
from groupbuy.deals.tests.factories import pass_deadline
from groupbuy.demands import services
from groupbuy.demands.models import Demand, Offer
from groupbuy.demands.tasks import demands_expire_task
from groupbuy.demands.tests.factories import (
    assert_ledger_sound,
    balance,
    join_and_pay,
    make_demand,
    make_offer,
    make_owner_merchant,
    make_published,
    make_user,
    pay_deposit,
    pay_intent,
)
from groupbuy.escrow.models import LedgerTransaction
from groupbuy.escrow.selectors import shopper_money_summary

pytestmark = pytest.mark.django_db


def test_the_list_and_a_published_page_are_public_with_a_deadline_element(client):
    demand = make_published(title="有机牛奶")
    listing = client.get("/demands/").content.decode()
    assert "有机牛奶" in listing
    assert f'data-deadline-ms="{demand.deadline_ms}"' in listing
    # (a deadline without an id of its own has no empty id attribute)
    assert 'id=""' not in listing
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert f'data-deadline-ms="{demand.deadline_ms}"' in page
    assert 'id="demand-deadline"' in page
    assert 'id="join-section"' in page


def test_a_draft_page_is_only_for_its_initiator(client):
    demand = make_demand()
    client.force_login(make_user())
    assert client.get(f"/demands/{demand.public_id}/").status_code == 404
    client.force_login(demand.initiator)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="pay-deposit"' in page
    assert 'id="publish-demand"' not in page


def test_the_initiator_publishes_from_the_page_once_the_deposit_is_held(client):
    demand = make_demand()
    pay_deposit(demand)
    client.force_login(demand.initiator)
    response = client.post(f"/demands/{demand.public_id}/publish/")
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.state == Demand.State.PUBLISHED


def test_creating_a_draft_from_the_page(client):
    client.force_login(make_user())
    deadline = timezone.localtime() + timedelta(days=2)
    response = client.post(
        "/demands/new/",
        {
            "title": "大米",
            "quantity_wanted": 5,
            "initiator_quantity": 1,
            "target_price": "39.90",
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    demand = Demand.objects.get()
    assert response.url == f"/demands/{demand.public_id}/"
    assert demand.target_unit_price_fen == 3_990


def test_the_deadline_fields_start_filled_in(client):
    # given
    demand = make_demand()
    client.force_login(demand.initiator)
    # when the initiator opens a new demand's form and their demand's page
    before = timezone.localtime() + timedelta(days=7)
    new = client.get("/demands/new/").content.decode()
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    after = timezone.localtime() + timedelta(days=7)
    # then the deadline starts a week ahead, and "move the deadline" at the
    # current one (both started as the browser's empty box)
    assert any(f'value="{week:%Y-%m-%d}T' in new for week in (before, after))
    current = timezone.localtime(demand.deadline_at).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{current}"' in page


@pytest.mark.parametrize(
    "barcode, filled",
    [("8413000065504", True), ("<b>1</b>", False), ("1234567", False)],
)
def test_a_barcode_in_the_link_fills_the_new_demand_form(client, barcode, filled):
    # given: snap's "Ask for this product" for a barcode the catalog lacks
    client.force_login(make_user(preferred_language="en"))
    # when
    page = client.get("/demands/new/", {"barcode": barcode})
    # then: a barcode fills title and details; anything else fills nothing
    html = page.content.decode()
    assert page.status_code == 200
    assert ('value="Product with barcode 8413000065504"' in html) is filled
    assert ("Barcode: 8413000065504" in html) is filled
    assert "&lt;b&gt;1" not in html


def test_joining_from_the_page_sends_the_buyer_to_the_pay_page(client):
    demand = make_published()
    client.force_login(make_user())
    response = client.post(f"/demands/{demand.public_id}/join/", {"quantity": 2})
    assert "/escrow/sandbox/pay/" in response.url


def test_the_page_says_how_many_units_are_left_and_refuses_more(client):
    # given 10 units wanted, the initiator's 2 held
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    client.force_login(make_user(preferred_language="en"))
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert "8 units are still wanted." in page
    assert 'max="8"' in page
    # when the buyer asks for 9
    response = client.post(
        f"/demands/{demand.public_id}/join/", {"quantity": 9}, follow=True
    )
    # then the page says how many are left, and they have not joined
    assert "Only 8 units are still wanted." in response.content.decode()
    assert demand.participations.count() == 1
    # and once every unit is taken the page takes no more joins
    join_and_pay(demand, quantity=8)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert "Every unit this demand wants is already taken." in page
    assert 'id="join-form"' not in page


def test_my_money_says_deposit_in_my_language_whatever_it_was_paid_in(client):
    # given a buyer who joined while the site spoke Chinese to them
    demand = make_published(title="五常大米")
    buyer = make_user(preferred_language="en")
    with translation.override("zh-hans"):
        join_and_pay(demand, buyer, quantity=1)
    stored = set(LedgerTransaction.objects.values_list("memo", flat=True))
    assert "定金：五常大米" in stored
    # when they read My money in English
    client.force_login(buyer)
    page = client.get("/money/").content.decode()
    # then the deposit's lines say so in English; the record is unchanged
    assert "Deposit: 五常大米" in page
    assert "定金" not in page
    assert "定金：五常大米" in set(
        LedgerTransaction.objects.values_list("memo", flat=True)
    )


def test_a_stranger_cannot_accept_or_cancel_from_the_page(client):
    demand = make_published()
    offer = make_offer(demand)
    client.force_login(make_user())
    assert client.post(f"/demands/offers/{offer.public_id}/accept/").status_code == 403
    assert client.post(f"/demands/{demand.public_id}/cancel/").status_code == 403
    demand.refresh_from_db()
    offer.refresh_from_db()
    assert (demand.state, offer.state) == ("published", "active")


def test_participants_see_every_offer_side_by_side(client):
    demand = make_published()
    joiner = join_and_pay(demand)
    offers = [make_offer(demand, unit_price_fen=price) for price in (4_500, 4_700)]
    client.force_login(joiner.shopper)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert page.count('class="offer-row"') == 2
    # What each merchant offers to send, not only at what price.
    for offer in offers:
        cell = f'<td class="offer-product" data-label="商品">{offer.product.name}</td>'
        assert cell in page
    client.force_login(make_user())
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'class="offer-row"' not in page


def test_merchant_pages_are_for_that_merchants_staff(client):
    demand = make_published(title="有机牛奶")
    merchant, owner = make_owner_merchant()
    _other, other_owner = make_owner_merchant("Other")
    search = f"/demands/merchant/{merchant.public_id}/search/"
    offer = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(other_owner)
    assert client.get(search).status_code == 403
    assert client.get(offer).status_code == 403
    client.force_login(owner)
    page = client.get(search + "?q=牛奶").content.decode()
    assert demand.public_id in page
    assert client.get(search + "?q=milk*").status_code == 200
    client.post(search + "?q=牛奶")
    assert merchant.demand_searches.count() == 1
    assert client.get(offer).status_code == 200
    assert Offer.objects.count() == 0


def test_the_offer_form_makes_the_merchant_choose_the_product(client):
    demand = make_published(title="大米", quantity_wanted=30)
    merchant, owner = make_owner_merchant()
    rice, lollipop = make_product(name_zh="大米 5kg"), make_product(name_zh="棒棒糖")
    for product in (rice, lollipop):
        Listing.objects.create(merchant=merchant, product=product, price_fen=5_000)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(owner)
    # no product is chosen for them, and the units start at what is wanted
    page = client.get(url).content.decode()
    assert '<option value="" selected>' in page
    assert 'name="quantity" value="30"' in page
    sent = {"quantity": 30, "unit_price": "42.50", "delivery_on": "2030-01-02"}
    refused = client.post(url, sent)
    assert "请选择您要供应的商品" in refused.content.decode()
    assert not Offer.objects.exists()
    client.post(url, {**sent, "product": rice.public_id})
    # and revising starts from the offer sent
    page = client.get(url).content.decode()
    assert f'<option value="{rice.public_id}" selected>' in page
    assert 'name="unit_price" value="42.50"' in page


def test_the_periodic_job_expires_due_demands():
    demand = make_published()
    Demand.objects.filter(pk=demand.pk).update(
        deadline_at=timezone.now() - timedelta(seconds=1)
    )
    assert demands_expire_task.call_local() == 1
    demand.refresh_from_db()
    assert demand.state == Demand.State.EXPIRED


def test_operators_see_demands_in_the_admin_read_only(client):
    demand = make_published()
    operator = make_user(is_staff=True, is_superuser=True)
    client.force_login(operator)
    page = client.get(f"/admin/demands/demand/{demand.pk}/change/")
    assert page.status_code == 200
    assert client.get("/admin/demands/demand/add/").status_code == 403


def test_a_paid_deposit_waiting_for_its_confirmation_is_not_offered_again(client):
    # The sandbox and the providers send the shopper back at once; the callback
    # that holds the deposit follows from a job. Until it lands the page says the
    # deposit is being confirmed (and fetches itself again) instead of "Pay".
    demand = make_demand()
    client.force_login(demand.initiator)
    client.post(f"/demands/{demand.public_id}/deposit/")
    participation = demand.participations.get()
    intent = participation.intent
    type(intent).objects.filter(pk=intent.pk).update(submitted_at=timezone.now())
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="deposit-confirming"' in page
    assert 'id="pay-deposit"' not in page
    assert "定金尚未支付" not in page  # its status does not say "not paid" beside it
    assert 'hx-trigger="every 2s"' in page
    pay_intent(intent)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="deposit-confirming"' not in page
    assert 'hx-trigger="every 2s"' not in page
    assert 'id="publish-demand"' in page


def _withdraw_url(merchant, offer) -> str:
    return f"/demands/merchant/{merchant.public_id}/offers/{offer.public_id}/withdraw/"


def test_the_owner_withdraws_an_open_offer_from_its_page(client):
    # given an open offer on a published demand
    demand = make_published()
    merchant, owner = make_owner_merchant()
    offer = make_offer(demand, merchant=merchant, owner=owner)
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    page_url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    withdraw = _withdraw_url(merchant, offer)
    assert f'action="{withdraw}"' in client.get(page_url).content.decode()
    # when they withdraw it, twice (a double tap)
    for _ in range(2):
        response = client.post(withdraw, follow=True)
        assert "Offer withdrawn." in response.content.decode()
    # then it is withdrawn, once, and the page offers a new one instead
    offer.refresh_from_db()
    assert offer.state == Offer.State.WITHDRAWN
    assert AuditEntry.objects.filter(action="demands.offer.withdrawn").count() == 1
    assert f'action="{withdraw}"' not in client.get(page_url).content.decode()


def test_only_the_offers_own_merchants_owner_withdraws_it(client):
    demand = make_published()
    merchant, owner = make_owner_merchant()
    offer = make_offer(demand, merchant=merchant, owner=owner)
    other, other_owner = make_owner_merchant("Other")
    own_url = _withdraw_url(merchant, offer)
    # another merchant's owner, through their own console or the offer's
    client.force_login(other_owner)
    other_url = _withdraw_url(other, offer)
    assert client.post(other_url).status_code == 404
    assert client.post(own_url).status_code == 403
    # a shopper, and someone signed out
    client.force_login(make_user())
    assert client.post(own_url).status_code == 403
    client.logout()
    assert client.post(own_url).status_code == 302  # to sign in
    offer.refresh_from_db()
    assert offer.state == Offer.State.ACTIVE


def test_an_offer_price_typed_full_width_is_read_as_yuan(client):
    # given a merchant's offer page, typed with a Chinese input method
    demand = make_published()
    merchant, owner = make_owner_merchant()
    rice = make_product(name_zh="大米 5kg")
    Listing.objects.create(merchant=merchant, product=rice, price_fen=5_000)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(owner)
    # when the unit price is sent full width ("１２．００")
    answer = client.post(
        url,
        {
            "product": rice.public_id,
            "quantity": "２０",
            "unit_price": "１２．００",
            "delivery_on": "2030-01-02",
        },
    )
    # then the offer is sent at ¥12.00 a unit
    assert answer.status_code == 302
    assert Offer.objects.get().unit_price_fen == 1_200


def test_a_price_with_three_decimals_is_refused_as_on_the_deal_forms(client):
    # given a merchant's offer page and a shopper's new demand page, in Chinese
    demand = make_published()
    merchant, owner = make_owner_merchant()
    rice = make_product(name_zh="大米 5kg")
    Listing.objects.create(merchant=merchant, product=rice, price_fen=5_000)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    offer = {"product": rice.public_id, "quantity": 20, "delivery_on": "2030-01-02"}
    deadline = timezone.localtime() + timedelta(days=2)
    wanted = {
        "title": "大米",
        "quantity_wanted": 5,
        "initiator_quantity": 1,
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
    }
    # when each is sent with a price to the tenth of a fen
    client.force_login(owner)
    offered = client.post(
        url, {**offer, "unit_price": "42.505"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    client.force_login(make_user())
    asked = client.post(
        "/demands/new/",
        {**wanted, "target_price": "39.901"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    # then both say it in the deal forms' words (web.forms.YuanField)
    assert offered.context["form"].errors["unit_price"] == ["最多保留两位小数（分）。"]
    assert asked.context["form"].errors["target_price"] == ["最多保留两位小数（分）。"]
    assert not Offer.objects.exists()
    assert Demand.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"target_price": "99999999999"},
            "target_price",
            "Enter a price from ¥0.01 to ¥1,000,000.00.",
        ),
        (
            {"quantity_wanted": 10, "initiator_quantity": 11},
            "initiator_quantity",
            "Your own units can be at most the units wanted in all (10).",
        ),
        (
            {"deadline_in": timedelta(days=61)},
            "deadline",
            "The deadline can be at most 60 days ahead.",
        ),
        (
            {"deadline_in": timedelta(hours=-1)},
            "deadline",
            "The deadline must be more than 5 minutes from now.",
        ),
    ],
)
def test_a_refused_draft_says_why_on_the_field_at_fault(client, change, field, message):
    # given a draft the form takes but the service refuses
    client.force_login(make_user(preferred_language="en"))
    deadline = timezone.localtime() + change.pop("deadline_in", timedelta(days=2))
    sent = {
        "title": "大米",
        "quantity_wanted": 5,
        "initiator_quantity": 1,
        "target_price": "39.90",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        **change,
    }
    # when it is sent
    response = client.post("/demands/new/", sent)
    # then the field at fault says why (a price's limits in yuan), nothing on top
    form = response.context["form"]
    assert form.errors == {field: [message]}
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Demand.objects.exists()


def test_the_category_choices_start_with_words_not_dashes(client):
    # given a merchant's search page and a shopper's new demand page
    merchant, owner = make_owner_merchant()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    search = client.get(f"/demands/merchant/{merchant.public_id}/search/")
    client.force_login(make_user(preferred_language="en"))
    new = client.get("/demands/new/")
    # then the empty choice says what it means: a filter on no category, and a
    # demand whose category is still to choose
    search, new = search.content.decode(), new.content.decode()
    assert '<option value="" selected>Any category</option>' in search
    assert '<option value="" selected>Choose a category</option>' in new
    assert "---------" not in new + search


def test_an_offer_above_the_everyday_price_is_refused_on_the_price_field(client):
    # given a shop selling a latte for 8.00 every day, on its offer page
    demand = make_published()
    merchant, owner = make_owner_merchant()
    latte = make_product(name_zh="拿铁咖啡饮料", name_en="Latte Coffee Drink")
    Listing.objects.create(merchant=merchant, product=latte, price_fen=800)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(owner)
    sent = {"product": latte.public_id, "quantity": 20, "delivery_on": "2030-01-02"}
    # when it sends 75.00, then the form says why on the price and nothing is sent
    refused = client.post(url, {**sent, "unit_price": "75.00"})
    assert refused.status_code == 200
    assert "¥8.00" in str(refused.context["form"].errors["unit_price"])
    assert "__all__" not in refused.context["form"].errors
    assert not Offer.objects.exists()
    # when it sends 7.50, the initiator accepts it from the demand page
    assert client.post(url, {**sent, "unit_price": "7.50"}).status_code == 302
    offer = Offer.objects.get()
    client.force_login(demand.initiator)
    accepted = client.post(f"/demands/offers/{offer.public_id}/accept/")
    demand.refresh_from_db()
    assert demand.state == Demand.State.ACCEPTED
    assert accepted["Location"] == f"/deals/{demand.deal.public_id}/"


def _amount(page: str, element_id: str) -> str | None:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    return found.group(1) if found else None


def test_the_order_a_larger_deposit_paid_says_what_was_paid_charged_and_refunded(
    client, django_capture_on_commit_callbacks
):
    # given a joiner whose 24.00 deposit (3 units) pays an order of 3 × 7.50
    demand = make_published(target_unit_price_fen=8_000)
    joiner = join_and_pay(demand, quantity=3)
    assert joiner.deposit_fen == 2_400
    offer = make_offer(demand, unit_price_fen=750)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the order page: 24.00 is what they paid and what is held
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert _amount(page, "order-amount") == "¥24.00"
    assert "¥24.00 由平台担保托管" in page
    # (not 7.50 a unit: the deposit was not paid per unit)
    assert _amount(page, "order-unit-amount") is None
    # when the group buy closes: paid 24.00 = charged 22.50 + refunded 1.50
    pass_deadline(demand.deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=demand.deal)
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert [
        _amount(page, name)
        for name in ("order-amount", "order-charged", "order-refunded-amount")
    ] == ["¥24.00", "¥22.50", "¥1.50"]


def test_an_order_a_smaller_deposit_paid_in_part_asks_for_the_rest(client):
    # given a joiner whose 15.00 deposit went to an order of 3 × 45.00
    demand = make_published(target_unit_price_fen=5_000)
    joiner = join_and_pay(demand, quantity=3)
    demand = services.offer_accept(
        actor=demand.initiator, offer=make_offer(demand, unit_price_fen=4_500)
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the order page, then it asks for the 120.00 the payment takes
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert [
        _amount(page, name)
        for name in ("order-unit-amount", "order-amount", "order-paid-so-far")
    ] == ["¥45.00", "¥135.00", "¥15.00"]
    assert _amount(page, "order-to-pay") == "¥120.00"
    assert order.payment_intent.amount_fen == 12_000
    assert "支付 ¥120.00" in page
    assert "支付 ¥135.00" not in page


def _accepted_with_joiner(*, target_unit_price_fen, unit_price_fen):
    """A demand whose offer is accepted, with a joiner of 3 units (who reads
    English)."""
    demand = make_published(target_unit_price_fen=target_unit_price_fen)
    joiner = join_and_pay(demand, make_user(preferred_language="en"), quantity=3)
    offer = make_offer(demand, unit_price_fen=unit_price_fen)
    return services.offer_accept(actor=demand.initiator, offer=offer), joiner


def test_after_acceptance_the_page_says_what_happened_and_asks_nothing_paid(
    client, django_capture_on_commit_callbacks
):
    # given a joiner whose 24.00 deposit paid their order of 3 × 7.50
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=8_000, unit_price_fen=750
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the demand page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then it names the offer accepted, the deal and their order with its figures
    outcome = page[page.index('id="demand-outcome"') :]
    assert "Dairy Co" in outcome and "¥7.50" in outcome
    assert f'href="/deals/{demand.deal.public_id}/" id="demand-deal-link"' in page
    assert f'href="/orders/{order.public_id}/" id="demand-order-link"' in page
    assert _amount(page, "order-amount") == "¥24.00"
    # and asks for no payment; the deadline no longer counts down
    assert 'id="pay-rest"' not in page
    assert "pay the rest" not in page.lower()
    assert 'data-module="countdown"' not in page
    # while the group buy is open they may still leave it, saying what it does
    leave = re.search(r'id="withdraw-demand">([^<]*)<', page)
    assert leave.group(1) == "Leave and cancel my order"
    # when the group buy closes, then their order is confirmed and leaving is gone
    pass_deadline(demand.deal)
    with django_capture_on_commit_callbacks(execute=True):
        deal_close(deal=demand.deal)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="withdraw-demand"' not in page
    assert [
        _amount(page, name)
        for name in ("order-amount", "order-charged", "order-refunded-amount")
    ] == ["¥24.00", "¥22.50", "¥1.50"]


def test_after_acceptance_the_page_asks_for_the_rest_when_some_is_owed(client):
    # given a joiner whose 15.00 deposit went to an order of 3 × 45.00
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the demand page, then it asks for the 120.00 left, to pay now
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    pay = re.search(r'href="([^"]+)" id="pay-rest">([^<]*)<', page)
    assert pay.group(1) == f"/escrow/sandbox/pay/{order.payment_intent.public_id}/"
    assert "¥120.00" in pay.group(2)
    # and a stranger sees what happened, without an order or a way to leave
    client.force_login(make_user())
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="demand-outcome"' in page
    assert 'id="demand-order-link"' not in page
    assert 'id="withdraw-demand"' not in page


def _text(page: str, element_id: str) -> str | None:
    found = re.search(rf'id="{element_id}">([^<]*)<', page)
    return found.group(1) if found else None


def test_cancelling_the_order_on_its_page_is_leaving_under_the_rule(client):
    # given a joiner whose 15.00 deposit went to their order (the merchant rule)
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    merchant = demand.accepted_offer.merchant
    client.force_login(joiner.shopper)
    cancel = f"/orders/{order.public_id}/cancel/"
    # when they open the order's cancel page, then it says what leaving costs
    page = client.get(cancel).content.decode()
    terms = _text(page, "order-cancel-terms")
    assert "demand “有机牛奶 Organic milk”" in terms
    assert "your deposit of ¥15.00 goes to the merchant" in terms
    assert _text(page, "order-cancel-refund") == (
        "You get nothing back, and you leave the group buy."
    )
    assert "back in full" not in page
    # when they confirm
    response = client.post(cancel)
    # then the order is cancelled and the deposit paid to the merchant
    assert response.status_code == 302
    order.refresh_from_db()
    joiner.refresh_from_db()
    assert (order.status, order.refunded_fen) == ("cancelled", 0)
    assert joiner.status == "forfeited"
    assert balance("merchant_payable", merchant=merchant) == 1_500
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert_ledger_sound()
    # when they post again (a double tap), then it lands on the order page as
    # the first did (until 2026-12-06 an error page), and nothing changes
    postings = LedgerTransaction.objects.count()
    again = client.post(cancel)
    order_page = f"/orders/{order.public_id}/"
    assert (again.status_code, again["Location"]) == (302, order_page)
    assert LedgerTransaction.objects.count() == postings
    # and the cancel page, opened again, says it is over
    assert 'id="order-not-cancellable"' in client.get(cancel).content.decode()
    assert balance("merchant_payable", merchant=merchant) == 1_500
    # and the demand page no longer offers to leave
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert 'id="withdraw-demand"' not in page


def test_leaving_an_accepted_demand_asks_first_on_the_order_cancel_page(client):
    # given a joiner whose 15.00 deposit went to their order (the merchant rule)
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the demand page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then Leave and cancel my order opens the order's cancel page (until
    # 2026-12-07 it was a button that left at once, the deposit forfeited)
    leave = re.search(r'<(\w+)[^>]*href="([^"]*)"[^>]*id="withdraw-demand">', page)
    assert leave.groups() == ("a", f"/orders/{order.public_id}/cancel/")
    assert f'action="/demands/{demand.public_id}/withdraw/"' not in page
    # which says what leaving costs before anything is done
    cancel_page = client.get(leave.group(2)).content.decode()
    terms = _text(cancel_page, "order-cancel-terms")
    assert "your deposit of ¥15.00 goes to the merchant" in terms
    status = order.status
    joiner.refresh_from_db()
    order.refresh_from_db()
    assert (joiner.status, order.status) == ("applied", status)


def test_cancelling_a_demand_asks_once_more_and_says_what_it_does(client):
    # given the initiator of a published demand, reading English
    demand = make_published()
    demand.initiator.preferred_language = "en"
    demand.initiator.save(update_fields=["preferred_language"])
    client.force_login(demand.initiator)
    # when they open its page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then the cancel button is behind a "Cancel the demand…" that opens a
    # warning (until 2026-12-07 the first tap cancelled it for everyone)
    confirm = page[page.index('<details class="confirm" id="cancel-demand-confirm">') :]
    confirm = confirm[: confirm.index("</details>")]
    texts = dict(re.findall(r'id="(cancel-demand[-a-z]*)">([^<]+)<', confirm))
    del texts["cancel-demand-confirm"]
    assert texts == {
        "cancel-demand-ask": "Cancel the demand…",
        "cancel-demand-warning": "Every deposit is refunded, yours too, and everyone"
        " who joined is told. A cancelled demand cannot be opened again.",
        "cancel-demand": "Yes, cancel the demand",
    }
    assert page.count('id="cancel-demand"') == 1
    # and opening the page changed nothing
    demand.refresh_from_db()
    assert demand.state == "published"


def test_the_cancel_page_says_the_deposit_comes_back_under_the_refund_rule(
    client, settings
):
    # given a demand made under the "refund" rule, accepted with a joiner in it
    settings.GROUPBUY_DEMAND_FORFEIT_RULE = "refund"
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they open the cancel page, then it says the 15.00 comes back
    page = client.get(f"/orders/{order.public_id}/cancel/").content.decode()
    assert "your deposit of ¥15.00 is refunded" in _text(page, "order-cancel-terms")
    assert _text(page, "order-cancel-refund") == (
        "You get ¥15.00 back, and you leave the group buy."
    )
    # when they confirm, then it does
    client.post(f"/orders/{order.public_id}/cancel/")
    assert shopper_money_summary(user=joiner.shopper).refunded_fen == 1_500
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert_ledger_sound()


def test_the_initiator_may_leave_an_accepted_demand_from_its_page(client):
    # given the initiator of an accepted demand, their deposit in an order
    demand, _joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    client.force_login(demand.initiator)
    # when they open the demand page, then they may leave as anyone may
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert _text(page, "withdraw-demand") is not None
    # when they leave, then their 10.00 deposit goes to the merchant
    client.post(f"/demands/{demand.public_id}/withdraw/")
    order = demand.deal.orders.get(shopper=demand.initiator)
    assert order.status == "cancelled"
    merchant = demand.accepted_offer.merchant
    assert balance("merchant_payable", merchant=merchant) == 1_000
    assert_ledger_sound()


def test_a_merchant_refund_from_its_page_gives_the_deposit_back(client):
    # given a joiner who paid the 120.00 rest on top of their 15.00 deposit
    demand, joiner = _accepted_with_joiner(
        target_unit_price_fen=5_000, unit_price_fen=4_500
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    pay_intent(order.payment_intent)
    merchant = demand.accepted_offer.merchant
    client.force_login(merchant.memberships.get().user)
    # when the owner refunds the order from the merchant's deal page
    response = client.post(
        f"/merchant/{merchant.public_id}/deals/{demand.deal.public_id}"
        f"/orders/{order.public_id}/refund/",
        {"reason": "Out of stock"},
    )
    # then all 135.00 goes back to the joiner, nothing to the merchant
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == ("refunded", 13_500)
    assert balance("merchant_payable", merchant=merchant) == 0
    assert balance("shopper_held", user=joiner.shopper) == 0
    assert shopper_money_summary(user=joiner.shopper).refunded_fen == 13_500
    assert_ledger_sound()


def test_accepting_says_whether_anything_is_left_to_pay(client):
    # given an initiator whose 16.00 deposit covers their 2 × 7.50
    demand = make_published(
        initiator=make_user(preferred_language="en"), target_unit_price_fen=8_000
    )
    offer = make_offer(demand, unit_price_fen=750)
    client.force_login(demand.initiator)
    # when they accept from the page, then they are not told to pay
    response = client.post(f"/demands/offers/{offer.public_id}/accept/", follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["Offer accepted: your deposit paid your order."]


def test_the_offer_page_shows_the_open_offer_and_that_sending_replaces_it(client):
    # given a merchant owner (reading English) on a demand's offer page
    demand = make_published()
    merchant, owner = make_owner_merchant()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    latte = make_product(name_zh="拿铁", name_en="Latte Coffee Drink")
    Listing.objects.create(merchant=merchant, product=latte, price_fen=8_000)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(owner)
    page = client.get(url).content.decode()
    assert re.search(r'id="send-offer">([^<]*)<', page).group(1) == "Send the offer"
    assert 'id="offer-replaces"' not in page
    # when it sends an offer at 75.00
    sent = {"product": latte.public_id, "quantity": 20, "delivery_on": "2030-01-02"}
    response = client.post(url, {**sent, "unit_price": "75.00"}, follow=True)
    # then the page shows it (product, price, delivery, when) and the button
    # says that sending again replaces it
    page = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == ["Offer sent."]
    offer = Offer.objects.get()
    card = page[page.index(f'id="offer-{offer.public_id}"') :]
    card = card[: card.index("</div>")]
    sent_at = timezone.localtime(offer.updated_at).strftime("%Y-%m-%d %H:%M")
    for shown in ("Latte Coffee Drink", "¥75.00", "2030-01-02", f"sent {sent_at}"):
        assert shown in card
    assert re.search(r'id="send-offer">([^<]*)<', page).group(1) == "Replace the offer"
    assert "¥75.00" in page[page.index('id="offer-replaces"') :]
    # when it sends 7.50, then it is told the offer was replaced, and sees 7.50
    response = client.post(url, {**sent, "unit_price": "7.50"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Offer replaced: the buyers see only the new one."
    ]
    page = response.content.decode()
    assert page.count('class="card row my-offer"') == 1
    assert '<span class="my-offer-price">¥7.50</span>' in page


def test_the_offers_part_is_fetched_alone_for_whoever_may_see_it(client):
    # given a published demand with a joiner and two merchants' offers
    demand = make_published()
    joiner = join_and_pay(demand)
    merchant, owner = make_owner_merchant()
    own = make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=4_700)
    make_offer(demand, unit_price_fen=4_500)
    url = f"/demands/{demand.public_id}/offers/"
    # when the joiner fetches it, then it holds both, stamped with the last change
    client.force_login(joiner.shopper)
    part = client.get(url).content.decode()
    latest = max(o.updated_at for o in demand.offers.all())
    stamp = round(latest.timestamp() * 1000)
    assert part.lstrip().startswith(
        f'<div id="demand-offers-live" data-offers-changed-ms="{stamp}"'
    )
    assert part.count('class="offer-row"') == 2
    # a merchant sees only its own, a stranger none
    client.force_login(owner)
    part = client.get(url).content.decode()
    assert part.count('class="offer-row"') == 1
    assert own.public_id in part
    client.force_login(make_user())
    assert 'class="offer-row"' not in client.get(url).content.decode()
    # and a draft's is not found for anyone but its initiator
    draft = make_demand()
    assert client.get(f"/demands/{draft.public_id}/offers/").status_code == 404


def _pill(page: str) -> tuple[str, str] | None:
    found = re.search(r'id="order-state" data-status="([^"]*)">([^<]*)<', page)
    return found.groups() if found else None


def _text(page: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">(.*?)</p>', page, re.S)
    return " ".join(found.group(1).split()) if found else ""


def test_an_order_whose_whole_deposit_was_kept_says_so_not_refunded(client):
    # given a joiner whose 24.00 deposit paid their whole order of 3 × 7.50,
    # under the "merchant" rule
    demand = make_published(target_unit_price_fen=8_000)
    joiner = join_and_pay(demand, make_user(preferred_language="en"), quantity=3)
    offer = make_offer(demand, unit_price_fen=750)
    demand = services.offer_accept(actor=demand.initiator, offer=offer)
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they cancel it (leaving the demand): the merchant keeps the deposit
    client.post(f"/orders/{order.public_id}/cancel/")
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == ("refunded", 0)
    # then the order page says the deposit was kept, how much and by whom,
    # and nothing reads as a refund
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert _pill(page) == ("refunded", "Cancelled, deposit kept")
    merchant = offer.merchant.display_name
    assert _text(page, "order-deposit-kept") == (
        "You cancelled this order, which was leaving the buyer demand it came "
        "from: by the demand's rule, shown before you paid, ¥24.00 of your "
        f"deposit went to {merchant}. Nothing is refunded."
    )
    assert _amount(page, "order-kept-amount") == "¥24.00"
    assert "Deposit kept by the merchant" in page
    assert _amount(page, "order-refunded-amount") is None
    assert "is refunded to you" not in page
    # and so does the list of their orders
    listing = client.get("/orders/").content.decode()
    assert '<span class="pill bad">Cancelled, deposit kept</span>' in listing


def test_an_unpaid_order_whose_deposit_the_platform_kept_says_so(client):
    # given a joiner whose 15.00 deposit went to an order of 3 × 45.00, 120.00
    # unpaid, under the "platform" rule
    with override_settings(GROUPBUY_DEMAND_FORFEIT_RULE="platform"):
        demand = make_published(target_unit_price_fen=5_000)
    joiner = join_and_pay(demand, make_user(preferred_language="en"), quantity=3)
    demand = services.offer_accept(
        actor=demand.initiator, offer=make_offer(demand, unit_price_fen=4_500)
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    client.force_login(joiner.shopper)
    # when they leave the demand
    client.post(f"/demands/{demand.public_id}/withdraw/")
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == ("cancelled", 0)
    # then the order page says the platform kept the deposit, not "nothing was
    # charged"
    page = client.get(f"/orders/{order.public_id}/").content.decode()
    assert _pill(page) == ("cancelled", "Cancelled, deposit kept")
    assert _text(page, "order-deposit-kept") == (
        "You cancelled this order, which was leaving the buyer demand it came "
        "from: by the demand's rule, shown before you paid, the platform kept "
        "¥15.00 of your deposit. Nothing is refunded."
    )
    assert _amount(page, "order-kept-amount") == "¥15.00"
    assert "Deposit kept by the platform" in page
    assert "nothing was charged" not in page


def test_an_offer_from_a_shop_with_no_open_branch_is_refused_on_the_page(client):
    # given a shop that sells milk and whose only branch is closed, on its offer page
    demand = make_published()
    merchant, owner = make_owner_merchant()
    milk = make_product(name_zh="牛奶", name_en="Milk")
    Listing.objects.create(merchant=merchant, product=milk, price_fen=900)
    merchant.branches.update(is_active=False)
    url = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    client.force_login(owner)
    sent = {
        "product": milk.public_id,
        "quantity": 20,
        "unit_price": "7.50",
        "delivery_on": "2030-01-02",
    }
    # when it sends an offer (its owner reads the site in Chinese)
    refused = client.post(url, sent)
    # then the form says so once, in the deals' words and their translation
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "__all__": ["此商户没有可供买家自提的营业门店：请先添加一个门店。"]
    }
    # and in English for an owner who reads English; nothing is sent
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    in_english = client.post(url, sent)
    assert in_english.context["form"].errors["__all__"] == [
        "This shop has no open branch for buyers to collect from: add one first."
    ]
    assert not Offer.objects.exists()


def test_a_late_deposit_refunded_for_units_taken_says_so_and_spins_no_more(
    client, settings
):
    # given a join of 8 past its payment window whose units another buyer
    # took, its buyer paying anyway on the provider's page
    settings.GROUPBUY_PAYMENT_WINDOW_MINUTES = 15
    demand = make_published(quantity_wanted=10, initiator_quantity=2)
    late = make_user(preferred_language="en")
    participation, stale = services.demand_join(actor=late, demand=demand, quantity=8)
    participation.__class__.objects.filter(pk=participation.pk).update(
        updated_at=timezone.now() - timedelta(minutes=16)
    )
    join_and_pay(demand, quantity=8)
    pay_intent(stale)
    client.force_login(late)
    # when they open the demand page
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    # then it says the deposit came back, not that it is being confirmed
    assert (
        '<p id="deposit-refused">Your deposit reached us after the units you joined '
        "for were taken, so all of it, ¥40.00, is refunded to you. You can pay "
        "again once enough units are free.</p>"
    ) in page
    assert 'id="deposit-confirming"' not in page
    assert 'hx-trigger="every 2s"' not in page
    # and paying again is refused on the page with the reason
    answer = client.post(f"/demands/{demand.public_id}/deposit/", follow=True)
    assert "The units you joined for were taken while your deposit was unpaid" in (
        answer.content.decode()
    )


def test_the_shops_order_list_and_csv_say_what_a_deposit_paid_in_part_brought_in(
    client,
):
    # given a joiner whose 15.00 deposit went to an order of 3 × 45.00, the
    # rest never paid
    demand = make_published(target_unit_price_fen=5_000)
    joiner = join_and_pay(demand, quantity=3)
    merchant, owner = make_owner_merchant()
    demand = services.offer_accept(
        actor=demand.initiator,
        offer=make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=4_500),
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    assert (order.status, order.amount_fen) == ("pending_payment", 13_500)
    client.force_login(owner)
    # when the shop opens its order list and downloads its CSV
    page = client.get(f"/merchant/{merchant.public_id}/orders/").content.decode()
    row = page[page.index(f'id="merchant-order-{order.public_id}"') :]
    row = row[: row.index("</tr>")]
    csv = client.get(f"/merchant/{merchant.public_id}/orders/export.csv")
    lines = b"".join(csv).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    (cells,) = [
        dict(zip(header, line.split(","), strict=True))
        for line in lines[1:]
        if line.startswith(order.public_id)
    ]
    # then both say the 15.00 paid, not the order's 135.00
    assert "¥15.00" in row and "¥135.00" not in row
    assert cells["paid_yuan"] == "15.00"


def test_the_shops_orders_api_says_what_a_deposit_paid_in_part_brought_in(client):
    from groupbuy.accounts.services import api_token_create

    # given a joiner whose 15.00 deposit went to an order of 3 × 45.00, the
    # rest not paid yet
    demand = make_published(target_unit_price_fen=5_000)
    joiner = join_and_pay(demand, quantity=3)
    merchant, owner = make_owner_merchant()
    demand = services.offer_accept(
        actor=demand.initiator,
        offer=make_offer(demand, merchant=merchant, owner=owner, unit_price_fen=4_500),
    )
    order = demand.deal.orders.get(shopper=joiner.shopper)
    _token, secret = api_token_create(actor=owner)
    headers = {"Authorization": f"Bearer {secret}"}
    urls = (
        f"/api/deals/merchants/{merchant.public_id}/orders",
        f"/api/deals/{demand.deal.public_id}/orders",
    )
    # when the shop lists its orders through the API, both lists
    for url in urls:
        items = client.get(url, headers=headers).json()["items"]
        (item,) = [item for item in items if item["id"] == order.public_id]
        # then each says the 15.00 paid beside the order's 135.00
        assert (item["id"], item["amount_fen"], item["paid_fen"]) == (
            order.public_id,
            13_500,
            1_500,
        )
    # and once the rest is paid and the shop refunds the order, its answer says
    # everything paid, deposit and rest, and that all of it was refunded
    pay_intent(order.payment_intent)
    refunded = client.post(
        f"/api/deals/{demand.deal.public_id}/orders/{order.public_id}/refund",
        {"reason": "Out of stock"},
        content_type="application/json",
        headers=headers,
    ).json()
    assert (refunded["status"], refunded["paid_fen"], refunded["refunded_fen"]) == (
        "refunded",
        13_500,
        13_500,
    )


def _offer_links(client, user, demand) -> list[str]:
    client.force_login(user)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    return re.findall(r'<a href="(/demands/merchant/[^"]+/offer/[^"]+/)">', page)


def test_a_shops_owner_opening_a_demand_finds_a_link_to_offer_as_that_shop(client):
    # given a published demand, a shop's owner, its cashier, another shop's
    # owner and a shopper
    demand = make_published()
    merchant, owner = make_owner_merchant(name="鲜邻超市")
    other, other_owner = make_owner_merchant(name="Other Mart")
    cashier = make_user()
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    # when each opens it, then only owners are shown their own shop's offer page
    offer_page = f"/demands/merchant/{merchant.public_id}/offer/{demand.public_id}/"
    assert _offer_links(client, owner, demand) == [offer_page]
    assert _offer_links(client, other_owner, demand) == [
        f"/demands/merchant/{other.public_id}/offer/{demand.public_id}/"
    ]
    assert _offer_links(client, cashier, demand) == []
    assert _offer_links(client, make_user(), demand) == []
    client.force_login(owner)
    page = client.get(f"/demands/{demand.public_id}/").content.decode()
    assert f'<a href="{offer_page}">Make an offer as 鲜邻超市</a>' in page
    # and the page it links to is the owner's alone
    assert client.get(offer_page).status_code == 200
    client.force_login(other_owner)
    assert client.get(offer_page).status_code == 403
    client.force_login(cashier)
    assert client.get(offer_page).status_code == 403


def _category_options(html: str) -> list[str]:
    select = re.search(r'<select name="category"[^>]*>(.*?)</select>', html, re.S)
    return [
        label.strip()
        for label in re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))
    ]


def test_the_demand_forms_list_categories_as_a_tree_as_the_home_page_does(client):
    # given a category with a child (whose name sorts before the parent's)
    food = make_category(name_en="Food", name_zh="食品饮料")
    make_category(name_en="Apples", name_zh="苹果", parent=food)
    make_category(name_en="Books", name_zh="图书")
    client.force_login(make_user(preferred_language="en"))
    # when the demand form and the merchants' search are opened
    new = client.get("/demands/new/").content.decode()
    merchant, owner = make_owner_merchant()
    owner.preferred_language = "en"
    owner.save(update_fields=["preferred_language"])
    client.force_login(owner)
    search = client.get(f"/demands/merchant/{merchant.public_id}/search/")
    # then each child is indented under its parent
    tree = ["Books", "Food", "— Apples"]
    assert _category_options(new) == ["Choose a category", *tree]
    assert _category_options(search.content.decode()) == ["Any category", *tree]
