"""Who may join: not the merchant's own staff, not a product that was switched off."""

import pytest
from django.utils import translation

from groupbuy.accounts.services import merchant_membership_add
from groupbuy.catalog.services import merchant_active_set, product_update
from groupbuy.catalog.tests.factories import make_operator
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal, DealOrder
from groupbuy.deals.services import deal_join
from groupbuy.deals.tests.factories import make_deal, make_merchant, make_user
from groupbuy.escrow.models import PaymentIntent

pytestmark = pytest.mark.django_db


def _nothing_joined(deal: Deal) -> bool:
    deal.refresh_from_db()
    return (
        deal.sold == 0
        and not DealOrder.objects.exists()
        and not PaymentIntent.objects.exists()
        and not AuditEntry.objects.filter(action="deals.order.joined").exists()
    )


@pytest.mark.parametrize("role", ["owner", "cashier"])
def test_merchant_staff_cannot_join_their_own_merchants_deal(role):
    # given
    staff = make_user()
    merchant = make_merchant(name="Fresh Mart")
    merchant_membership_add(actor=None, user=staff, merchant=merchant, role=role)
    deal = make_deal(merchant=merchant)
    # when
    with pytest.raises(DomainError) as refused:
        deal_join(actor=staff, deal=deal, quantity=1)
    # then
    assert (refused.value.code, refused.value.status) == ("own_merchant", 403)
    assert refused.value.message == (
        "You work for Fresh Mart, so you cannot join its group buys. "
        "Please ask someone else to join."
    )
    assert _nothing_joined(deal)


def test_staff_of_another_merchant_may_join():
    # given
    staff = make_user()
    other = make_merchant(name="Other Mart")
    merchant_membership_add(actor=None, user=staff, merchant=other, role="owner")
    deal = make_deal(merchant=make_merchant())
    # when
    order = deal_join(actor=staff, deal=deal, quantity=1)
    # then
    assert order.shopper == staff


def test_the_join_api_refuses_own_staff_with_403_json(client):
    # given
    staff = make_user()
    merchant = make_merchant()
    merchant_membership_add(actor=None, user=staff, merchant=merchant, role="cashier")
    deal = make_deal(merchant=merchant)
    client.force_login(staff)
    # when
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
    )
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "own_merchant"
    assert _nothing_joined(deal)


def test_a_deactivated_product_takes_no_new_joins_on_its_open_deal():
    # given
    deal = make_deal()
    first = deal_join(actor=make_user(), deal=deal, quantity=1)
    product_update(actor=make_operator(), product=deal.product, is_active=False)
    deal = Deal.objects.get(pk=deal.pk)
    # when
    with pytest.raises(DomainError) as refused:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    # then
    assert (refused.value.code, refused.value.status) == ("product_inactive", 409)
    assert refused.value.message == (
        "“Jasmine tea” is no longer sold, so this group buy takes no new joins."
    )
    deal.refresh_from_db()
    assert deal.sold == 1
    assert list(DealOrder.objects.all()) == [first]


def test_a_switched_off_merchant_takes_no_new_joins_on_its_open_deal():
    # given a shop an operator switched off while one of its deals was open
    merchant = make_merchant(name="Fresh Mart")
    deal = make_deal(merchant=merchant)
    first = deal_join(actor=make_user(), deal=deal, quantity=1)
    merchant_active_set(actor=make_operator(), merchant=merchant, is_active=False)
    deal = Deal.objects.get(pk=deal.pk)
    # when
    with translation.override("en"), pytest.raises(DomainError) as refused:
        deal_join(actor=make_user(), deal=deal, quantity=1)
    # then the order already made stays, and nobody else joins
    assert (refused.value.code, refused.value.status) == ("merchant_inactive", 409)
    assert refused.value.message == (
        "Fresh Mart has been switched off by the platform, so this group buy "
        "takes no new joins."
    )
    deal.refresh_from_db()
    assert deal.sold == 1
    assert list(DealOrder.objects.all()) == [first]


def _deal_page_in_english(client, deal: Deal) -> str:
    """Return the deal's page as a signed-in shopper reading English sees it."""
    shopper = make_user()
    shopper.preferred_language = "en"
    shopper.save(update_fields=["preferred_language"])
    client.force_login(shopper)
    return client.get(f"/deals/{deal.public_id}/").content.decode()


def test_the_deal_page_of_a_switched_off_merchant_says_so_instead_of_the_form(
    client,
):
    # given
    merchant = make_merchant(name="Fresh Mart")
    deal = make_deal(merchant=merchant)
    merchant_active_set(actor=make_operator(), merchant=merchant, is_active=False)
    # when
    page = _deal_page_in_english(client, deal)
    # then
    assert 'id="join-form"' not in page
    assert (
        "Fresh Mart has been switched off by the platform, so this group buy "
        "takes no new joins."
    ) in page


def test_the_deal_page_of_a_switched_off_product_says_so_instead_of_the_form(
    client,
):
    # given an open deal whose product its merchant then switched off
    deal = make_deal()
    product_update(actor=make_operator(), product=deal.product, is_active=False)
    # when a shopper opens the deal page
    page = _deal_page_in_english(client, deal)
    # then it says why nobody can join, and offers no form to send
    assert 'id="join-form"' not in page
    assert (
        "“Jasmine tea” is no longer sold, so this group buy takes no new joins."
    ) in page


def test_the_join_api_lets_staff_of_another_merchant_join(client):
    # given a cashier of one shop and another shop's deal
    staff = make_user()
    merchant_membership_add(
        actor=None, user=staff, merchant=make_merchant(), role="cashier"
    )
    deal = make_deal(merchant=make_merchant())
    client.force_login(staff)
    # when
    response = client.post(
        f"/api/deals/{deal.public_id}/join",
        {"quantity": 1},
        content_type="application/json",
    )
    # then
    assert response.status_code == 201, response.content
    assert DealOrder.objects.filter(deal=deal, shopper=staff).count() == 1


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("en", "Fresh Fruit", "鲜果铺"), ("zh-hans", "鲜果铺", "Fresh Fruit")],
)
def test_the_own_merchant_refusal_names_the_shop_in_the_readers_language(
    language, shown, hidden
):
    # given a cashier of a shop with an English name
    staff = make_user()
    merchant = make_merchant(name="鲜果铺")
    merchant.name_en = "Fresh Fruit"
    merchant.save(update_fields=["name_en"])
    merchant_membership_add(actor=None, user=staff, merchant=merchant, role="cashier")
    deal = make_deal(merchant=merchant)
    # when they try to join its deal, reading the language
    with translation.override(language), pytest.raises(DomainError) as refused:
        deal_join(actor=staff, deal=deal, quantity=1)
    # then the refusal names the shop as they read it
    assert shown in refused.value.message
    assert hidden not in refused.value.message
    assert _nothing_joined(deal)
