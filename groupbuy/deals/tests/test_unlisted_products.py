"""A deal's list price is shown struck through as what the shop charges every
day, so a shop may not make or open a deal that shows one for a product it does
not list (the deals' ``_original_price_without_listing``), and a listing may not
come back below the original price of a deal open meanwhile (catalog's
``listing_create`` and ``listing_update``, asking ``listing_price_blockers``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groupbuy.accounts.services import api_token_create
from groupbuy.catalog.models import Listing
from groupbuy.catalog.tests.factories import make_listing, make_operator
from groupbuy.core.models import AuditEntry
from groupbuy.deals.models import Deal
from groupbuy.deals.services import deal_create_with_participants
from groupbuy.deals.tests.factories import (
    ensure_pickup_branch,
    make_merchant,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db

NOT_LISTED = (
    "Your shop does not list this product: list it at its everyday price first, "
    "as the deal's list price is shown as what you sell it for."
)
ORIGINAL_PRICE_BLOCKER = (
    "The group buy “Agreed tea” ({deal}), open or scheduled, shows ¥50.00 as its "
    "original price: the everyday price may not go below it until the group buy "
    "ends."
)


def _auth(user) -> dict:
    _token, secret = api_token_create(actor=user)
    return {"Authorization": f"Bearer {secret}"}


def _shop():
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    ensure_pickup_branch(merchant)
    return merchant, owner


def _body(product, *, list_price_fen=99_900, price_fen=300) -> dict:
    now = timezone.now()
    return {
        "product_id": product.public_id,
        "title": "Tea",
        "list_price_fen": list_price_fen,
        "tiers": [{"min_participants": 2, "price_fen": price_fen}],
        "stock": 10,
        "deadline_at": (now + timedelta(days=1)).isoformat(),
    }


def _create(client, merchant, user, body):
    return client.post(
        f"/api/deals/merchants/{merchant.public_id}/deals",
        body,
        content_type="application/json",
        headers=_auth(user),
    )


@pytest.mark.parametrize("who", ["owner", "operator"])
def test_a_deal_for_a_product_the_shop_does_not_list_is_a_400_on_product_id(
    client, who
):
    # given a shop, and a product it does not list (another shop lists it)
    merchant, owner = _shop()
    product = make_product()
    make_listing(merchant=make_merchant(name="Other"), product=product, price_fen=1)
    actor = owner if who == "owner" else make_operator(preferred_language="en")
    # when a deal showing ¥999.00 struck through beside ¥3.00 is made for it
    response = _create(client, merchant, actor, _body(product))
    # then it is refused on the product, and nothing is saved
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": NOT_LISTED,
        "fields": {"product_id": [NOT_LISTED]},
    }
    assert not Deal.objects.exists()


def test_another_shops_owner_and_a_shopper_are_refused_before_the_product(client):
    # given a shop and a product it does not list
    merchant, _owner = _shop()
    outsider = make_user()
    make_merchant(name="Other", owner=outsider)
    product = make_product()
    # when another shop's owner or a shopper makes a deal there
    for user in (outsider, make_user()):
        response = _create(client, merchant, user, _body(product))
        # then they are refused as not allowed, nothing said about the product
        assert response.status_code == 403
    assert not Deal.objects.exists()


def test_a_draft_whose_listing_was_deactivated_does_not_open(client):
    # given a draft made while the shop sold the product at ¥12.00
    merchant, owner = _shop()
    listing = make_listing(merchant=merchant, price_fen=1_200)
    created = _create(
        client,
        merchant,
        owner,
        _body(listing.product, list_price_fen=1_200, price_fen=1_000),
    )
    assert created.status_code == 201, created.json()
    deal_id = created.json()["id"]
    # when the listing is deactivated and the draft is opened
    removed = client.delete(
        f"/api/catalog/listings/{listing.public_id}", headers=_auth(owner)
    )
    assert removed.status_code == 200
    response = client.post(f"/api/deals/{deal_id}/open", headers=_auth(owner))
    # then opening is refused on the product, and the deal stays a draft
    assert response.status_code == 400
    assert response.json()["fields"] == {"product_id": [NOT_LISTED]}
    assert Deal.objects.get(public_id=deal_id).state == Deal.State.DRAFT
    # and a new one is refused while the product is not listed
    response = _create(client, merchant, owner, _body(listing.product))
    assert response.json()["fields"] == {"product_id": [NOT_LISTED]}


def _agreed_deal_while_unlisted(merchant, listing) -> Deal:
    """A demand's deal at an agreed ¥50.00 (no discount claimed), opened while
    the shop's ¥12.00 listing of the product was off."""
    Listing.objects.filter(pk=listing.pk).update(is_active=False)
    return deal_create_with_participants(
        actor=None,
        merchant=merchant,
        product=listing.product,
        title="Agreed tea",
        list_price_fen=5_000,
        tiers=[(1, 5_000)],
        stock=5,
        deadline_at=timezone.now() + timedelta(days=1),
        participants=[],
    )


def test_a_listing_switched_on_below_an_open_deals_original_price_is_a_409(client):
    # given a deal open at ¥50.00 while the shop's ¥12.00 listing was off
    merchant, owner = _shop()
    listing = make_listing(merchant=merchant, price_fen=1_200)
    deal = _agreed_deal_while_unlisted(merchant, listing)
    assert deal.state == Deal.State.OPEN
    # when the listing is switched on again at ¥12.00
    response = client.patch(
        f"/api/catalog/listings/{listing.public_id}",
        {"is_active": True},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then it is refused as a lower price would be, and it stays off
    assert response.status_code == 409
    blocker = ORIGINAL_PRICE_BLOCKER.format(deal=deal.public_id)
    assert response.json() == {
        "code": "price_below_open_deals",
        "message": blocker,
        "fields": {"price_fen": [blocker]},
        "blockers": [blocker],
    }
    assert Listing.objects.get(pk=listing.pk).is_active is False
    assert not AuditEntry.objects.filter(action="catalog.listing.updated").exists()
    # and switched on at ¥50.00 it is accepted
    response = client.patch(
        f"/api/catalog/listings/{listing.public_id}",
        {"is_active": True, "price_fen": 5_000},
        content_type="application/json",
        headers=_auth(owner),
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["is_active"], response.json()["price_fen"]) == (True, 5_000)


def test_a_listing_listed_again_below_an_open_deals_original_price_is_a_409(client):
    # given a deal open at ¥50.00 while the shop's listing was off
    merchant, owner = _shop()
    listing = make_listing(merchant=merchant, price_fen=1_200)
    deal = _agreed_deal_while_unlisted(merchant, listing)
    # when the product is listed again at ¥12.00
    response = client.post(
        f"/api/catalog/merchants/{merchant.public_id}/listings",
        {"product_id": listing.product.public_id, "price_fen": 1_200},
        content_type="application/json",
        headers=_auth(owner),
    )
    # then it is refused, and the listing stays off
    assert response.status_code == 409
    assert response.json()["blockers"] == [
        ORIGINAL_PRICE_BLOCKER.format(deal=deal.public_id)
    ]
    assert Listing.objects.get(pk=listing.pk).is_active is False
    assert not AuditEntry.objects.filter(action="catalog.listing.created").exists()
