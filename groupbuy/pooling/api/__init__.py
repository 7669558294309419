"""Pooled orders API, mounted at /api/pooling: promotions, the shopper's
profile and carts, pool requests, pools and their chat, buyers and contact
requests.

Once ``api.py``, now a router per subject: mounted in the order its paths
were written there and under the ids they had, as ``coupons.api`` explains.
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.pooling.api import contacts, pools, promotions, requests, shoppers

router = Router(tags=["pooling"])
for subject in (promotions, shoppers, requests, pools, contacts):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
