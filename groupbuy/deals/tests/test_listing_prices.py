"""An everyday price may not drop below an open deal's original price (the
deals app's ``listing_price_blockers``, asked by catalog's ``listing_update``)."""

from datetime import timedelta

import pytest

from groupbuy.accounts.services import api_token_create, merchant_membership_add
from groupbuy.catalog.models import Listing
from groupbuy.catalog.tests.factories import make_listing
from groupbuy.core.models import AuditEntry
from groupbuy.deals.tests.factories import make_deal, make_merchant, make_user

pytestmark = pytest.mark.django_db


def _patch(client, listing, user, price_fen):
    _token, secret = api_token_create(actor=user)
    return client.patch(
        f"/api/catalog/listings/{listing.public_id}",
        {"price_fen": price_fen},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def shop():
    """A shop selling a product at ¥15.90 every day, with an open deal showing
    ¥12.50 as its original price and a scheduled one showing ¥15.00."""
    owner = make_user(preferred_language="en")
    cashier = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    merchant_membership_add(actor=None, user=cashier, merchant=merchant, role="cashier")
    listing = make_listing(merchant=merchant, price_fen=1_590)
    open_deal = make_deal(
        merchant=merchant,
        product=listing.product,
        title="Tea now",
        list_price_fen=1_250,
        tiers=[(2, 1_100)],
    )
    scheduled = make_deal(
        merchant=merchant,
        product=listing.product,
        title="Tea later",
        list_price_fen=1_500,
        tiers=[(2, 1_200)],
        starts_in=timedelta(days=1),
        deadline_in=timedelta(days=3),
    )
    return {
        "owner": owner,
        "cashier": cashier,
        "listing": listing,
        "open": open_deal,
        "scheduled": scheduled,
    }


@pytest.mark.parametrize("who", ["owner", "cashier"])
def test_a_price_below_open_deals_original_prices_is_a_409_naming_them(
    client, shop, who
):
    # when the shop's staff lowers the everyday price to ¥1.00
    response = _patch(client, shop["listing"], shop[who], 100)
    # then it is refused, naming each deal and the price it shows
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "price_below_open_deals"
    assert body["blockers"] == [
        f"The group buy “Tea later” ({shop['scheduled'].public_id}), open or "
        "scheduled, shows ¥15.00 as its original price: the everyday price may not "
        "go below it until the group buy ends.",
        f"The group buy “Tea now” ({shop['open'].public_id}), open or scheduled, "
        "shows ¥12.50 as its original price: the everyday price may not go below it "
        "until the group buy ends.",
    ]
    assert body["fields"]["price_fen"] == body["blockers"]
    # and nothing changed
    assert Listing.objects.get().price_fen == 1_590
    assert not AuditEntry.objects.filter(action="catalog.listing.updated").exists()


def test_a_price_at_the_highest_original_price_is_accepted(client, shop):
    # when / then: ¥14.99 is below the scheduled deal's ¥15.00, ¥15.00 is not
    assert _patch(client, shop["listing"], shop["cashier"], 1_499).status_code == 409
    response = _patch(client, shop["listing"], shop["cashier"], 1_500)
    assert response.status_code == 200, response.json()
    assert Listing.objects.get().price_fen == 1_500


def test_drafts_and_other_shops_deals_do_not_hold_the_price(client):
    # given a draft of the product, and another shop's open deal of it
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    listing = make_listing(merchant=merchant, price_fen=1_590)
    cheaper = {"list_price_fen": 1_500, "tiers": [(2, 1_200)]}
    make_deal(merchant=merchant, product=listing.product, is_open=False, **cheaper)
    make_deal(merchant=make_merchant(name="Other"), product=listing.product, **cheaper)
    # when
    response = _patch(client, listing, owner, 100)
    # then
    assert response.status_code == 200, response.json()
    assert Listing.objects.get(pk=listing.pk).price_fen == 100


def _switch_off(client, listing, user, how):
    _token, secret = api_token_create(actor=user)
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/catalog/listings/{listing.public_id}"
    if how == "delete":
        return client.delete(url, headers=headers)
    return client.patch(
        url, {"is_active": False}, content_type="application/json", headers=headers
    )


def _off_blocker(deal, price) -> str:
    return (
        f"The group buy “{deal.title}” ({deal.public_id}), open or scheduled, shows "
        f"{price} as the price you sell this product for every day: keep it on sale "
        "until the group buy ends."
    )


@pytest.mark.parametrize("how", ["patch", "delete"])
@pytest.mark.parametrize("who", ["owner", "cashier"])
def test_a_listing_switched_off_under_open_deals_is_a_409_naming_them(
    client, shop, who, how
):
    # when the shop's staff switches the listing off while deals show its price
    response = _switch_off(client, shop["listing"], shop[who], how)
    # then it is refused, naming each deal (the sooner deadline first)
    assert response.status_code == 409
    blockers = [
        _off_blocker(shop["open"], "¥12.50"),
        _off_blocker(shop["scheduled"], "¥15.00"),
    ]
    assert response.json() == {
        "code": "listing_has_open_deals",
        "message": " ".join(blockers),
        "fields": {"is_active": blockers},
        "blockers": blockers,
    }
    # and the listing stays on sale, nothing audited
    assert Listing.objects.get().is_active is True
    assert not AuditEntry.objects.filter(action__startswith="catalog.listing").exists()


@pytest.mark.parametrize("how", ["patch", "delete"])
def test_another_shop_and_a_shopper_cannot_switch_a_listing_off(client, shop, how):
    # given the owner of another shop, and a shopper
    other_owner = make_user(preferred_language="en")
    make_merchant(name="Other", owner=other_owner)
    for user in (other_owner, make_user()):
        # when they switch the shop's listing off
        response = _switch_off(client, shop["listing"], user, how)
        # then it is not found for them, and stays on sale
        assert response.status_code == 404
    assert Listing.objects.get().is_active is True


@pytest.mark.parametrize("how", ["patch", "delete"])
def test_drafts_agreed_prices_and_other_shops_deals_let_a_listing_go_off(client, how):
    # given a draft of the product, a deal at an agreed price (no original price
    # shown) and another shop's open deal of it
    owner = make_user(preferred_language="en")
    merchant = make_merchant(owner=owner)
    listing = make_listing(merchant=merchant, price_fen=1_590)
    product = listing.product
    cheaper = {"list_price_fen": 1_500, "tiers": [(2, 1_200)]}
    make_deal(merchant=merchant, product=product, is_open=False, **cheaper)
    make_deal(merchant=make_merchant(name="Other"), product=product, **cheaper)
    agreed = make_deal(merchant=merchant, product=product, **cheaper)
    agreed.tiers.update(price_fen=1_500)  # as a demand's offer sells
    # when the listing is switched off
    response = _switch_off(client, listing, owner, how)
    # then
    assert response.status_code == 200, response.json()
    assert Listing.objects.get(pk=listing.pk).is_active is False
