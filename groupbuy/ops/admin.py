from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from groupbuy.accounts.admin import person_label
from groupbuy.accounts.phones import mask_phone
from groupbuy.core.admin import ReadOnlyAdmin
from groupbuy.ops.models import ShopApplication


@admin.register(ShopApplication)
class ShopApplicationAdmin(ReadOnlyAdmin):
    """Read-only: applications are decided on the operator's pages, through the
    services (the shop opened, the applicant told, audited).

    The contact phone is masked in the list and on the detail too: reading it
    in full is audited (``shop_application_view_for_operator``), so the detail
    links to the operator's page of the application, which gives it. People are
    named by ``person_label``, as ``str(user)`` is the full number of someone
    with no name. Searching by the full number still finds the row.
    """

    list_display = (
        "public_id",
        "name",
        "applicant_label",
        "masked_contact_phone",
        "status",
        "created_at",
        "decided_at",
    )
    list_filter = ("status",)
    search_fields = (
        "public_id",
        "name",
        "name_en",
        "contact_phone",
        "applicant__phone",
        "applicant__public_id",
    )
    list_select_related = ("applicant",)
    fields = (
        "public_id",
        "status",
        "name",
        "name_en",
        "applicant_label",
        "masked_contact_phone",
        "branch_address",
        "sells",
        "note",
        "created_at",
        "withdrawn_at",
        "decided_at",
        "decided_by_label",
        "decline_reason",
        "merchant",
        "operator_page",
    )
    readonly_fields = fields

    @admin.display(description=_("applicant"), ordering="applicant__phone")
    def applicant_label(self, obj) -> str:
        return person_label(obj.applicant)

    @admin.display(description=_("contact phone"), ordering="contact_phone")
    def masked_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)

    @admin.display(description=_("decided by"))
    def decided_by_label(self, obj) -> str:
        return person_label(obj.decided_by)

    @admin.display(description=_("operator's page"))
    def operator_page(self, obj) -> str:
        url = reverse("ops:operator_shop_application", args=[obj.public_id])
        return format_html(
            '<a href="{}">{}</a>', url, _("Open it, with the contact phone in full")
        )
