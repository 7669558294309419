"""What the catalog's selectors share."""

from __future__ import annotations

from django.utils.translation import gettext as _

from groupbuy.catalog.errors import CatalogError


def _not_found(what: str) -> CatalogError:
    return CatalogError(
        "not_found", _("No such %(what)s.") % {"what": what}, status=404
    )
