"""What a lower everyday price, or none, would falsify in the deals app
(``listing_price_blockers`` and ``listing_withdrawal_blockers`` in
groupbuy_app.py, asked by catalog's ``listing_update``).

A deal's list price is shown struck through beside its group price as the
original price (原价), and may not be above the shop's everyday price when the
deal is made or opened (``services.setup.everyday_price_exceeded``). Dropping the
everyday price below it afterwards would make that discount one that never was:
refused while such a deal of the product at the shop is open or scheduled. A
draft is checked again when it opens. Switching the listing off would leave
the original price with no everyday price behind it at all (a deal is not made
or opened for a product the shop does not list): refused the same way.
"""

from __future__ import annotations

from django.db.models import F, Max
from django.utils.translation import gettext as _

from groupbuy.core.money import format_fen
from groupbuy.deals.models import Deal


def listing_price_blockers(listing, *, price_fen: int) -> list[str]:
    """Return one sentence per open or scheduled deal of ``listing``'s product
    at its merchant whose original price is above ``price_fen``."""
    deals = Deal.objects.filter(
        merchant_id=listing.merchant_id,
        product_id=listing.product_id,
        state=Deal.State.OPEN,
        list_price_fen__gt=price_fen,
    ).order_by("-list_price_fen", "deadline_at", "id")
    return [
        _(
            "The group buy “%(title)s” (%(deal)s), open or scheduled, shows "
            "%(price)s as its original price: the everyday price may not go below "
            "it until the group buy ends."
        )
        % {
            "title": deal.title,
            "deal": deal.public_id,
            "price": format_fen(deal.list_price_fen),
        }
        for deal in deals
    ]


def listing_withdrawal_blockers(listing) -> list[str]:
    """Return one sentence per open or scheduled deal of ``listing``'s product
    at its merchant that shows an original price (above its dearest tier; a
    deal sold at an agreed price claims none, as in setup's
    ``_original_price_without_listing``)."""
    deals = (
        Deal.objects.filter(
            merchant_id=listing.merchant_id,
            product_id=listing.product_id,
            state=Deal.State.OPEN,
        )
        .annotate(dearest_tier_fen=Max("tiers__price_fen"))
        .filter(list_price_fen__gt=F("dearest_tier_fen"))
        .order_by("deadline_at", "id")
    )
    return [
        _(
            "The group buy “%(title)s” (%(deal)s), open or scheduled, shows "
            "%(price)s as the price you sell this product for every day: keep it "
            "on sale until the group buy ends."
        )
        % {
            "title": deal.title,
            "deal": deal.public_id,
            "price": format_fen(deal.list_price_fen),
        }
        for deal in deals
    ]
