"""Stock is added once per one-time key: the console's form sent again, the
API's request retried with its ``idempotency_key`` or ``Idempotency-Key``, or
two of them at the same moment."""

from collections import Counter

import pytest
from django.urls import reverse

from groupbuy.accounts.services import api_token_create
from groupbuy.core.errors import DomainError
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_add_stock
from groupbuy.deals.tests.factories import make_deal, make_merchant, make_user
from groupbuy.deals.tests.racing import race

KEY = "stock-key-0000000001"


def _owned_deal(**extra):
    owner = make_user(preferred_language="en")
    return owner, make_deal(merchant=make_merchant(owner=owner), stock=10, **extra)


def _post(client, url, user, body, **headers):
    _token, secret = api_token_create(actor=user)
    headers["Authorization"] = f"Bearer {secret}"
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.mark.django_db
def test_the_same_key_adds_stock_once_and_answers_the_deal_again():
    # given
    owner, deal = _owned_deal()
    deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
    # when the same request comes again
    again = deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
    # then
    assert again.stock == 15
    deal.refresh_from_db()
    assert deal.stock == 15
    assert AuditEntry.objects.filter(action="deals.deal.stock_added").count() == 1
    # and another key, or none, adds again
    deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY + "x")
    deal_add_stock(actor=owner, deal=deal, units=5)
    deal.refresh_from_db()
    assert deal.stock == 25


@pytest.mark.django_db
def test_a_key_sent_with_other_units_or_another_deal_is_refused():
    # given
    owner, deal = _owned_deal()
    other = make_deal(merchant=deal.merchant, stock=10)
    deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
    for target, units in ((deal, 6), (other, 5)):
        # when
        with pytest.raises(DomainError) as refused:
            deal_add_stock(actor=owner, deal=target, units=units, idempotency_key=KEY)
        # then
        assert (refused.value.code, refused.value.status) == (
            "idempotency_key_reused",
            409,
        )
    assert list(
        Deal.objects.filter(pk__in=[deal.pk, other.pk])
        .order_by("pk")
        .values_list("stock", flat=True)
    ) == [15, 10]


@pytest.mark.django_db
def test_a_repeat_after_the_deal_closed_answers_the_first_addition():
    # given stock added, then the deal stopped
    from groupbuy.deals.services import deal_stop

    owner, deal = _owned_deal()
    deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
    deal_stop(actor=owner, deal=deal)
    # when the addition's retry arrives
    again = deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
    # then it is told what it did, not that the deal closed
    assert again.stock == 15


@pytest.mark.django_db
def test_the_api_adds_once_per_key_in_the_body_or_the_header(client):
    # given
    owner, deal = _owned_deal()
    url = f"/api/deals/{deal.public_id}/stock"
    body = {"units": 3, "idempotency_key": KEY}
    # when
    first = _post(client, url, owner, body)
    again = _post(client, url, owner, body)
    by_header = _post(client, url, owner, {"units": 3}, **{"Idempotency-Key": KEY})
    reused = _post(client, url, owner, {"units": 4, "idempotency_key": KEY})
    # then
    assert [r.status_code for r in (first, again, by_header)] == [200, 200, 200]
    assert {r.json()["progress"]["stock"] for r in (first, again, by_header)} == {13}
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    deal.refresh_from_db()
    assert deal.stock == 13


@pytest.mark.django_db
def test_the_console_form_carries_a_new_key_and_its_resend_adds_once(client):
    # given the deal's console page, its form holding a one-time key
    owner, deal = _owned_deal()
    merchant_id = deal.merchant.public_id
    client.force_login(owner)
    page = reverse("web:merchant_deal_detail", args=[merchant_id, deal.public_id])
    shown = client.get(page, headers={"accept-language": "en"})
    key = shown.context["stock_form"].initial["idempotency_key"]
    assert f'name="idempotency_key" value="{key}"' in shown.content.decode()
    url = reverse("web:merchant_deal_add_stock", args=[merchant_id, deal.public_id])
    # when the form is sent twice
    for _ in range(2):
        client.post(url, {"units": "5", "idempotency_key": key})
    # then
    deal.refresh_from_db()
    assert deal.stock == 15
    assert client.get(page).context["stock_form"].initial["idempotency_key"] != key


@pytest.mark.django_db(transaction=True)
def test_the_same_key_twice_at_once_adds_once(file_database):
    # given
    owner, deal = _owned_deal()
    # when the same request is sent twice at the same moment
    outcomes = race(
        [
            lambda: deal_add_stock(actor=owner, deal=deal, units=5, idempotency_key=KEY)
            for _ in range(2)
        ]
    )
    # then both answer, and the stock grew once
    assert outcomes == Counter({"ok": 2})
    deal.refresh_from_db()
    assert deal.stock == 15


@pytest.mark.django_db(transaction=True)
def test_the_same_key_for_two_deals_at_once_adds_to_one(file_database):
    # given two deals of the shop
    owner, deal = _owned_deal()
    other = make_deal(merchant=deal.merchant, stock=10)
    # when one key is sent for both at the same moment
    outcomes = race(
        [
            lambda target=target: deal_add_stock(
                actor=owner, deal=target, units=5, idempotency_key=KEY
            )
            for target in (deal, other)
        ]
    )
    # then one is added, the other refused as the key's reuse
    assert outcomes == Counter({"ok": 1, "idempotency_key_reused": 1})
    stocks = Deal.objects.filter(pk__in=[deal.pk, other.pk]).values_list(
        "stock", flat=True
    )
    assert sorted(stocks) == [10, 15]
