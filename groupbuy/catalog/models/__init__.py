"""The catalog's models: merchants and branches, the shared catalogue of
products, merchants' listings and staff invitations.

Every model is importable from here, and Django finds them all as models of
the catalog app through these imports.
"""

from groupbuy.catalog.models.listings import Listing
from groupbuy.catalog.models.merchants import Branch, Merchant, in_reader_language
from groupbuy.catalog.models.products import (
    Category,
    Product,
    ProductAlias,
    ProductImage,
    product_image_path,
)
from groupbuy.catalog.models.staff import StaffInvitation

__all__ = [
    "Branch",
    "CatalogueImport",
    "Category",
    "Listing",
    "Merchant",
    "Product",
    "ProductAlias",
    "ProductImage",
    "StaffInvitation",
    "in_reader_language",
    # The migrations name it: the photos' upload_to.
    "product_image_path",
]

# Declared in the catalogue import's package; imported here (last, as it always
# was) so that Django finds it as a model of the catalog app.
from groupbuy.catalog.catalogue.models import CatalogueImport
