"""Shopper pages for pooled orders (``shoppers``), a pool's and a contact
request's pages with their chats (``rooms``), and the merchant's promotions
page (``merchant``)."""

from groupbuy.pooling.views.merchant import merchant_promotion_end, merchant_promotions
from groupbuy.pooling.views.rooms import (
    contact,
    contact_answer,
    contact_chat,
    contact_end,
    contact_reopen,
    pool,
    pool_answer,
    pool_chat,
    pool_leave,
    pool_phone,
)
from groupbuy.pooling.views.shoppers import (
    branch,
    buyers,
    cart_delete,
    carts,
    home,
    profile,
    request_detail,
    request_withdraw,
)

__all__ = [
    "branch",
    "buyers",
    "cart_delete",
    "carts",
    "contact",
    "contact_answer",
    "contact_chat",
    "contact_end",
    "contact_reopen",
    "home",
    "merchant_promotion_end",
    "merchant_promotions",
    "pool",
    "pool_answer",
    "pool_chat",
    "pool_leave",
    "pool_phone",
    "profile",
    "request_detail",
    "request_withdraw",
]
