"""The catalog in the Django admin: every change goes through the catalog services.

So an operator's edit here is checked, audited and announced exactly like one
made in the console or the API (a product renamed here reaches snap's name
index). Where no service exists (deleting products, categories, merchants,
listings), the admin offers none: deactivate instead.
"""

from groupbuy.catalog.admin import merchants, products  # noqa: F401  (registers)
