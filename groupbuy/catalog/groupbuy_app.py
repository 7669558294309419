"""The catalog in the project: products, merchants and branches over the API."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from groupbuy.core.plugins import GroupbuyApp, NotificationAudience


def catalogue_file_max_bytes() -> int:
    """A shop's catalogue CSV (catalog.catalogue.reading)."""
    return settings.GROUPBUY_CATALOG_IMPORT_MAX_BYTES


app = GroupbuyApp(
    upload_paths=[
        (
            r"^/(merchant/[^/]+/catalogue/import"
            r"|api/catalog/merchants/[^/]+/catalogue/imports)/?$",
            "groupbuy.catalog.groupbuy_app:catalogue_file_max_bytes",
        )
    ],
    api_routers={"catalog": "groupbuy.catalog.api:router"},
    notification_kinds={
        "catalog.staff.invited": _("Invitation to a merchant's staff"),
        "catalog.staff.answered": _("Answer to your staff invitation"),
        "catalog.staff.role_changed": _("Your role on a merchant's staff changed"),
    },
    notification_audiences={
        "catalog.staff.answered": NotificationAudience.MERCHANT_STAFF,
        "catalog.staff.role_changed": NotificationAudience.MERCHANT_STAFF,
    },
    # The staff invitations sent to a person and by them (catalog/personal_data.py).
    personal_data="groupbuy.catalog.personal_data:CatalogPersonalData",
    # Fresh produce with photos for `groupbuy demo` (catalog/demo.py).
    demo_data="groupbuy.catalog.demo:load_demo_data",
)
