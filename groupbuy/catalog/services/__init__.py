"""Every change to the catalog. Each service takes the acting user as ``actor``,
checks that they may do it, runs atomically and writes an audit row.

Optional arguments of the ``*_update`` services default to ``UNSET``: the field
keeps its value (``None`` clears a field where that makes sense).
"""

from groupbuy.catalog.services._common import UNSET
from groupbuy.catalog.services.catalogue import (
    catalogue_import_confirm,
    catalogue_import_upload,
)
from groupbuy.catalog.services.categories import category_create, category_update
from groupbuy.catalog.services.corrections import (
    FieldChange,
    ProductCorrected,
    product_correct,
    product_correction_preview,
)
from groupbuy.catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_move,
    product_image_update,
)
from groupbuy.catalog.services.listings import (
    clean_price_fen,
    format_yuan,
    listing_create,
    listing_deactivate,
    listing_update,
)
from groupbuy.catalog.services.merchants import (
    branch_create,
    branch_update,
    merchant_active_set,
    merchant_create,
    merchant_update,
)
from groupbuy.catalog.services.products import (
    clean_product_gtin,
    product_alias_add,
    product_alias_remove,
    product_create,
    product_selling_resume,
    product_selling_stop,
    product_update,
)

__all__ = [
    "UNSET",
    "FieldChange",
    "ProductCorrected",
    "branch_create",
    "branch_update",
    "catalogue_import_confirm",
    "catalogue_import_upload",
    "category_create",
    "category_update",
    "clean_price_fen",
    "clean_product_gtin",
    "format_yuan",
    "listing_create",
    "listing_deactivate",
    "listing_update",
    "merchant_active_set",
    "merchant_create",
    "merchant_update",
    "product_alias_add",
    "product_alias_remove",
    "product_correct",
    "product_correction_preview",
    "product_create",
    "product_image_add",
    "product_image_delete",
    "product_image_move",
    "product_image_update",
    "product_selling_resume",
    "product_selling_stop",
    "product_update",
]
