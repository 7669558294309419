"""The console's home lists its sections under a few headings (Sell, At the
till, Money, Shop) that the apps' entries name, one tap to each."""

import re

import pytest
from django.test import Client

from groupbuy.catalog.tests.factories import make_merchant_member, make_user

# one_database: menus and links, whichever engine holds the rows.
pytestmark = [pytest.mark.django_db, pytest.mark.one_database]


def _groups(page: str) -> list[tuple[str, list[str]]]:
    """Return the home's sections: each heading with its entries' keys."""
    nav = re.search(r'<nav[^>]*id="merchant-groups".*?</nav>', page, re.S).group(0)
    return [
        (heading, re.findall(r'id="merchant-nav-([^"]+)"', links))
        for heading, links in re.findall(
            r"<section[^>]*>\s*<h2[^>]*>([^<]+)</h2>(.*?)</section>", nav, re.S
        )
    ]


def _home(role: str) -> tuple[str, str]:
    membership = make_merchant_member(
        user=make_user(preferred_language="en"), role=role
    )
    client = Client()
    client.force_login(membership.user)
    merchant_id = membership.merchant.public_id
    return merchant_id, client.get(f"/merchant/{merchant_id}/").content.decode()


def test_the_owners_home_groups_every_section_under_its_heading():
    # when an owner opens the console's home
    _merchant_id, page = _home("owner")
    # then each app's entry is under the heading it names, the overview marked
    assert _groups(page) == [
        ("Sell", ["deals", "teams", "demand-search", "promotions"]),
        ("At the till", ["coupons", "orders"]),
        ("Money", ["sales", "money", "statement", "payouts"]),
        ("Shop", ["overview", "listings", "products", "staff"]),
    ]
    assert 'aria-current="page" id="merchant-nav-overview"' in page
    # and the flat bar of the other pages is not repeated above them
    assert 'class="subnav"' not in page


def test_a_cashiers_home_leaves_out_the_owners_sections_and_empty_headings():
    # when a cashier opens the console's home
    _merchant_id, page = _home("cashier")
    # then the owners' sections are missing, and Money with them
    assert _groups(page) == [
        ("Sell", ["deals", "demand-search", "promotions"]),
        ("At the till", ["coupons", "orders"]),
        ("Shop", ["overview", "listings", "products"]),
    ]


def test_another_merchants_owner_and_a_shopper_cannot_open_the_home():
    # given a shop's home
    merchant_id, _page = _home("owner")
    other, shopper = Client(), Client()
    other.force_login(make_merchant_member(user=make_user()).user)
    shopper.force_login(make_user())
    # then neither another shop's owner nor a shopper may open it
    for client in (other, shopper):
        assert client.get(f"/merchant/{merchant_id}/").status_code in (403, 404)
