"""Every state change of pooled orders (see the modules for each part)."""

from groupbuy.pooling.errors import PoolingError
from groupbuy.pooling.services.answers import (
    pool_answer,
    pool_phone_consent,
    pools_expire_due,
)
from groupbuy.pooling.services.chat import chat_post
from groupbuy.pooling.services.contacts import (
    contact_answer,
    contact_chat_post,
    contact_end,
    contact_reopen,
    contact_request,
)
from groupbuy.pooling.services.invitations import (
    pool_invitations_send,
)
from groupbuy.pooling.services.leaving import pool_leave
from groupbuy.pooling.services.pools import pools_match, pools_match_all
from groupbuy.pooling.services.promotions import promotion_end, promotion_publish
from groupbuy.pooling.services.shoppers import (
    cart_delete,
    cart_report,
    pool_request_create,
    pool_request_withdraw,
    profile_update,
)

__all__ = [
    "PoolingError",
    "cart_delete",
    "cart_report",
    "chat_post",
    "contact_answer",
    "contact_chat_post",
    "contact_end",
    "contact_reopen",
    "contact_request",
    "pool_answer",
    "pool_invitations_send",
    "pool_leave",
    "pool_phone_consent",
    "pool_request_create",
    "pool_request_withdraw",
    "pools_expire_due",
    "pools_match",
    "pools_match_all",
    "profile_update",
    "promotion_end",
    "promotion_publish",
]
