"""The card of a product or a group buy, with its short link, for anyone to see."""

from __future__ import annotations

from ninja import Router

from groupbuy.accounts.auth import optional_auth
from groupbuy.sharing import selectors
from groupbuy.sharing.schemas import ShareCardOut

router = Router()


@router.get("/cards/products/{product_id}", response=ShareCardOut, auth=optional_auth)
def product_card(request, product_id: str):
    """The card of a product (with its open group buy, if any) and its short link."""
    product = selectors.product_get_shareable(product_id=product_id)
    return selectors.product_card(product=product).as_dict()


@router.get("/cards/deals/{deal_id}", response=ShareCardOut, auth=optional_auth)
def deal_card(request, deal_id: str):
    """The card of a group buy and its short link."""
    deal = selectors.deal_get_shareable(deal_id=deal_id)
    return selectors.product_card(product=deal.product, deal=deal).as_dict()
