"""Reads of pooled orders, and getters that check who may see what, one module
per subject: promotions and their shops (``promotions``), a shopper's pool
requests (``requests``), a pool as its members see it and its chat
(``pools``), cart reports and the shopping profile (``carts``); ``figures``:
what a merchant sees of pooling at their shops; ``invitations``: whom to
invite from shopping histories; ``contacts``: who is buying a product, and
contact requests."""

from groupbuy.pooling.selectors.carts import (
    PROFILE_REPORTS,
    branches_for_reports,
    cart_get_for_user,
    carts_for_user,
    shopping_profile,
)
from groupbuy.pooling.selectors.common import (
    chat_author_key,
    chat_marked_mine,
    chat_page_size,
)
from groupbuy.pooling.selectors.contacts import (
    buyer_rows,
    buyers_of_product,
    cart_get_discoverable,
    contact_author_label,
    contact_chat_history,
    contact_get_for_user,
    contact_row,
    contacts_for_user,
)
from groupbuy.pooling.selectors.pools import (
    chat_history,
    chat_label_for,
    chat_label_in_each_language,
    member_has_left,
    member_label,
    pool_get_for_member,
    pool_phones_shown,
    pool_view,
    pools_for_user,
)
from groupbuy.pooling.selectors.promotions import (
    branch_get,
    branches_with_promotions,
    merchant_get,
    products_for_forms,
    promotion_get,
    promotion_saving_quote,
    promotions_at_branch,
)
from groupbuy.pooling.selectors.requests import (
    request_get_for_user,
    request_get_with_pool_for_user,
    requests_for_user,
)

# Read from the pages, the API and the consumers as selectors.<name>.
__all__ = [
    "PROFILE_REPORTS",
    "branch_get",
    "branches_for_reports",
    "branches_with_promotions",
    "buyer_rows",
    "buyers_of_product",
    "cart_get_discoverable",
    "cart_get_for_user",
    "carts_for_user",
    "chat_author_key",
    "chat_history",
    "chat_label_for",
    "chat_label_in_each_language",
    "chat_marked_mine",
    "chat_page_size",
    "contact_author_label",
    "contact_chat_history",
    "contact_get_for_user",
    "contact_row",
    "contacts_for_user",
    "member_has_left",
    "member_label",
    "merchant_get",
    "pool_get_for_member",
    "pool_phones_shown",
    "pool_view",
    "pools_for_user",
    "products_for_forms",
    "promotion_get",
    "promotion_saving_quote",
    "promotions_at_branch",
    "request_get_for_user",
    "request_get_with_pool_for_user",
    "requests_for_user",
    "shopping_profile",
]
