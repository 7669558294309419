"""Seed the large-text pass inside the server's Django (run through `shell`).

On top of `groupbuy load_demo`, whose shopper 13800000001 already has an order,
a coupon, a shared thread, demands and pooling branches to open, a team of their
own (the demo's shopper is in none), so the team page is checked too.
"""

from __future__ import annotations


def seed_large_text() -> dict:
    """Put the demo shopper in a team; return the shopper's detail pages that
    no list page links to for them."""
    from django.urls import reverse

    from groupbuy.accounts.models import User
    from groupbuy.catalog.models import Listing, Merchant
    from groupbuy.demo_data import MERCHANT_NAME, OWNER, SHOPPER
    from tests.e2e.a11y_seeding import _team_id

    shopper = User.objects.get(phone=SHOPPER.phone)
    owner = User.objects.get(phone=OWNER.phone)
    merchant = Merchant.objects.filter(name=MERCHANT_NAME).order_by("pk").first()
    listing = Listing.objects.filter(merchant=merchant).order_by("pk").first()
    ids = _team_id(
        shopper=shopper, owner=owner, merchant=merchant, product=listing.product
    )
    return {
        "paths": [
            reverse("teams:team", kwargs={"team_id": ids["team_id"]}),
            reverse("teams:deal", kwargs={"deal_id": ids["team_deal_id"]}),
        ]
    }
