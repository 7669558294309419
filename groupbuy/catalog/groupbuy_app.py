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
    # What the app writes to the audit trail, labelled on the operators' page.
    audit_actions={
        "catalog.merchant.created": _("Shop created"),
        "catalog.merchant.updated": _("Shop details changed"),
        "catalog.branch.created": _("Branch opened"),
        "catalog.branch.updated": _("Branch details changed"),
        "catalog.category.created": _("Category created"),
        "catalog.category.updated": _("Category changed"),
        "catalog.product.created": _("Product added"),
        "catalog.product.updated": _("Product changed"),
        "catalog.product.corrected": _("Product corrected by the platform"),
        "catalog.product.selling_stopped": _("Product taken off sale"),
        "catalog.product.selling_resumed": _("Product back on sale"),
        "catalog.product.alias_added": _("Product's other name added"),
        "catalog.product.alias_removed": _("Product's other name removed"),
        "catalog.product.image_added": _("Product photo added"),
        "catalog.product.image_updated": _("Product photo's use changed"),
        "catalog.product.image_moved": _("Product photo moved"),
        "catalog.product.image_deleted": _("Product photo deleted"),
        "catalog.listing.created": _("Product listed at a branch"),
        "catalog.listing.updated": _("Branch listing changed"),
        "catalog.listing.deactivated": _("Branch listing switched off"),
        "catalog.import.uploaded": _("Catalogue file uploaded"),
        "catalog.import.applied": _("Catalogue file imported"),
        "catalog.staff.invited": _("Invited to a shop's staff"),
        "catalog.staff.invitation_attached": _(
            "Staff invitation found for a new account"
        ),
        "catalog.staff.invitation_accepted": _("Staff invitation accepted"),
        "catalog.staff.invitation_declined": _("Staff invitation declined"),
        "catalog.staff.invitation_cancelled": _("Staff invitation withdrawn"),
        "accounts.membership.role_changed": _("Staff member's role changed"),
        "accounts.membership.removed": _("Taken off a shop's staff"),
    },
)
