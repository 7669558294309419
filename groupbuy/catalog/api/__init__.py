"""The catalog API, mounted at /api/catalog.

Anyone may browse products, categories, merchants, branches and listings;
changes need a signed-in operator, merchant owner or merchant staff member.
"""

from ninja import Router

from groupbuy.catalog.api import catalogue, merchants, products, staff

router = Router(tags=["catalog"])
router.add_router("", products.router)
router.add_router("", merchants.router)
router.add_router("", staff.router)
router.add_router("", catalogue.router)
