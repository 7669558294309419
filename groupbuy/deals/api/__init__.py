"""Deals API: browse and join group buys, my orders, the merchant's console.

A router per subject, mounted in the order the paths were written before
``api.py`` became this package (see ``coupons.api``): ``/orders`` is matched
before ``/{deal_id}``. Their operations keep the ids they had
(``core.api_packages``).
"""

from groupbuy.core.api_packages import operation_ids_kept
from groupbuy.deals.api import console, deals, shopper, unit_refunds

# The shopper's router is this package's: its open group buys answer at
# /api/deals itself (see ``shopper``).
router = operation_ids_kept(shopper.router, module=__name__)
for subject in (deals, console):
    router.add_router("", operation_ids_kept(subject.router, module=__name__))
# Named after its module already (``groupbuy_deals_api_unit_refunds_…``).
router.add_router("", unit_refunds.router)
