"""Coupons API, mounted at /api/coupons.

Shoppers read their own coupons. A merchant's staff redeem, sync their
stations and upload batches; owners register keys. Everyone else gets 403/404.

A router per subject, mounted in the order the paths were written before
``api.py`` became this package: the OpenAPI document and the URLs read as they
did (``/mine`` before ``/{coupon_id}``). The subject routers carry no tags of
their own: this one's reach them (theirs would be listed twice).
"""

from ninja import Router

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.coupons.api import (
    settlement,
    shopper,
    stations,
    terms,
    till,
    unit_refunds,
)

router = Router(tags=["coupons"])
for subject in (shopper, till, stations, settlement, terms):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
# Named after its module already (``groupbuy_coupons_api_unit_refunds_…``).
router.add_router("", unit_refunds.router)
