"""Pooled orders API, mounted at /api/pooling: promotions, carts, pool
requests, pools and their chat, buyers and contact requests.

A router per subject, mounted in the order the paths were written before
``api.py`` became this package (see ``coupons.api``): the OpenAPI document
lists them as it did. Their operations keep the ids they had
(``core.api_packages``); the subject routers carry no tags of their own.
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.pooling.api import contacts, pools, promotions, requests, shoppers

router = Router(tags=["pooling"])
for subject in (promotions, shoppers, requests, pools, contacts):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
