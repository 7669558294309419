"""After a group buy is saved or opened, its console page says what to do
next, with links: for a draft its tiers and stock, once open its shoppers'
page and the link to share."""

import re

from django.test import Client
from django.urls import reverse

from groupbuy.catalog.tests.factories import (
    make_branch,
    make_listing,
    make_merchant_member,
    make_user,
)
from groupbuy.deals.models import Deal
from groupbuy.deals.tests.factories import make_deal
from groupbuy.web.tests.test_merchant_deals import _deal_post, _owner


def _next_steps(page: str) -> list[str]:
    found = re.search(r'<section[^>]*id="merchant-deal-next".*?</section>', page, re.S)
    return re.findall(r'href="([^"]+)"', found.group(0)) if found else []


def test_a_saved_draft_offers_its_tiers_and_stock_and_the_way_back(db):
    # given an owner's new group buy
    merchant, client = _owner()
    listing = make_listing(merchant=merchant, price_fen=12_900)
    url = reverse("web:merchant_deal_create", args=[merchant.public_id])
    # when it is saved and the page it leads to is read
    page = client.post(url, _deal_post(listing.product), follow=True)
    # then the page links to editing its tiers and stock and to the list
    deal = Deal.objects.get()
    console = f"/merchant/{merchant.public_id}"
    assert _next_steps(page.content.decode()) == [
        f"{console}/deals/{deal.public_id}/edit/",
        f"{console}/deals/",
    ]


def test_an_opened_deal_offers_its_page_its_link_its_stock_and_the_list(db):
    # given an owner's draft at a shop with a branch
    merchant, client = _owner()
    make_branch(merchant=merchant)
    deal = make_deal(merchant=merchant, is_open=False)
    open_url = reverse(
        "web:merchant_deal_open", args=[merchant.public_id, deal.public_id]
    )
    # when it is opened
    page = client.post(open_url, follow=True).content.decode()
    # then the page links to the shoppers' page, the stock and the list, and
    # shows the link to share
    assert _next_steps(page) == [
        f"/deals/{deal.public_id}/",
        "#merchant-deal-actions",
        f"/merchant/{merchant.public_id}/deals/",
    ]
    assert (
        f'id="merchant-deal-share-link" value="http://testserver/deals/{deal.public_id}/"'
        in page
    )


def test_no_next_steps_without_a_step_nor_for_a_cashier(db):
    # given an open deal
    merchant, client = _owner()
    deal = make_deal(merchant=merchant)
    url = reverse("web:merchant_deal_detail", args=[merchant.public_id, deal.public_id])
    cashier = Client()
    cashier.force_login(make_merchant_member(merchant=merchant, role="cashier").user)
    # when the owner reads it plainly, and a cashier after it opened
    plain = client.get(url).content.decode()
    cashiers = cashier.get(f"{url}?step=opened").content.decode()
    # then neither page offers next steps
    assert "merchant-deal-next" not in plain
    assert "merchant-deal-next" not in cashiers


def test_another_merchants_owner_and_a_shopper_see_no_next_steps(db):
    # given an open deal of a shop
    merchant, _client = _owner()
    deal = make_deal(merchant=merchant)
    path = f"/merchant/{merchant.public_id}/deals/{deal.public_id}/?step=opened"
    other = Client()
    other.force_login(make_merchant_member(user=make_user()).user)
    shopper = Client()
    shopper.force_login(make_user())
    # when another shop's owner and a shopper ask for its page after opening
    # then neither is shown it
    assert other.get(path).status_code in (403, 404)
    assert shopper.get(path).status_code in (403, 404)
